// npm run bench: throughput against ceilings measured in the same run, as ratios.
import { openLab } from '@surge-lab/lab';
import { runBench } from '../bench/bench.ts';
import { main, numberFlag, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run bench --',
  summary: 'Benchmarks the shop against ceilings measured in the same run (bare Express, nginx return 200) and prints ratios; writes reports/bench.json. Needs the lab running.',
  options: { seconds: { type: 'string', default: '10', help: 'seconds per run' } },
} as const;

main(spec, async () => {
  const { values } = parseCli(spec);
  await runBench(openLab(), { seconds: numberFlag('seconds', values.seconds, 1, 600) });
});
