import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { projectRoot } from '../../infra/lab/compose.ts';
import { waitFor } from '../../infra/lab/wait.ts';
import { edgeUrl, prometheusUrl, redisClient } from './lab.ts';

// Grafana cannot run where no registry is reachable, so its dashboards are proven here:
// every panel query runs against the live Prometheus and must return data.
interface Panel { title: string; datasource?: { uid: string }; targets?: { expr: string }[] }
const dir = join(projectRoot, 'grafana', 'dashboards');
const dashboards = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, json: JSON.parse(readFileSync(join(dir, f), 'utf8')) as { uid: string; title: string; panels: Panel[] } }));

async function instantQuery(expr: string): Promise<unknown[]> {
  const res = await fetch(`${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${body.error}`);
  return body.data.result;
}

// A little real traffic through the edge and a Toxiproxy link, so traffic panels have something to show.
beforeAll(async () => {
  const r = redisClient();
  await r.connect();
  for (let i = 0; i < 20; i++) {
    await fetch(`${edgeUrl()}/healthz`);
    await r.ping();
  }
  r.disconnect();
});

describe.each(dashboards)('dashboard $file', ({ json }) => {
  test('has a uid, a title and panels that all use the provisioned Prometheus datasource', () => {
    expect(json.uid).toMatch(/^[a-z0-9-]+$/);
    expect(json.title).toBeTruthy();
    expect(json.panels.length).toBeGreaterThan(0);
    for (const p of json.panels) expect(p.datasource?.uid, p.title).toBe('prometheus');
  });

  test.each(json.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr }))))('panel "$panel" gets data for $expr', async ({ expr }) => {
    // rate() needs two scrapes in its window: give a freshly started lab up to a minute.
    const result = await waitFor(`data for ${expr}`, async () => {
      const r = await instantQuery(expr);
      return r.length > 0 ? r : undefined;
    }, { timeoutMs: 90_000, intervalMs: 2_000 });
    expect(result.length).toBeGreaterThan(0);
  });
});
