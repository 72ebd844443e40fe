import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from '@surge-lab/chaos/load';
import { waitFor } from '@surge-lab/lab';
import { beforeAll, describe, expect, test } from 'vitest';
import { edgeUrl, projectRoot, prometheusUrl } from './lab.ts';

// Grafana cannot run where no registry is reachable, so its dashboards are proven here:
// every panel query runs against the live Prometheus and must return data.
interface Panel {
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { refId: string; expr: string }[];
  surgeLab?: { faultOnly?: boolean; needsHistory?: boolean; regionsOnly?: boolean };
}
const dir = join(projectRoot, 'grafana', 'dashboards');
const dashboards = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(dir, f), 'utf8')) as { uid: string; title: string; panels: Panel[] } }));

async function instantQuery(expr: string): Promise<unknown[]> {
  const res = await fetch(`${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${body.error}`);
  return body.data.result;
}

// A load run first (browse, then shoppers buying), so traffic and order panels have real data.
beforeAll(async () => {
  const reportDir = join(tmpdir(), `surge-dash-${Date.now()}`);
  await runLoad({ scenario: 'browse', target: edgeUrl(), durationSeconds: 3, connections: 4, rate: 50, reportDir, log: () => {} });
  await runLoad({ scenario: 'journey', target: edgeUrl(), durationSeconds: 5, connections: 4, rate: 10, reportDir, log: () => {} });
});

describe.each(dashboards)('dashboard $file', ({ json }) => {
  test('is well-formed Grafana JSON: uid, title, schema version, panels on the 24-column grid, Prometheus targets', () => {
    expect(json.uid).toMatch(/^[a-z0-9-]+$/);
    expect(json.title).toBeTruthy();
    expect((json as { schemaVersion?: number }).schemaVersion).toBeGreaterThanOrEqual(36);
    expect(json.panels.length).toBeGreaterThan(0);
    for (const p of json.panels) {
      expect(p.datasource?.uid, p.title).toBe('prometheus');
      expect(['timeseries', 'stat', 'gauge', 'table', 'bargauge'], p.title).toContain(p.type);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.refId).toMatch(/^[A-Z]$/);
    }
  });

  // A fault-only panel has data while a fault is in; a needs-history panel's later targets once
  // enough history exists (a forecast); a regions-only panel once region B runs (the regions phase
  // checks those): all get a valid query here, not data.
  const targets = json.panels.flatMap((p) =>
    (p.targets ?? []).map((t, i) => ({
      panel: p.title,
      expr: t.expr,
      faultOnly: p.surgeLab?.faultOnly === true || p.surgeLab?.regionsOnly === true || (p.surgeLab?.needsHistory === true && i > 0),
    })),
  );
  test.each(targets.filter((t) => t.faultOnly))('fault-only panel "$panel" has a valid query (data comes with a fault): $expr', async ({ expr }) => {
    await expect(instantQuery(expr)).resolves.toBeInstanceOf(Array);
  });

  test.each(targets.filter((t) => !t.faultOnly))('panel "$panel" gets data for $expr', async ({ expr }) => {
    // rate() needs two scrapes in its window: give a freshly started lab up to a minute.
    const result = await waitFor(
      `data for ${expr}`,
      async () => {
        const r = await instantQuery(expr);
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2_000 },
    );
    expect(result.length).toBeGreaterThan(0);
  });
});
