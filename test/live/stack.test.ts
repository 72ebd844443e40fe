import { labReport } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { edgeUrl, lab, prometheusUrl, ps } from './lab.ts';

describe('the lab stack', () => {
  test('every service with an image is running, and healthy unless it is an exporter (which have no healthcheck)', async () => {
    const skipped = await lab.runtime.unavailableImages();
    const expected = (await lab.runtime.serviceNames()).filter((s) => !skipped.includes(s));
    const containers = await ps();
    for (const service of expected) {
      const c = containers.find((x) => x.service === service);
      expect(c, `${service} has a container`).toBeDefined();
      // Nothing waits on an exporter, and each healthcheck exec costs ~40 ms of CPU (docker-compose.yml).
      const want = service.endsWith('-exporter') ? 'running/' : 'running/healthy';
      expect(`${service}: ${c!.state}/${c!.health}`).toBe(`${service}: ${want}`);
    }
  });

  test('the edge answers its health endpoint on 127.0.0.1', async () => {
    const res = await fetch(`${edgeUrl()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'edge' });
  });

  test('every published port is bound to 127.0.0.1 only', async () => {
    const published = (await ps()).flatMap((c) => c.publishers.filter((p) => p.PublishedPort > 0).map((p) => ({ service: c.service, url: p.URL, port: p.PublishedPort })));
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) expect(`${p.service}:${p.port} on ${p.url}`).toBe(`${p.service}:${p.port} on 127.0.0.1`);
  });

  test('Prometheus scrapes every platform target and all are up', async () => {
    const res = await fetch(`${prometheusUrl()}/api/v1/targets?state=active`);
    const body = (await res.json()) as { data: { activeTargets: { labels: { job: string; instance: string }; health: string }[] } };
    const jobs = new Set(body.data.activeTargets.map((t) => t.labels.job));
    for (const job of ['etcd', 'patroni', 'postgres', 'pg-router', 'redis', 'nginx', 'edge', 'edge-lb', 'toxiproxy', 'toxics', 'shop', 'console', 'autoscaler']) expect(jobs).toContain(job);
    // A target may be between scrapes right after start: wait for every one to report up.
    const { waitFor } = await import('@surge-lab/lab');
    await waitFor(
      'all Prometheus targets up',
      async () => {
        const r = (await (await fetch(`${prometheusUrl()}/api/v1/targets?state=active`)).json()) as typeof body;
        const down = r.data.activeTargets.filter((t) => t.health !== 'up').map((t) => `${t.labels.job}/${t.labels.instance}`);
        return down.length === 0;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
  });

  test('the whole lab idles under 2 GB of memory', async () => {
    const rows = await labReport(lab);
    const total = rows.reduce((s, r) => s + r.memBytes, 0);
    console.log(`[lab] idle memory: ${(total / 1024 ** 2).toFixed(0)} MiB in ${rows.length} containers`);
    for (const r of rows) expect(r.memLimitBytes, `${r.service} has a memory limit`).toBeLessThan(2 * 1024 ** 3);
    expect(total).toBeLessThan(2 * 1000 ** 3);
  });
});
