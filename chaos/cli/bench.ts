// npm run bench: throughput against ceilings measured in the same run, as ratios.
import { openLab } from '@surge-lab/lab';
import { runBench } from '../bench/bench.ts';
import { main, numberFlag, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run bench --',
  summary:
    "Benchmarks the shop against ceilings measured in the same run (bare Express, Express + one Redis GET, nginx return 200) and prints ratios, and the lab's CPU per operation (browse at the edge and at the origin, journeys); writes reports/bench.json. Needs the lab running and nothing else loading it.",
  options: {
    seconds: { type: 'string', default: '10', help: 'seconds per throughput run' },
    'cost-seconds': { type: 'string', default: '20', help: 'seconds of the idle measurement and of each fixed-rate load of the CPU per operation' },
  },
} as const;

main(spec, async () => {
  const { values } = parseCli(spec);
  await runBench(openLab(), { seconds: numberFlag('seconds', values.seconds, 1, 600), costSeconds: numberFlag('cost-seconds', values['cost-seconds'], 5, 600) });
});
