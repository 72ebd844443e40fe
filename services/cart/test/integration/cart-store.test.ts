// cart's Redis data access (cart-store's Lua scripts through the guarded runner, the catalog
// snapshot) on the lab's Redis image with its redis.conf: AOF, maxmemory 96 MB, volatile-lru.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Product } from '@surge-lab/contracts/products';
import { createMetrics, createRedis, DependencyError } from '@surge-lab/kit';
import { waitFor } from '@surge-lab/lab';
import { type RunningRedis, readyRedis, silentLogger, startRedis, stopAll } from '@surge-lab/tests/integration';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { cartKey, createCartStore, EXPIRY_KEY } from '../../src/data-access/cart-store.ts';
import { createCatalogClient, snapshotKey } from '../../src/data-access/catalog.ts';
import { guardRedis } from '../../src/data-access/redis.ts';

const DAY = 86_400_000;
const IDLE = 7 * DAY;
let rd: RunningRedis | undefined;
let redis: Redis;

beforeAll(async () => {
  rd = await startRedis();
  redis = await readyRedis(rd.url);
});
afterAll(async () => {
  redis?.disconnect();
  await stopAll(rd);
});
beforeEach(async () => {
  await redis.flushdb();
});

/** A store as deps.ts wires it; `clock.t` is its time. */
function store(opts: { sweepBatch?: number; client?: Redis } = {}) {
  const clock = { t: Date.now() };
  const { run } = guardRedis(opts.client ?? redis, createMetrics('cart-it'), 250);
  return { clock, carts: createCartStore(run, { idleMs: IDLE, now: () => clock.t, ...(opts.sweepBatch ? { sweepBatch: opts.sweepBatch } : {}) }) };
}
const items = async (carts: ReturnType<typeof store>['carts'], id: string) => Object.fromEntries((await carts.get(id))?.items ?? []);

describe('cart store on Redis', () => {
  test('a new cart reads back empty; quantities are set, replaced and removed', async () => {
    const { carts, clock } = store();
    const id = randomUUID();
    expect(await carts.create(id)).toMatchObject({ id, createdAt: new Date(clock.t).toISOString() });
    expect(await carts.get(id)).toEqual({ id, createdAt: new Date(clock.t).toISOString(), items: new Map() });
    expect(await carts.setItem(id, 'p-00001', 2)).toBe(true);
    expect(await carts.setItem(id, 'p-00002', 1)).toBe(true);
    expect(await carts.setItem(id, 'p-00001', 5)).toBe(true);
    expect(await carts.removeItem(id, 'p-00002')).toBe(true);
    expect(await items(carts, id)).toEqual({ 'p-00001': 5 });
  });

  test('a write to a cart that does not exist fails and creates nothing', async () => {
    const { carts } = store();
    const id = randomUUID();
    expect(await carts.setItem(id, 'p-00001', 1)).toBe(false);
    expect(await carts.removeItem(id, 'p-00001')).toBe(false);
    expect(await carts.get(id)).toBeNull();
    expect(await redis.exists(cartKey(id))).toBe(0);
    expect(await redis.zscore(EXPIRY_KEY, id)).toBeNull();
  });

  test('50 concurrent writes of different products to one cart all land', async () => {
    const { carts } = store();
    const id = randomUUID();
    await carts.create(id);
    const ids = Array.from({ length: 50 }, (_, i) => `p-${String(i + 1).padStart(5, '0')}`);
    expect(await Promise.all(ids.map((p, i) => carts.setItem(id, p, (i % 99) + 1)))).toEqual(ids.map(() => true));
    const got = await items(carts, id);
    expect(Object.keys(got).sort()).toEqual(ids);
    expect(got['p-00050']).toBe(50);
  });

  test('the sweeper deletes carts idle past a week, in batches, and nothing else', async () => {
    const { carts, clock } = store({ sweepBatch: 10 });
    const t0 = clock.t;
    const old = Array.from({ length: 25 }, () => randomUUID());
    for (const id of old) {
      await carts.create(id);
      await carts.setItem(id, 'p-00001', 1);
    }
    clock.t = t0 + 3 * DAY;
    const recent = Array.from({ length: 5 }, () => randomUUID());
    for (const id of recent) await carts.create(id);

    expect(await carts.sweep(t0 + IDLE - 1)).toBe(0);
    expect(await carts.sweep(t0 + IDLE + 1)).toBe(25);
    for (const id of old) expect(await redis.exists(cartKey(id))).toBe(0);
    for (const id of recent) expect(await carts.get(id)).not.toBeNull();
    expect(await redis.zcard(EXPIRY_KEY)).toBe(5);
  });

  test('reading a cart counts as use: a cart looked at is not swept, and a swept cart is not brought back by a late write', async () => {
    const { carts, clock } = store();
    const t0 = clock.t;
    const id = randomUUID();
    await carts.create(id);
    clock.t = t0 + 6 * DAY;
    expect(await carts.get(id)).not.toBeNull();
    expect(await carts.sweep(t0 + IDLE + 1)).toBe(0);
    expect(await carts.sweep(t0 + 6 * DAY + IDLE + 1)).toBe(1);
    expect(await carts.setItem(id, 'p-00001', 1)).toBe(false);
    expect(await carts.get(id)).toBeNull();
  });

  test('carts carry no TTL: filling Redis past maxmemory with cache entries evicts those, never a cart', async () => {
    const { carts } = store();
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) {
      await carts.create(id);
      await carts.setItem(id, 'p-00007', 3);
    }
    expect(await redis.ttl(cartKey(ids[0]!))).toBe(-1);
    // 140 MB of 1 MB cache entries with a TTL (as catalog writes them) into a 96 MB Redis.
    const mb = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 140; i += 10) {
      const batch = redis.pipeline();
      for (let j = i; j < i + 10; j++) batch.set(`catalog:filler:${j}`, mb, 'EX', 3_600);
      await batch.exec();
    }
    const evicted = Number(/evicted_keys:(\d+)/.exec(await redis.info('stats'))![1]);
    expect(evicted).toBeGreaterThan(0);
    for (const id of ids) expect(await items(carts, id)).toEqual({ 'p-00007': 3 });
  });

  test('with Redis unreachable a cart call fails at once as a dependency error', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 100, connectTimeoutMs: 100 }, silentLogger);
    try {
      const started = Date.now();
      await expect(store({ client: dead }).carts.get(randomUUID())).rejects.toBeInstanceOf(DependencyError);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      dead.disconnect();
    }
  });

  // A region's failover: its Redis answers READONLY until it is promoted. Those writes are refused
  // (503, retry shortly), and the first write after the promotion is taken: the breaker stayed shut.
  test('while Redis is a replica writes are refused as unavailable, and the first one after its promotion is taken', async () => {
    const { carts } = store();
    await redis.call('REPLICAOF', '127.0.0.1', '1'); // a primary that is not there: a replica, read-only
    try {
      for (let i = 0; i < 20; i++) await expect(carts.create(randomUUID())).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503, message: expect.stringMatching(/READONLY/) });
    } finally {
      await redis.call('REPLICAOF', 'NO', 'ONE');
    }
    const id = randomUUID();
    await carts.create(id);
    expect(await carts.get(id)).toMatchObject({ id });
  });
});

