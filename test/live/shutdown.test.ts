import { afterAll, describe, expect, test } from 'vitest';
import { compose, docker, ps } from './lab.ts';
import { type LoadResult, runLoad, sleep } from './load.ts';
import { api, cartWith, checkout, setStock } from './shop.ts';

/** Runs `step` on `workers` loops, stops one replica of `service` with SIGTERM mid-way, returns the tally. */
async function stopOneReplicaDuring(service: string, workers: number, step: (i: number) => Promise<string | undefined>): Promise<LoadResult> {
  const load = runLoad(workers, step);
  await sleep(1_000);
  const victim = (await ps()).find((c) => c.service === service)!;
  await docker(['stop', '--time', '20', victim.name]);
  await sleep(1_500);
  const r = await load.stop();
  console.log(`[shutdown] ${service}: ${r.ok} requests ok, ${r.failures.length} failed while ${victim.name} drained and stopped`, r.failures.slice(0, 5));
  return r;
}

// A rolling restart must lose nothing: SIGTERM makes a replica drain (readiness 503, in-flight
// requests finish, keep-alive connections close) while the edge moves traffic to the others.
describe('graceful shutdown of a replica under load', () => {
  afterAll(async () => {
    await compose(['up', '-d', '--wait', 'catalog', 'checkout']);
  });

  test('SIGTERM to a catalog replica during reads: no failed request', async () => {
    // A query string per request goes past the edge cache, to the replicas.
    const r = await stopOneReplicaDuring('catalog', 8, async (i) => {
      const a = await api('GET', `/api/products/p-0${String(1000 + (i % 3000)).padStart(4, '0')}?n=${i}`);
      return a.status === 200 ? undefined : `GET ${a.status} ${JSON.stringify(a.body)}`;
    });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBeGreaterThan(100);
  });

  test('SIGTERM to a checkout replica during checkouts: no failed request, no lost order', async () => {
    await setStock('p-04920', 10_000);
    const carts = await Promise.all(Array.from({ length: 6 }, () => cartWith({ 'p-04920': 1 })));
    const orders: string[] = [];
    let replays = 0;
    const r = await stopOneReplicaDuring('checkout', 6, async (i) => {
      const a = await checkout(carts[i % 6]!);
      // A 200 replay is the edge retrying the POST on the other replica (same Idempotency-Key)
      // after the stopping one cut the connection: the shopper still gets the one order.
      if (a.status === 200 && a.headers.get('idempotent-replayed') === 'true') replays++;
      else if (a.status !== 201 && a.status !== 202) return `POST ${a.status} ${JSON.stringify(a.body)}`;
      orders.push(a.body.id);
      return undefined;
    });
    if (replays) console.log(`[shutdown] checkout: ${replays} answers came from the edge's retry on the other replica`);
    expect(r.failures).toEqual([]);
    expect(new Set(orders).size).toBe(orders.length);
    expect(orders.length).toBeGreaterThan(10);
    for (const id of orders) expect((await api('GET', `/api/orders/${id}`)).status, id).toBe(200);
  });
});

describe('a restarted edge', () => {
  test('serves again and still counts its answers (its metrics log is writable after the restart)', async () => {
    const edge = (await ps()).find((c) => c.service === 'edge')!;
    await docker(['restart', '--time', '10', edge.name]);
    await compose(['up', '-d', '--wait', 'edge'], { timeoutMs: 90_000 });
    expect((await api('GET', '/api/products?category=toys&limit=3')).status).toBe(200);
    // mtail counts every answer nginx logs; a log nginx cannot open stops the edge, and one it
    // writes but mtail cannot read leaves the counter at 0 after the restart.
    let counted = 0;
    for (let i = 0; i < 20 && counted === 0; i++) {
      await api('GET', `/api/products/p-00001?restart=${i}`);
      await sleep(500);
      const metrics = await docker(['exec', edge.name, 'curl', '-fs', 'http://127.0.0.1:3903/metrics']);
      counted = [...metrics.stdout.matchAll(/^edge_http_requests_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    }
    expect(counted).toBeGreaterThan(0);
  });
});
