// `npm run test:full`: every experiment CI does not run, each ending in a pass verdict with its
// audit (the figures go to the README). Against the live lab, after the CI suites.
import { describe, test } from 'vitest';
import { ALL_EXPERIMENTS, CI_EXPERIMENTS, expectPass, runNamed } from '../live/experiments.ts';

const log = (l: string) => {
  if (/verdict|✘|abort/.test(l)) console.log(`[chaos] ${l}`);
};

describe('the experiments CI leaves out', { concurrent: false }, () => {
  test.each(ALL_EXPERIMENTS.filter((e) => !CI_EXPERIMENTS.includes(e)))(
    '%s ends in a pass verdict, its audit included',
    async (name) => {
      expectPass(name, await runNamed(name, log));
    },
    1_800_000,
  );
});
