// What every CLI entry point shares: `--help`, a usage error as one line that names the flag or
// value (exit 64, EX_USAGE), and the same exit for an error the command cannot recover from
// (exit 1, one line, no stack trace). Entry points stay thin: parse, call the library, print, exit.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export const EX_USAGE = 64;

/** A bad flag, value or argument: the message names it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionHelp {
  type: 'string' | 'boolean';
  help: string;
  default?: string | boolean;
  short?: string;
}

export interface CliSpec<O extends Record<string, OptionHelp>> {
  /** As the user types it, e.g. `npm run load --`. */
  command: string;
  /** The positional part of the usage line, e.g. `<scenario>`. */
  args?: string;
  summary: string;
  options: O;
  /** More text after the options (exit codes, examples). */
  more?: string;
}

type Values<O extends Record<string, OptionHelp>> = { [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean : O[K] extends { default: string } ? string : string | undefined };

export function helpText<O extends Record<string, OptionHelp>>(spec: CliSpec<O>): string {
  const flags = Object.entries(spec.options).map(([name, o]) => {
    const left = `  --${name}${o.type === 'string' ? ' <value>' : ''}`;
    return `${left.padEnd(28)} ${o.help}${o.default !== undefined && o.default !== false ? ` (default ${o.default})` : ''}`;
  });
  return [
    `usage: ${spec.command}${spec.args ? ` ${spec.args}` : ''}${Object.keys(spec.options).length ? ' [options]' : ''}`,
    '',
    spec.summary,
    '',
    'options:',
    ...flags,
    `  ${'--help'.padEnd(26)} this text`,
    ...(spec.more ? ['', spec.more] : []),
  ].join('\n');
}

/** Parses argv against the spec; `--help` prints the help and exits 0, a usage error exits 64. */
export function parseCli<O extends Record<string, OptionHelp>>(spec: CliSpec<O>, argv: string[] = process.argv.slice(2)): { values: Values<O>; positionals: string[] } {
  const options: ParseArgsOptionsConfig = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type, ...(o.default !== undefined ? { default: o.default } : {}), ...(o.short ? { short: o.short } : {}) };
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    usageExit(spec, (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option'));
  }
  if (parsed.values.help) {
    console.log(helpText(spec));
    process.exit(0);
  }
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

export function usageExit(spec: { command: string }, message: string): never {
  console.error(`${spec.command.replace(/ --$/, '')}: ${message} (see --help)`);
  process.exit(EX_USAGE);
}

/** A number flag in [min, max], or a usage error naming the flag. */
export function numberFlag(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value ?? '')}`);
  return n;
}

/**
 * Runs an entry point's body: a UsageError exits 64 with its line, any other error exits 1 with
 * its message alone (no stack trace); the body's number is the exit code.
 */
export function main(spec: { command: string }, body: () => Promise<number | undefined> | Promise<void>): void {
  body().then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      if (err instanceof UsageError) usageExit(spec, err.message);
      console.error(`${spec.command.replace(/ --$/, '')}: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
