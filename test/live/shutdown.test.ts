import { afterAll, describe, expect, test } from 'vitest';
import { compose, ps } from '../../infra/lab/compose.ts';
import { runLoad, sleep } from './load.ts';
import { api, cartWith, checkout, setStock } from './shop.ts';

// A rolling restart must lose nothing: SIGTERM makes a replica drain (readiness 503, in-flight
// requests finish, keep-alive connections close) while the edge moves traffic to the others.
describe('graceful shutdown of a replica under load', () => {
  afterAll(async () => { await compose(['up', '-d', '--wait', 'catalog', 'checkout']); });

  test('SIGTERM to a catalog replica during reads: no failed request', async () => {
    const load = runLoad(8, async (i) => {
      // A query string per request goes past the edge cache, to the replicas.
      const r = await api('GET', `/api/products/p-0${String(1000 + (i % 3000)).padStart(4, '0')}?n=${i}`);
      return r.status === 200 ? undefined : `GET ${r.status} ${JSON.stringify(r.body)}`;
    });
    await sleep(1_000);
    const victim = (await ps()).find((c) => c.service === 'catalog')!;
    const { docker } = await import('../../infra/lab/compose.ts');
    await docker(['stop', '--time', '20', victim.name]);
    await sleep(1_500);
    const r = await load.stop();
    console.log(`[shutdown] catalog: ${r.ok} requests ok, ${r.failures.length} failed while ${victim.name} stopped`, r.failures);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBeGreaterThan(100);
  });

  test('SIGTERM to a checkout replica during checkouts: no failed request, no lost order', async () => {
    await setStock('p-04920', 10_000);
    const carts = await Promise.all(Array.from({ length: 6 }, () => cartWith({ 'p-04920': 1 })));
    const orders: string[] = [];
    const load = runLoad(6, async (i) => {
      const r = await checkout(carts[i % 6]!);
      if (r.status !== 201 && r.status !== 202) return `POST ${r.status} ${JSON.stringify(r.body)}`;
      orders.push(r.body.id);
      return undefined;
    });
    await sleep(1_000);
    const victim = (await ps()).find((c) => c.service === 'checkout')!;
    const { docker } = await import('../../infra/lab/compose.ts');
    await docker(['stop', '--time', '20', victim.name]);
    await sleep(1_500);
    const r = await load.stop();
    console.log(`[shutdown] checkout: ${r.ok} orders ok, ${r.failures.length} failed while ${victim.name} stopped`, r.failures);
    expect(r.failures).toEqual([]);
    for (const id of orders.slice(-20)) expect((await api('GET', `/api/orders/${id}`)).status).toBe(200);
  });
});
