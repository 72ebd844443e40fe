import { waitFor } from '@surge-lab/lab';
import { afterAll, describe, expect, test } from 'vitest';
import { compose, pgQuery, toxiproxyUrl } from './lab.ts';
import { sleep } from './load.ts';
import { api, cartWith } from './shop.ts';

const bust = () => `bust=${Date.now()}-${Math.random()}`;
async function link(name: string, enabled: boolean): Promise<void> {
  const r = await fetch(`${toxiproxyUrl()}/proxies/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled }) });
  expect(r.ok).toBe(true);
}

describe('catalog caches', () => {
  test('a miss reads the database, the next read hits a cache layer, and the edge serves repeats itself', async () => {
    const id = `p-0${3000 + Math.floor(Math.random() * 999)}`;
    const first = await api('GET', `/api/products/${id}?${bust()}`);
    const second = await api('GET', `/api/products/${id}?${bust()}`);
    expect(first.status).toBe(200);
    expect(['db', 'redis']).toContain(first.headers.get('x-cache-layer'));
    expect(['l1', 'redis']).toContain(second.headers.get('x-cache-layer'));
    expect(second.body).toEqual(first.body);

    const url = `/api/products/${id}?edge=${Date.now()}`;
    expect((await api('GET', url)).headers.get('x-cache-status')).toBe('MISS');
    expect((await api('GET', url)).headers.get('x-cache-status')).toBe('HIT');
  });

  test('If-None-Match with the current ETag is answered 304', async () => {
    const first = await api('GET', `/api/products/p-00077?${bust()}`);
    const res = await fetch(`http://127.0.0.1:${(await import('./lab.ts')).labPort('EDGE_PORT')}/api/products/p-00077?${bust()}`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(res.status).toBe(304);
  });

  test('an admin price change is visible on the product page at once (caches invalidated on every replica)', async () => {
    const { adminHeaders } = await import('./shop.ts');
    const id = 'p-04940';
    for (let i = 0; i < 4; i++) await api('GET', `/api/products/${id}?${bust()}`); // warm both replicas' L1
    const price = 1_000 + Math.floor(Math.random() * 9_000);
    expect((await api('PATCH', `/api/products/${id}`, { body: { priceCents: price }, headers: adminHeaders() })).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await api('GET', `/api/products/${id}?${bust()}`)).body.priceCents).toBe(price);
  });
});

describe('Redis down', () => {
  afterAll(async () => {
    await compose(['up', '-d', '--wait', 'redis']);
  });

  test('catalog keeps answering 2xx from the database; carts answer 503 with Retry-After; both recover by themselves', async () => {
    const cart = await cartWith({ 'p-00010': 1 });
    await compose(['stop', 'redis']);
    try {
      for (let i = 0; i < 5; i++) {
        const r = await api('GET', `/api/products/p-0${4000 + i}?${bust()}`);
        expect(r.status).toBe(200);
      }
      const list = await api('GET', `/api/products?category=toys&limit=${2 + Math.floor(Math.random() * 97)}`);
      expect(list.status).toBe(200);
      for (const r of [await api('GET', `/api/carts/${cart}`), await api('POST', '/api/carts'), await api('PUT', `/api/carts/${cart}/items/p-00011`, { body: { quantity: 1 } })]) {
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(r.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      }
    } finally {
      await compose(['start', 'redis']);
    }
    const back = await waitFor(
      'the cart answering again',
      async () => {
        const r = await api('GET', `/api/carts/${cart}`);
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(back.body.items).toEqual([expect.objectContaining({ productId: 'p-00010', quantity: 1 })]);
  });
});

describe('database unreachable for catalog', () => {
  afterAll(async () => {
    await link('pg-ro', true);
    await link('pg-rw', true);
  });

  test('a product read before is served from cache, marked stale; one never read is a 503, not a 500', async () => {
    const id = 'p-04941';
    // "Never read" must hold whatever ran before (the browse loads read any of the 5,000 seeded
    // products into Redis): a fresh product outside the seeded range, written just now.
    const never = `p-${90_000 + Math.floor(Math.random() * 10_000)}`;
    await pgQuery(
      'PG_RW_PORT',
      `INSERT INTO products (id, name, category, description, price_cents, stock) VALUES ($1, 'Never Read', 'toys', 'written by a test, never read', 100, 1) ON CONFLICT (id) DO NOTHING`,
      [never],
    );
    await api('GET', `/api/products/${id}?${bust()}`);
    await api('GET', `/api/products/${id}?${bust()}`); // both replicas hold it
    await link('pg-ro', false);
    await link('pg-rw', false);
    await sleep(31_000); // past the 30 s fresh window: only a stale copy is left
    const r = await api('GET', `/api/products/${id}?${bust()}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-data-stale')).toBe('true');
    expect(r.body.id).toBe(id);
    const unread = await api('GET', `/api/products/${never}?${bust()}`);
    expect(unread.status).toBe(503);
    expect(unread.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});

describe('catalog down', () => {
  afterAll(async () => {
    await compose(['up', '-d', '--wait', 'catalog']);
  });

  test('the edge serves its cached catalog pages and carts price from their snapshots', async () => {
    const pages = ['/api/products?category=garden&limit=12', '/api/products/p-00021', '/api/categories'];
    for (const p of pages) await api('GET', p);
    const cart = await cartWith({ 'p-00021': 2 });
    await compose(['stop', 'catalog']);
    await sleep(1_000);
    for (const p of pages) {
      const r = await api('GET', p);
      expect(r.status, p).toBe(200);
      expect(['HIT', 'STALE', 'UPDATING']).toContain(r.headers.get('x-cache-status'));
    }
    const c = await api('GET', `/api/carts/${cart}`);
    expect(c.status).toBe(200);
    expect(c.body.items[0]).toEqual(expect.objectContaining({ productId: 'p-00021', quantity: 2 }));
    const uncached = await api('GET', `/api/products/p-04943?${bust()}`);
    expect(uncached.status).toBe(503);
    expect(uncached.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