describe('catalog snapshot in Redis', () => {
  const KETTLE: Product = { id: 'p-00042', name: 'Kettle', category: 'kitchen', description: 'Boils', priceCents: 1999, stock: 3, imageUrl: '/api/products/p-00042/image.svg', version: 4 };

  test('a product seen once is served (marked stale) by another replica while catalog is down', async () => {
    const catalog = createServer((req, res) => {
      const found = req.url === `/api/products/${KETTLE.id}`;
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(found ? KETTLE : { error: { code: 'PRODUCT_NOT_FOUND' } }));
    });
    await new Promise<void>((r) => catalog.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`;
    const client = () => createCatalogClient({ baseUrl, timeoutMs: 300, capacity: 10, snapshotMax: 100 }, guardRedis(redis, createMetrics('cart-it'), 250).run, createMetrics('cart-it'), () => {});
    try {
      expect(await client().product(KETTLE.id)).toEqual({ product: KETTLE, stale: false });
      // The snapshot write is best effort, after the answer; it expires in a day (evictable).
      await waitFor('the snapshot in Redis', async () => (await redis.exists(snapshotKey(KETTLE.id))) === 1, { timeoutMs: 5_000, intervalMs: 50 });
      expect(await redis.ttl(snapshotKey(KETTLE.id))).toBeGreaterThan(86_000);
    } finally {
      catalog.closeAllConnections();
      await new Promise((r) => catalog.close(r));
    }
    expect(await client().product(KETTLE.id)).toEqual({ product: KETTLE, stale: true });
    await expect(client().product('p-00043')).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('durability', () => {
  // Killed, not stopped: no snapshot is written on the way down, so only the append-only file
  // (appendfsync everysec; the write reached the file before Redis replied) can bring it back.
  test('carts survive Redis being killed and restarted', async () => {
    const { carts } = store();
    const id = randomUUID();
    await carts.create(id);
    await carts.setItem(id, 'p-00009', 4);
    redis.disconnect();
    await rd!.container.restart({ timeout: 0 });
    redis = await readyRedis(`redis://${rd!.container.getHost()}:${rd!.container.getMappedPort(6379)}`);
    expect(await items(store().carts, id)).toEqual({ 'p-00009': 4 });
  });
});
