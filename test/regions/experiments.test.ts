// The region experiments CI requires, against the multi-region lab: losing the primary region
// (killed, and cut off alive) ends in a pass verdict, its audit included (every lost order named,
// none fulfilled twice). Each experiment starts from region A primary and brings it back there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { CI_REGION_EXPERIMENTS, expectPass, runNamed } from '../live/experiments.ts';
import { projectRoot, prometheusUrl } from '../live/lab.ts';

const log = (l: string) => {
  if (/verdict|✘|abort|lost|RPO/.test(l)) console.log(`[chaos] ${l}`);
};

describe('region experiments against the multi-region lab', { concurrent: false }, () => {
  test.each(CI_REGION_EXPERIMENTS)(
    '%s ends in a pass verdict, its audit included',
    async (name) => {
      expectPass(name, await runNamed(name, log));
    },
    1_500_000,
  );
});

describe('the Regions dashboard with both regions running', () => {
  const panels = (
    JSON.parse(readFileSync(join(projectRoot, 'grafana', 'dashboards', 'regions.json'), 'utf8')) as {
      panels: { title: string; surgeLab?: { regionsOnly?: boolean; faultOnly?: boolean }; targets: { expr: string }[] }[];
    }
  ).panels
    .filter((p) => p.surgeLab?.regionsOnly && !p.surgeLab.faultOnly)
    .flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

  test.each(panels)('panel "$panel" gets data for $expr', async ({ expr }) => {
    const series = await waitFor(
      `data for ${expr}`,
      async () => {
        const body = (await (await fetch(`${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: unknown[] } };
        return body.data.result.length ? body.data.result : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2_000 },
    );
    expect(series.length).toBeGreaterThan(0);
  });
});
