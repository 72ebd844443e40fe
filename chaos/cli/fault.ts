// npm run fault -- <fault> [target] [key=value ...] [--duration s] | list | reset
import '../quiet-kafkajs.ts';
import { bringBackAll, checkArgs, FAULT_NAMES, FAULTS, inject, isFaultName, resetAll } from '@surge-lab/chaos/faults';
import { openLab } from '@surge-lab/lab';
import { main, numberFlag, parseCli, UsageError } from './support/cli.ts';

const spec = {
  command: 'npm run fault --',
  args: '<fault> [service|link] [key=value ...] | list | reset',
  summary:
    'Injects one fault and holds it until --duration ends or Ctrl-C, then reverts it. `list` shows every fault with its arguments; `reset` removes every toxic and starts every stopped or paused container. The scripts in chaos/bin (kill, latency, failover, …) are shortcuts.',
  options: { duration: { type: 'string', help: 'seconds to hold the fault, then revert it (default: until Ctrl-C)' } },
} as const;

main(spec, async () => {
  const { values, positionals } = parseCli(spec);
  const [name, ...rest] = positionals;
  const stamp = () => new Date().toISOString();
  const ctx = { log: (l: string) => console.log(`${stamp()} ${l}`), lab: openLab() };
  if (name === 'list') {
    for (const f of FAULT_NAMES) console.log(`  ${f.padEnd(24)} ${FAULTS[f].summary}; arguments: ${Object.keys(FAULTS[f].args.shape).join(', ') || 'none'}`);
    return 0;
  }
  if (name === 'reset') {
    await resetAll(ctx);
    await bringBackAll(ctx);
    return 0;
  }
  if (!name) throw new UsageError('name a fault (npm run fault -- list shows them)');
  if (!isFaultName(name)) throw new UsageError(`unknown fault "${name}"; one of: ${FAULT_NAMES.join(', ')}`);
  const args: Record<string, unknown> = {};
  // A bare first word names the target: `kill catalog` is `kill service=catalog`, `latency redis …` is `link=redis`.
  const shape = Object.keys(FAULTS[name].args.shape);
  const targetKey = shape.includes('service') ? 'service' : shape.includes('link') ? 'link' : undefined;
  for (const [i, kv] of rest.entries()) {
    const eq = kv.indexOf('=');
    if (eq < 0 && i === 0 && targetKey) {
      args[targetKey] = kv;
      continue;
    }
    if (eq <= 0) throw new UsageError(`arguments are key=value, got "${kv}"`);
    const v = kv.slice(eq + 1);
    args[kv.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === 'true' || v === 'false' ? v === 'true' : v;
  }
  const checked = checkArgs(name, args);
  if (!checked.ok) throw new UsageError(checked.problems.map((p) => `${name}: ${p.path || 'arguments'}: ${p.message}`).join('; '));
  const duration = values.duration === undefined ? undefined : numberFlag('duration', values.duration, 0, 86_400);

  const fault = await inject(ctx, name, args);
  return new Promise<number>((resolve) => {
    let reverting = false;
    const revert = async (why: string) => {
      if (reverting) return;
      reverting = true;
      ctx.log(`[fault] ${why}: reverting`);
      await fault.revert();
      resolve(0);
    };
    process.on('SIGINT', () => void revert('Ctrl-C'));
    process.on('SIGTERM', () => void revert('SIGTERM'));
    if (duration !== undefined) setTimeout(() => void revert(`${duration} s are up`), duration * 1_000);
    else ctx.log('[fault] held until Ctrl-C');
  });
});
