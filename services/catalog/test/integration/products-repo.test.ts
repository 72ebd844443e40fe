// catalog's migrations and products repo against a real Postgres (the lab's image, no Patroni).

import { CATEGORIES } from '@surge-lab/contracts/products';
import { createMetrics, DependencyError, followMigrations, migrate, type PgPools } from '@surge-lab/kit';
import { waitFor } from '@surge-lab/lab';
import { DEAD_PG_URL, pgPools, type RunningPostgres, silentLogger, startPostgres, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalogMigrations } from '../../src/data-access/migrations.ts';
import { type ProductsRepo, productsRepo } from '../../src/data-access/products-repo.ts';
import { watchReplicaLag } from '../../src/data-access/replica-lag.ts';
import { encodeCursor, ListQuery } from '../../src/domain/products.ts';

let pg: RunningPostgres | undefined;
let pools: PgPools;
let repo: ProductsRepo;
const repoOn = (p: PgPools) => productsRepo(p, createMetrics('catalog-it'), { readTimeoutMs: 300 });
const count = async (sql: string) => (await pools.rw.query<{ n: number }>(sql)).rows[0]!.n;

beforeAll(async () => {
  pg = await startPostgres();
  pools = pgPools(pg.url, 'catalog-it');
  repo = repoOn(pools);
});
afterAll(async () => {
  await pools?.close();
  await stopAll(pg);
});

describe('catalog migrations', () => {
  test('three replicas migrating an empty database at once create the table and the seed once', async () => {
    const applied = await Promise.all([1, 2, 3].map(() => migrate(pools.rw, 'catalog', catalogMigrations, silentLogger)));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(2);
    expect((await pools.rw.query(`SELECT version, name FROM schema_migrations WHERE owner = 'catalog' ORDER BY version`)).rows).toEqual([
      { version: 1, name: 'products' },
      { version: 2, name: 'seed 5000 products' },
    ]);
    expect(await count('SELECT count(*)::int AS n FROM products')).toBe(5_000);
    // The flash-sale items: the first 20, with little stock.
    expect(await count(`SELECT count(*)::int AS n FROM products WHERE stock = 25 AND id <= 'p-00020'`)).toBe(20);
  });

  test('migrating again applies nothing and keeps the data', async () => {
    await pools.rw.query(`UPDATE products SET stock = 3 WHERE id = 'p-04990'`);
    expect(await migrate(pools.rw, 'catalog', catalogMigrations, silentLogger)).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM products')).toBe(5_000);
    expect((await repo.byId('p-04990'))!.stock).toBe(3);
  });
});

describe('a region that is not primary (DB_SCHEMA=follow)', () => {
  test('starts once the migrations have replicated, and says which are still missing', async () => {
    expect(await followMigrations(pools.ro, 'catalog', catalogMigrations)).toBe(0);
    const later = [...catalogMigrations, { version: 99, name: 'not yet', sql: 'SELECT 1' }];
    await expect(followMigrations(pools.ro, 'catalog', later)).rejects.toThrow('catalog: migrations 99 have not replicated here yet');
  });

  test("its reads lag by the age of the heartbeat's copy, and by nothing known without one", async () => {
    const lag = watchReplicaLag(pools.ro, createMetrics('catalog-lag-it'), 100);
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(lag.seconds()).toBeUndefined();
      await pools.rw.query(`CREATE TABLE region_heartbeat (id int PRIMARY KEY, beat timestamptz NOT NULL, leader text NOT NULL);
        INSERT INTO region_heartbeat VALUES (1, now() - interval '7 seconds', 'pg-1')`);
      const seconds = await waitFor('a lag', async () => lag.seconds(), { timeoutMs: 5_000, intervalMs: 50 });
      expect(seconds).toBeGreaterThanOrEqual(7);
      expect(seconds).toBeLessThan(9);
    } finally {
      lag.stop();
      await pools.rw.query('DROP TABLE IF EXISTS region_heartbeat');
    }
  });
});

describe('products repo', () => {
  test('a product by id, and nothing for an unknown id', async () => {
    expect(await repo.byId('p-00001')).toEqual({
      id: 'p-00001',
      name: expect.stringMatching(/ 101$/),
      category: 'books',
      description: expect.stringContaining('Model 101'),
      price_cents: 499 + 7_919,
      stock: 25,
      version: 1,
    });
    expect(await repo.byId('p-99999')).toBeUndefined();
  });

  test('paging a category with the cursor visits each of its products once, in id order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      // As the API parses a request: the cursor is the opaque one it handed out.
      const rows = await repo.list(ListQuery.parse({ category: 'toys', limit: '100', ...(cursor ? { cursor: encodeCursor(cursor) } : {}) }));
      // One extra row tells the caller there is a next page.
      const items = rows.slice(0, 100);
      expect(items.every((r) => r.category === 'toys')).toBe(true);
      seen.push(...items.map((r) => r.id));
      if (rows.length <= 100) break;
      cursor = items.at(-1)!.id;
    }
    expect(seen).toHaveLength(625);
    expect(new Set(seen).size).toBe(625);
    expect([...seen].sort()).toEqual(seen);
  });

  test('text search is case-insensitive and takes LIKE wildcards literally', async () => {
    const kettles = await repo.list(ListQuery.parse({ q: 'KETTLE', limit: 100 }));
    expect(kettles.length).toBeGreaterThan(0);
    expect(kettles.every((r) => r.name.includes('Kettle'))).toBe(true);
    expect(await repo.list(ListQuery.parse({ q: '%' }))).toEqual([]);
    expect(await repo.list(ListQuery.parse({ q: '_' }))).toEqual([]);
  });

  test('categories with their product counts', async () => {
    expect(await repo.categories()).toEqual(CATEGORIES.map((name) => ({ name, count: 625 })));
  });

  test('a patch changes price or stock, bumps the version and is what the next read sees', async () => {
    const before = (await repo.byId('p-04991'))!;
    const patched = await repo.patch('p-04991', { priceCents: 1_234 });
    expect(patched).toMatchObject({ price_cents: 1_234, stock: before.stock, version: before.version + 1 });
    await repo.patch('p-04991', { stock: 0 });
    expect(await repo.byId('p-04991')).toMatchObject({ price_cents: 1_234, stock: 0, version: before.version + 2 });
    await expect(repo.patch('p-99999', { stock: 1 })).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND' });
  });

  test('with the replica pool down, reads are answered by the leader', async () => {
    const noReplica = pgPools(pg!.url, 'catalog-it-noreplica', { roUrl: DEAD_PG_URL });
    try {
      const r = repoOn(noReplica);
      expect((await r.byId('p-00002'))!.id).toBe('p-00002');
      expect(await r.categories()).toHaveLength(8);
    } finally {
      await noReplica.close();
    }
  });

  test('with no database at all, a read fails as a dependency error (the cache then answers)', async () => {
    const none = pgPools(DEAD_PG_URL, 'catalog-it-down');
    try {
      await expect(repoOn(none).byId('p-00002')).rejects.toBeInstanceOf(DependencyError);
    } finally {
      await none.close();
    }
  });
});
