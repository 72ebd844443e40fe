// What happens to an order after it is placed, on a real Postgres: payment captured (the event
// released), declined (cancelled, stock back), retried by the capture job (SKIP LOCKED shares the
// due orders out), and the outbox relay publishing each released event once.
import { randomUUID } from 'node:crypto';
import { catalogMigrations } from '@surge-lab/catalog/migrations';
import { OrderPlacedEvent } from '@surge-lab/contracts/orders';
import { migrate, type PgPools } from '@surge-lab/kit';
import { pgPools, type RunningPostgres, silentLogger, startPostgres, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutMigrations } from '../../src/data-access/migrations.ts';
import { cancelUnpaid, claimDuePayments, findOrder, markPaid, type OutboxRow, outboxStats, placeOrderTx, relayBatch } from '../../src/data-access/orders-repo.ts';
import { fingerprint } from '../../src/domain/checkout.ts';

let pg: RunningPostgres | undefined;
let pools: PgPools;

beforeAll(async () => {
  pg = await startPostgres();
  pools = pgPools(pg.url, 'checkout-it', { poolMax: 20 });
  await migrate(pools.rw, 'catalog', catalogMigrations, silentLogger);
  await migrate(pools.rw, 'checkout', checkoutMigrations, silentLogger);
});
afterAll(async () => {
  await pools?.close();
  await stopAll(pg);
});

const db = () => pools.rw;
const stock = async (id: string) => (await db().query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [id])).rows[0]!.stock;
/** A payment_pending order of one line, through the order transaction. */
const place = async (productId: string, quantity = 1) => {
  const email = 'shopper@example.com';
  const placed = await placeOrderTx(db(), { key: `key-${randomUUID()}`, fingerprint: fingerprint({ cartId: randomUUID(), email }), email, lines: [{ productId, quantity }] });
  if (placed.kind !== 'placed') throw new Error(`expected an order placed, got ${JSON.stringify(placed)}`);
  return placed.order;
};
const outbox = async (orderId: string) => (await db().query('SELECT payload, released_at, published_at FROM outbox WHERE order_id = $1', [orderId])).rows[0];
/** Runs the relay until the outbox has nothing released left, collecting what it published. */
async function drain(publish: (rows: OutboxRow[]) => Promise<void> = async () => {}, batch = 50) {
  const published: OutboxRow[] = [];
  while (
    (await relayBatch(
      db(),
      'a',
      async (rows) => {
        await publish(rows);
        published.push(...rows);
      },
      batch,
    )) > 0
  );
  return published;
}

describe('payment captured', () => {
  test('the order becomes placed with its payment id, and its event is released with occurredAt, once', async () => {
    const o = await place('p-00400');
    const chargeId = randomUUID();
    expect(await markPaid(db(), o.id, chargeId)).toBe(true);
    expect(await findOrder(db(), o.id)).toMatchObject({ status: 'placed', paymentId: chargeId });
    const row = await outbox(o.id);
    expect(row.released_at).not.toBeNull();
    // The released payload is exactly what fulfilment accepts.
    expect(OrderPlacedEvent.parse(row.payload)).toMatchObject({ orderId: o.id, totalCents: o.totalCents });
    expect(await markPaid(db(), o.id, randomUUID())).toBe(false);
    expect((await findOrder(db(), o.id))!.paymentId).toBe(chargeId);
  });
});

describe('payment declined', () => {
  test('the order is cancelled and its units go back into stock, once', async () => {
    const before = await stock('p-00401');
    const o = await place('p-00401', 3);
    expect(await stock('p-00401')).toBe(before - 3);
    expect(await cancelUnpaid(db(), o.id)).toBe(true);
    expect((await findOrder(db(), o.id))!.status).toBe('cancelled');
    expect(await stock('p-00401')).toBe(before);
    expect(await cancelUnpaid(db(), o.id)).toBe(false);
    expect(await stock('p-00401')).toBe(before);
    // A cancelled order is never paid, and its event never released.
    expect(await markPaid(db(), o.id, randomUUID())).toBe(false);
    expect((await outbox(o.id)).released_at).toBeNull();
  });

  test('a paid order cannot be cancelled', async () => {
    const o = await place('p-00402');
    await markPaid(db(), o.id, randomUUID());
    const before = await stock('p-00402');
    expect(await cancelUnpaid(db(), o.id)).toBe(false);
    expect(await stock('p-00402')).toBe(before);
  });
});

describe('the capture job', () => {
  test('a new order is not due at once; two replicas claiming at the same time never get the same order', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => place('p-00403').then((o) => o.id)));
    const mine = (claimed: { id: string }[]) => claimed.map((c) => c.id).filter((id) => ids.includes(id));
    expect(mine(await claimDuePayments(db(), 100))).toEqual([]);
    await db().query(`UPDATE orders SET next_payment_attempt_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [ids]);
    const [a, b] = await Promise.all([claimDuePayments(db(), 100), claimDuePayments(db(), 100)]);
    const [ma, mb] = [mine(a!), mine(b!)];
    expect(ma.filter((id) => mb.includes(id))).toEqual([]);
    expect([...ma, ...mb].sort()).toEqual([...ids].sort());
    // Each claim pushed the next attempt back (1 s, 2 s, 4 s … by attempts): not due again yet.
    expect(mine(await claimDuePayments(db(), 100))).toEqual([]);
    expect((await db().query('SELECT DISTINCT payment_attempts FROM orders WHERE id = ANY($1::uuid[])', [ids])).rows).toEqual([{ payment_attempts: 1 }]);
  });
});

describe('the outbox relay', () => {
  test('publishes only released events, each once, and counts the backlog', async () => {
    await drain();
    const paid = await Promise.all([0, 1, 2].map(() => place('p-00404')));
    const unpaid = await place('p-00404');
    for (const o of paid) await markPaid(db(), o.id, randomUUID());
    expect((await outboxStats(db())).backlog).toBe(3);
    const published = await drain();
    expect(published.map((r) => r.order_id).sort()).toEqual(paid.map((o) => o.id).sort());
    expect(await drain()).toEqual([]);
    expect((await outbox(unpaid.id)).published_at).toBeNull();
    expect((await outboxStats(db())).backlog).toBe(0);
  });

  test('when publishing fails the events stay in the outbox and go out on the next run', async () => {
    await drain();
    const o = await place('p-00405');
    await markPaid(db(), o.id, randomUUID());
    await expect(
      drain(async () => {
        throw new Error('kafka is down');
      }),
    ).rejects.toThrow('kafka is down');
    expect((await outbox(o.id)).published_at).toBeNull();
    expect((await outboxStats(db())).backlog).toBe(1);
    expect((await drain()).map((r) => r.order_id)).toEqual([o.id]);
    expect((await outbox(o.id)).published_at).not.toBeNull();
  });

  test('two relays running at once share the events (SKIP LOCKED) and publish each exactly once', async () => {
    await drain();
    const orders = await Promise.all(Array.from({ length: 30 }, () => place('p-00406')));
    for (const o of orders) await markPaid(db(), o.id, randomUUID());
    const slow = async () => {
      await new Promise((r) => setTimeout(r, 20));
    };
    const [a, b] = await Promise.all([drain(slow, 5), drain(slow, 5)]);
    expect(a!.length).toBeGreaterThan(0);
    expect(b!.length).toBeGreaterThan(0);
    const all = [...a!, ...b!].map((r) => r.order_id);
    expect(all.sort()).toEqual(orders.map((o) => o.id).sort());
  });
});
