// checkout's order transaction on a real Postgres (the lab's image, no Patroni), with catalog's
// products table beside it as in the lab: stock, idempotency, no overselling under contention.
import { randomUUID } from 'node:crypto';
import { catalogMigrations } from '@surge-lab/catalog/migrations';
import { createMetrics, migrate, type PgPools } from '@surge-lab/kit';
import { pgPools, type RunningPostgres, silentLogger, startPostgres, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutMigrations } from '../../src/data-access/migrations.ts';
import { ordersRepo, placeOrderTx } from '../../src/data-access/orders-repo.ts';
import { type CartLine, fingerprint, normaliseLines, type Order } from '../../src/domain/checkout.ts';
import type { Placement } from '../../src/domain/place-order.ts';

let pg: RunningPostgres | undefined;
let pools: PgPools;

beforeAll(async () => {
  pg = await startPostgres();
  // Pool size as in the lab's checkout: contention happens in Postgres, not in the pool.
  pools = pgPools(pg.url, 'checkout-it', { poolMax: 20 });
});
afterAll(async () => {
  await pools?.close();
  await stopAll(pg);
});

const db = () => pools.rw;
const one = async <T>(sql: string, params: unknown[] = []) => (await db().query(sql, params)).rows[0] as T;
const stock = async (id: string) => (await one<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [id])).stock;
const setStock = (id: string, n: number) => db().query('UPDATE products SET stock = $2 WHERE id = $1', [id, n]);
const price = async (id: string) => (await one<{ price_cents: number }>('SELECT price_cents FROM products WHERE id = $1', [id])).price_cents;
const countWhere = async (table: string, where: string, params: unknown[]) => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)).n;
const orderCount = async () => (await one<{ n: number }>('SELECT count(*)::int AS n FROM orders')).n;

/** The order transaction as the use case calls it (placeOrderTx): a new key and cart unless given, lines normalised. */
function order(lines: CartLine[], o: { key?: string; cartId?: string; email?: string } = {}): Promise<Placement> {
  const email = o.email ?? 'shopper@example.com';
  return placeOrderTx(db(), { key: o.key ?? `key-${randomUUID()}`, fingerprint: fingerprint({ cartId: o.cartId ?? randomUUID(), email }), email, lines: normaliseLines(lines) });
}
/** The order a placement made; anything else fails the test with what came back. */
function placed(p: Placement): Order {
  if (p.kind !== 'placed') throw new Error(`expected an order placed, got ${JSON.stringify(p)}`);
  return p.order;
}
/** Settles every placement: what came back, by kind, and what was thrown (a deadlock, a pool error). */
async function outcomes(ps: Promise<Placement>[]) {
  const settled = await Promise.allSettled(ps);
  const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const thrown = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
  const of = <K extends Placement['kind']>(kind: K) => results.filter((r): r is Extract<Placement, { kind: K }> => r.kind === kind);
  return { results, thrown, of };
}

describe('checkout migrations', () => {
  test("after catalog created products, checkout's migrations apply once", async () => {
    await migrate(db(), 'catalog', catalogMigrations, silentLogger);
    expect(await migrate(db(), 'checkout', checkoutMigrations, silentLogger)).toBe(checkoutMigrations.length);
    expect(await migrate(db(), 'checkout', checkoutMigrations, silentLogger)).toBe(0);
    const tables = (await db().query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.table_name);
    // One string: the table names are not the orders topics' names (test/unit/architecture.test.ts looks for those).
    expect(tables.join(' ')).toBe('idempotency_keys order_items orders outbox products schema_migrations');
    const functions = (await db().query(`SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')`)).rows.map(
      (r) => r.proname,
    );
    expect(functions).toEqual(['place_order']);
  });
});

