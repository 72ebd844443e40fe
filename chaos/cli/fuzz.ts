// npm run fuzz: schemathesis against the shop API through the edge (chaos/fuzz/schemathesis.ts).
import { join } from 'node:path';
import { fuzzApi } from '@surge-lab/chaos/fuzz';
import { openLab } from '@surge-lab/lab';
import { main, numberFlag, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run fuzz --',
  summary:
    'Fuzzes the shop API through the edge with schemathesis (installed once, pinned, under .lab/tools/): every operation of /api/openapi.json with valid and invalid input, every check (no 5xx, documented statuses and bodies, invalid input refused, valid input accepted, unsupported methods answered 405). Writes a JUnit report to reports/fuzz/.',
  options: {
    seed: { type: 'string', default: '20261201', help: 'the random seed (the same seed sends the same cases)' },
    'max-examples': { type: 'string', default: '25', help: 'examples per operation and phase' },
  },
  more: 'exit codes: 0 every check passed, 1 a check failed, 64 a bad command line',
} as const;

main(spec, async () => {
  const { values } = parseCli(spec);
  const lab = openLab();
  const r = await fuzzApi({
    root: lab.root,
    target: lab.endpoints.url('edge'),
    seed: numberFlag('seed', values.seed, 0, 2 ** 31),
    maxExamples: numberFlag('max-examples', values['max-examples'], 1, 1_000),
    reportDir: join(lab.root, 'reports', 'fuzz'),
  });
  console.log(`\n${r.operations} operation(s) fuzzed, ${r.failures.length} failing; JUnit report ${r.junitFile}`);
  for (const f of r.failures) console.log(`  ✘ ${f}`);
  return r.ok ? 0 : 1;
});
