// `npm run test:full`, its last phase: every region experiment CI does not run, against the
// multi-region lab, each ending in a pass verdict with its audit (the figures go to the README).
import { describe, test } from 'vitest';
import { CI_REGION_EXPERIMENTS, expectPass, REGION_EXPERIMENTS, runNamed } from '../../live/experiments.ts';

const log = (l: string) => {
  if (/verdict|✘|abort|lost|RPO/.test(l)) console.log(`[chaos] ${l}`);
};

describe('the region experiments CI leaves out', { concurrent: false }, () => {
  test.each(REGION_EXPERIMENTS.filter((e) => !CI_REGION_EXPERIMENTS.includes(e)))(
    '%s ends in a pass verdict, its audit included',
    async (name) => {
      expectPass(name, await runNamed(name, log));
    },
    1_800_000,
  );
});