describe('placing an order', () => {
  test('takes the stock, prices the lines from the products table, and writes one unreleased outbox event', async () => {
    await setStock('p-00300', 10);
    await setStock('p-00301', 10);
    const o = placed(
      await order([
        { productId: 'p-00301', quantity: 1 },
        { productId: 'p-00300', quantity: 2 },
        { productId: 'p-00301', quantity: 1 },
      ]),
    );
    const [p300, p301] = [await price('p-00300'), await price('p-00301')];
    expect(o).toMatchObject({ status: 'payment_pending', email: 'shopper@example.com', paymentId: null, totalCents: 2 * p300 + 2 * p301 });
    expect(o.lines).toEqual([
      { productId: 'p-00300', name: expect.stringMatching(/ 400$/), quantity: 2, priceCents: p300 },
      { productId: 'p-00301', name: expect.stringMatching(/ 401$/), quantity: 2, priceCents: p301 },
    ]);
    expect([await stock('p-00300'), await stock('p-00301')]).toEqual([8, 8]);
    const events = (await db().query('SELECT type, payload, released_at, published_at FROM outbox WHERE order_id = $1', [o.id])).rows;
    expect(events).toEqual([
      {
        type: 'order.placed',
        released_at: null,
        published_at: null,
        payload: {
          eventId: expect.any(String),
          type: 'order.placed',
          orderId: o.id,
          email: o.email,
          totalCents: o.totalCents,
          lines: [
            { productId: 'p-00300', quantity: 2, priceCents: p300 },
            { productId: 'p-00301', quantity: 2, priceCents: p301 },
          ],
        },
      },
    ]);
  });

  test('the same key and request again returns the same order and takes no more stock', async () => {
    await setStock('p-00302', 10);
    const same = { key: `key-${randomUUID()}`, cartId: randomUUID() };
    const first = placed(await order([{ productId: 'p-00302', quantity: 3 }], same));
    const again = await order([{ productId: 'p-00302', quantity: 3 }], same);
    expect(again).toEqual({ kind: 'replayed', order: first });
    expect(await stock('p-00302')).toBe(7);
    expect(await countWhere('orders o JOIN order_items i ON i.order_id = o.id', 'i.product_id = $1', ['p-00302'])).toBe(1);
  });

  test('the same key with another request is refused and writes nothing', async () => {
    await setStock('p-00303', 10);
    const key = `key-${randomUUID()}`;
    placed(await order([{ productId: 'p-00303', quantity: 1 }], { key }));
    const before = await orderCount();
    expect(await order([{ productId: 'p-00303', quantity: 1 }], { key })).toEqual({ kind: 'key_reused' });
    expect(await stock('p-00303')).toBe(9);
    expect(await orderCount()).toBe(before);
  });

  test('20 concurrent requests with one key make one order; the others replay it', async () => {
    await setStock('p-00304', 100);
    const same = { key: `key-${randomUUID()}`, cartId: randomUUID() };
    const { results, thrown, of } = await outcomes(Array.from({ length: 20 }, () => order([{ productId: 'p-00304', quantity: 2 }], same)));
    expect(thrown).toEqual([]);
    // None answered in_progress: a concurrent request waits on the key's row, then replays the committed order.
    expect(results.map((r) => r.kind).sort()).toEqual(['placed', ...Array(19).fill('replayed')]);
    expect(new Set([...of('placed'), ...of('replayed')].map((r) => r.order.id)).size).toBe(1);
    expect(await stock('p-00304')).toBe(98);
  });

  test('5 units and 30 concurrent orders: exactly 5 orders, 25 refused out of stock, stock 0, never below', async () => {
    await setStock('p-00305', 5);
    const { results, thrown, of } = await outcomes(Array.from({ length: 30 }, () => order([{ productId: 'p-00305', quantity: 1 }])));
    expect(thrown).toEqual([]);
    expect(of('placed')).toHaveLength(5);
    expect(of('out_of_stock')).toHaveLength(25);
    expect(results).toHaveLength(30);
    for (const r of of('out_of_stock')) expect(r).toEqual({ kind: 'out_of_stock', productId: 'p-00305', requested: 1, available: 0 });
    expect(await stock('p-00305')).toBe(0);
    expect(await countWhere('order_items', 'product_id = $1', ['p-00305'])).toBe(5);
    expect(await countWhere('outbox', `payload->'lines' @> $1::jsonb`, [JSON.stringify([{ productId: 'p-00305' }])])).toBe(5);
  });

  test('two-product orders under contention: all or nothing per order, no deadlock whatever the cart order', async () => {
    await setStock('p-00306', 10);
    await setStock('p-00307', 6);
    const carts = Array.from({ length: 24 }, (_, i) =>
      i % 2
        ? [
            { productId: 'p-00306', quantity: 1 },
            { productId: 'p-00307', quantity: 1 },
          ]
        : [
            { productId: 'p-00307', quantity: 1 },
            { productId: 'p-00306', quantity: 1 },
          ],
    );
    const { results, thrown, of } = await outcomes(carts.map((lines) => order(lines)));
    // A deadlock would be thrown (Postgres aborts one of the two transactions).
    expect(thrown).toEqual([]);
    expect(of('placed')).toHaveLength(6);
    expect(results.filter((r) => r.kind !== 'placed').map((r) => r.kind)).toEqual(Array(18).fill('out_of_stock'));
    // The refused orders gave back the unit of p-00306 they had taken before failing on p-00307.
    expect([await stock('p-00306'), await stock('p-00307')]).toEqual([4, 0]);
  });

  test('an order larger than the stock is refused naming what is left, and the key stays usable', async () => {
    await setStock('p-00308', 2);
    const same = { key: `key-${randomUUID()}`, cartId: randomUUID() };
    expect(await order([{ productId: 'p-00308', quantity: 3 }], same)).toEqual({ kind: 'out_of_stock', productId: 'p-00308', requested: 3, available: 2 });
    expect(await countWhere('idempotency_keys', 'key = $1', [same.key])).toBe(0);
    await setStock('p-00308', 3);
    expect((await order([{ productId: 'p-00308', quantity: 3 }], same)).kind).toBe('placed');
    expect(await stock('p-00308')).toBe(0);
  });

  test('a product that no longer exists is refused by name, and nothing is written', async () => {
    await setStock('p-00309', 5);
    const before = await orderCount();
    expect(
      await order([
        { productId: 'p-00309', quantity: 1 },
        { productId: 'p-99999', quantity: 1 },
      ]),
    ).toEqual({ kind: 'product_not_found', productId: 'p-99999' });
    expect(await stock('p-00309')).toBe(5);
    expect(await orderCount()).toBe(before);
  });
});

describe('the orders port on Postgres (ordersRepo)', () => {
  test('a replay is found before the transaction: a new key is none, the same request the order, another request key_reused', async () => {
    await setStock('p-00310', 10);
    const repo = ordersRepo(db(), createMetrics('checkout-it'), { orderTxCapacity: 8 });
    const key = `key-${randomUUID()}`;
    const email = 'shopper@example.com';
    const fp = fingerprint({ cartId: randomUUID(), email });
    expect(await repo.findReplay(key, fp)).toBeUndefined();
    const o = placed(await repo.place({ key, fingerprint: fp, email, lines: [{ productId: 'p-00310', quantity: 2 }] }));
    expect(await repo.findReplay(key, fp)).toEqual({ kind: 'replayed', order: o });
    expect(await repo.findReplay(key, fingerprint({ cartId: randomUUID(), email }))).toEqual({ kind: 'key_reused' });
    expect(await repo.findOrder(o.id)).toEqual(o);
    expect(await repo.findOrder(randomUUID())).toBeUndefined();
    expect(await stock('p-00310')).toBe(8);
  });
});
