// catalog's read path as the app composes it (LayeredCache in front of the products repo) on a
// real Redis and a real Postgres: one database load per stampede, replicas sharing Redis, the
// invalidation after a patch, and the stale copy when the database is down.

import { createMetrics, createRedis, migrate, type PgPools } from '@surge-lab/kit';
import { DEAD_PG_URL, pgPools, type RunningPostgres, type RunningRedis, readyRedis, silentLogger, startAll, startPostgres, startRedis, stopAll } from '@surge-lab/tests/integration';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LayeredCache } from '../../src/data-access/layered-cache.ts';
import { catalogMigrations } from '../../src/data-access/migrations.ts';
import { type ProductsRepo, productsRepo } from '../../src/data-access/products-repo.ts';
import { toProduct } from '../../src/domain/products.ts';

const KEEP_SECONDS = 600;
/** The Redis key LayeredCache keeps a product's entry under (its prefix, then the app's key). */
const redisKey = (id: string) => `catalog:product:${id}`;
let pg: RunningPostgres | undefined;
let rd: RunningRedis | undefined;
let pools: PgPools;
let redis: Redis;
let repo: ProductsRepo;

beforeAll(async () => {
  [pg, rd] = await startAll(startPostgres, startRedis);
  pools = pgPools(pg.url, 'catalog-it');
  await migrate(pools.rw, 'catalog', catalogMigrations, silentLogger);
  repo = productsRepo(pools, createMetrics('catalog-it'), { readTimeoutMs: 300 });
  redis = await readyRedis(rd.url);
});
afterAll(async () => {
  redis?.disconnect();
  await pools?.close();
  await stopAll(pg, rd);
});

/** One catalog replica's cache (its own L1), on the shared Redis. */
const replica = (now: () => number = Date.now, client: Redis = redis) => new LayeredCache(client, createMetrics('catalog-it'), { freshMs: 1_000, keepSeconds: KEEP_SECONDS, l1Max: 100, now });

/** The product read as app.ts does it, counting database loads. */
function productRead(r: ProductsRepo = repo) {
  const read = Object.assign(
    async (cache: LayeredCache, id: string) =>
      cache.get(`product:${id}`, async () => {
        read.loads++;
        const row = await r.byId(id);
        return row ? JSON.stringify(toProduct(row)) : undefined;
      }),
    { loads: 0 },
  );
  return read;
}

describe('catalog read path on Redis and Postgres', () => {
  test('200 concurrent reads of a cold product make one database query, and all get the product', async () => {
    const read = productRead();
    const cache = replica();
    const results = await Promise.all(Array.from({ length: 200 }, () => read(cache, 'p-00100')));
    expect(read.loads).toBe(1);
    expect(new Set(results.map((r) => JSON.parse(r!.body).id))).toEqual(new Set(['p-00100']));
  });

  test('another replica is answered from Redis without touching the database', async () => {
    await productRead()(replica(), 'p-00101');
    const read = productRead();
    const r = await read(replica(), 'p-00101');
    expect(read.loads).toBe(0);
    expect(r).toMatchObject({ source: 'redis', stale: false });
    expect(JSON.parse(r!.body)).toMatchObject({ id: 'p-00101' });
  });

  test('the Redis copy has a TTL (keep time + up to 10% jitter), so Redis may evict it under memory pressure', async () => {
    await productRead()(replica(), 'p-00102');
    const ttl = await redis.ttl(redisKey('p-00102'));
    expect(ttl).toBeGreaterThan(KEEP_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(Math.ceil(KEEP_SECONDS * 1.1));
  });

  test('an unknown product is not cached', async () => {
    expect(await productRead()(replica(), 'p-99999')).toBeUndefined();
    expect(await redis.exists(redisKey('p-99999'))).toBe(0);
  });

  test('after a price change and evictShared, another replica reads the new price', async () => {
    const id = 'p-00103';
    await productRead()(replica(), id);
    await repo.patch(id, { priceCents: 777 });
    // Without the invalidation a replica would keep reading the old price from Redis.
    expect(JSON.parse((await productRead()(replica(), id))!.body).priceCents).not.toBe(777);
    await replica().evictShared(`product:${id}`);
    const r = await productRead()(replica(), id);
    expect(r!.source).toBe('db');
    expect(JSON.parse(r!.body).priceCents).toBe(777);
  });

  test('with the database down after the fresh window, a replica serves the Redis copy marked stale', async () => {
    const id = 'p-00104';
    const fresh = (await productRead()(replica(), id))!;
    const down = pgPools(DEAD_PG_URL, 'catalog-it-down');
    try {
      const later = () => Date.now() + 5_000;
      const r = await productRead(productsRepo(down, createMetrics('catalog-it-down'), { readTimeoutMs: 300 }))(replica(later), id);
      expect(r).toMatchObject({ source: 'redis', stale: true, body: fresh.body, etag: fresh.etag });
    } finally {
      await down.close();
    }
  });

  test('with Redis unreachable, reads go to the database', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 100, connectTimeoutMs: 100 }, silentLogger);
    try {
      const read = productRead();
      const r = await read(replica(Date.now, dead), 'p-00105');
      expect(read.loads).toBe(1);
      expect(r).toMatchObject({ source: 'db', stale: false });
    } finally {
      dead.disconnect();
    }
  });
});
