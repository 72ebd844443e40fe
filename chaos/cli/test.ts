// npm test: the whole test suite in the order CI needs it, each phase timed so the budget can be
// watched: lint and types, unit tests, integration tests on testcontainers (no lab), then the
// lab once with every live suite against it, then what region B adds beside it (the multi-region
// profile). `--full` adds the experiments CI leaves out.
import { spawn } from 'node:child_process';
import { main, parseCli, UsageError } from './support/cli.ts';

const PHASES = {
  lint: ['npx', 'biome', 'ci', '.'],
  typecheck: ['npx', 'tsc', '--noEmit', '-p', '.'],
  unit: ['npx', 'vitest', 'run', '--project', 'unit'],
  integration: ['npx', 'vitest', 'run', '--project', 'integration'],
  live: ['npx', 'vitest', 'run', '--project', 'live'],
  regions: ['npx', 'vitest', 'run', '--project', 'regions'],
  full: ['npx', 'vitest', 'run', '--project', 'full'],
  'regions-full': ['npx', 'vitest', 'run', '--project', 'regions-full'],
} as const;
type Phase = keyof typeof PHASES;
const DEFAULT: Phase[] = ['lint', 'typecheck', 'unit', 'integration', 'live', 'regions'];

const spec = {
  command: 'npm test --',
  summary: `Runs the test phases in order (${DEFAULT.join(', ')}), stopping at the first that fails, and prints how long each took.`,
  options: {
    full: { type: 'boolean', default: false, help: 'also run every experiment CI leaves out (npm run test:full)' },
    only: { type: 'string', help: `comma-separated phases to run (${Object.keys(PHASES).join(', ')})` },
  },
  more: 'exit codes: 0 every phase passed, 1 a phase failed, 64 a bad command line',
} as const;

const run = (argv: readonly string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
const minutes = (ms: number) => `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;

main(spec, async () => {
  const { values } = parseCli(spec);
  // The experiments of --full run against the one-region lab, before region B is added beside it.
  const wanted = values.only ? values.only.split(',').map((p) => p.trim()) : values.full ? [...DEFAULT.filter((p) => p !== 'regions'), 'full', 'regions', 'regions-full'] : DEFAULT;
  for (const p of wanted) if (!Object.hasOwn(PHASES, p)) throw new UsageError(`--only: unknown phase "${p}" (phases: ${Object.keys(PHASES).join(', ')})`);
  const started = Date.now();
  const times: string[] = [];
  for (const phase of wanted as Phase[]) {
    const t = Date.now();
    console.log(`\n=== phase ${phase}: ${PHASES[phase].join(' ')}`);
    const code = await run(PHASES[phase]);
    times.push(`${phase} ${minutes(Date.now() - t)}`);
    console.log(`=== phase ${phase}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${minutes(Date.now() - t)}`);
    if (code !== 0) {
      console.log(`=== phases: ${times.join(', ')}; stopped at ${phase}`);
      return 1;
    }
  }
  console.log(`\n=== phases: ${times.join(', ')}; all passed in ${minutes(Date.now() - started)}`);
  return 0;
});
