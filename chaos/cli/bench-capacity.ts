// npm run bench:capacity: what the lab sustains through the edge, in open-model (rate) steps.
import { openLab } from '@surge-lab/lab';
import { runCapacity } from '../bench/capacity.ts';
import { main, numberFlag, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run bench:capacity --',
  summary:
    "Finds the highest browse rate with p99 < 100 ms (edge cache on and off), the checkout capacity (the highest journey rate with p99 ≤ 500 ms from the intended send time and no errors, in checkouts per second), and a flash sale's p99 and shedding; writes its part of reports/bench.json. Needs the lab running.",
  options: { step: { type: 'string', default: '10', help: 'seconds per step' } },
} as const;

main(spec, async () => {
  const { values } = parseCli(spec);
  await runCapacity(openLab(), { stepSeconds: numberFlag('step', values.step, 1, 600) });
});
