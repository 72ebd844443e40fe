// fulfilment's two transactions on a real Postgres, beside checkout's real orders table (all
// three services' migrations, as in the lab), shipping through the real carrier: each event applied
// exactly once, shipments shipped once, and an order another region shipped never twice.
import { randomUUID } from 'node:crypto';
import { catalogMigrations } from '@surge-lab/catalog/migrations';
import { checkoutMigrations } from '@surge-lab/checkout/migrations';
import { createMetrics, migrate, type PgPools } from '@surge-lab/kit';
import { pgPools, type RunningPostgres, silentLogger, startPostgres, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { carrierClient } from '../../src/data-access/carrier-client.ts';
import { fulfilmentRepo } from '../../src/data-access/fulfilment-repo.ts';
import { FULFILMENT_MIGRATIONS } from '../../src/data-access/migrations.ts';
import { type RunningCarrier, startCarrier } from '../carrier.ts';
import { sampleEvent } from '../sample-event.ts';

let pg: RunningPostgres | undefined;
let pools: PgPools;
let carrier: RunningCarrier;

beforeAll(async () => {
  pg = await startPostgres();
  pools = pgPools(pg.url, 'fulfilment-it', { poolMax: 20 });
  carrier = await startCarrier();
  await migrate(pools.rw, 'catalog', catalogMigrations, silentLogger);
  await migrate(pools.rw, 'checkout', checkoutMigrations, silentLogger);
});
afterAll(async () => {
  await carrier?.close();
  await pools?.close();
  await stopAll(pg);
});

const db = () => pools.rw;
/** Shipments not due for an hour unless the test says otherwise: only its own get shipped. */
const repo = (shipDelayMs = 3_600_000, region: 'a' | 'b' = 'a') =>
  fulfilmentRepo(db(), createMetrics('fulfilment-it'), { timeoutMs: 5_000, shipDelayMs, carrier: carrierClient(carrier.url, region, createMetrics('fulfilment-it'), 2_000) });
async function order(status = 'placed'): Promise<string> {
  const id = randomUUID();
  await db().query(`INSERT INTO orders (id, email, status, total_cents) VALUES ($1, 'shopper@example.com', $2, 1000)`, [id, status]);
  return id;
}
const status = async (id: string) => (await db().query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [id])).rows[0]?.status;
const rows = async (sql: string, id: string) => (await db().query(sql, [id])).rows;

describe('fulfilment migrations', () => {
  test("apply once, after checkout's", async () => {
    expect(await migrate(db(), 'fulfilment', FULFILMENT_MIGRATIONS, silentLogger)).toBe(2);
    expect(await migrate(db(), 'fulfilment', FULFILMENT_MIGRATIONS, silentLogger)).toBe(0);
  });
});

describe('applying OrderPlacedEvents', () => {
  test('an event confirms its placed order and schedules the shipment after the delay', async () => {
    const orderId = await order();
    const event = sampleEvent({ orderId });
    expect(await repo(5_000).applyOrderPlaced(event)).toBe('confirm');
    expect(await status(orderId)).toBe('confirmed');
    const [s] = await rows('SELECT event_id, ship_after - confirmed_at AS delay, shipped_at FROM shipments WHERE order_id = $1', orderId);
    expect(s).toMatchObject({ event_id: event.eventId, shipped_at: null, delay: { seconds: 5 } });
    expect(await rows('SELECT outcome FROM processed_events WHERE order_id = $1', orderId)).toEqual([{ outcome: 'confirm' }]);
  });

  test('the same event delivered three times is applied once', async () => {
    const orderId = await order();
    const event = sampleEvent({ orderId });
    const r = repo();
    expect([await r.applyOrderPlaced(event), await r.applyOrderPlaced(event), await r.applyOrderPlaced(event)]).toEqual(['confirm', 'duplicate', 'duplicate']);
    expect(await rows('SELECT 1 FROM shipments WHERE order_id = $1', orderId)).toHaveLength(1);
    expect(await rows('SELECT 1 FROM processed_events WHERE order_id = $1', orderId)).toHaveLength(1);
  });

  test('10 concurrent deliveries of one event (two consumers after a rebalance) apply it exactly once', async () => {
    const orderId = await order();
    const event = sampleEvent({ orderId });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => repo().applyOrderPlaced(event)));
    expect(outcomes.filter((o) => o === 'confirm')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(9);
    expect(await rows('SELECT 1 FROM shipments WHERE order_id = $1', orderId)).toHaveLength(1);
  });

  test('an event for an unknown order is recorded once and confirms nothing', async () => {
    const event = sampleEvent();
    expect(await repo().applyOrderPlaced(event)).toBe('order_missing');
    expect(await repo().applyOrderPlaced(event)).toBe('duplicate');
    expect(await rows('SELECT outcome FROM processed_events WHERE order_id = $1', event.orderId)).toEqual([{ outcome: 'order_missing' }]);
    expect(await rows('SELECT 1 FROM shipments WHERE order_id = $1', event.orderId)).toEqual([]);
  });

  test('an event for a cancelled order leaves it cancelled, with no shipment', async () => {
    const orderId = await order('cancelled');
    expect(await repo().applyOrderPlaced(sampleEvent({ orderId }))).toBe('not_placed');
    expect(await status(orderId)).toBe('cancelled');
    expect(await rows('SELECT 1 FROM shipments WHERE order_id = $1', orderId)).toEqual([]);
  });
});

describe('shipping', () => {
  test('a shipment is not shipped before its time', async () => {
    const orderId = await order();
    await repo(60_000).applyOrderPlaced(sampleEvent({ orderId }));
    await repo().shipDue(50);
    expect(await status(orderId)).toBe('confirmed');
  });

  test('due shipments ship; one whose order changed meanwhile is skipped with the reason, once', async () => {
    const ids = [await order(), await order(), await order()];
    for (const orderId of ids) await repo(0).applyOrderPlaced(sampleEvent({ orderId }));
    await db().query(`UPDATE orders SET status = 'cancelled' WHERE id = $1`, [ids[2]]);
    expect(await repo().shipDue(50)).toBe(2);
    expect([await status(ids[0]!), await status(ids[1]!), await status(ids[2]!)]).toEqual(['shipped', 'shipped', 'cancelled']);
    expect(await rows('SELECT skipped_reason, shipped_at FROM shipments WHERE order_id = $1', ids[2]!)).toEqual([{ skipped_reason: 'order is cancelled', shipped_at: null }]);
    expect(await repo().shipDue(50)).toBe(0);
  });

  test('two shippers at once ship 20 due orders exactly once between them', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => order()));
    for (const orderId of ids) await repo(0).applyOrderPlaced(sampleEvent({ orderId }));
    const shipper = async () => {
      let total = 0;
      for (let n = 5; n > 0; ) {
        n = await repo().shipDue(5);
        total += n;
      }
      return total;
    };
    const [a, b] = await Promise.all([shipper(), shipper()]);
    expect(a! + b!).toBe(20);
    const shipped = await db().query(
      `SELECT count(*)::int AS n FROM shipments s JOIN orders o ON o.id = s.order_id
      WHERE s.order_id = ANY($1::uuid[]) AND s.shipped_at IS NOT NULL AND o.status = 'shipped'`,
      [ids],
    );
    expect(shipped.rows[0].n).toBe(20);
    expect(ids.map((id) => carrier.shipments.forOrder(id).shipments.length)).toEqual(Array(20).fill(1));
  });

  test('an order region A shipped whose mark was lost is not shipped again by region B: the carrier refuses it, and it is marked shipped as it was', async () => {
    const orderId = await order();
    await repo(0).applyOrderPlaced(sampleEvent({ orderId }));
    expect(await repo(0, 'a').shipDue(50)).toBeGreaterThanOrEqual(1);
    const first = carrier.shipments.forOrder(orderId).shipments[0]!;
    // What a failover that lost region A's last commits leaves: the order confirmed and due again.
    await db().query(`UPDATE orders SET status = 'confirmed' WHERE id = $1`, [orderId]);
    await db().query('UPDATE shipments SET shipped_at = NULL, carrier_shipment_id = NULL WHERE order_id = $1', [orderId]);
    expect(await repo(0, 'b').shipDue(50)).toBeGreaterThanOrEqual(1);
    expect(await status(orderId)).toBe('shipped');
    expect(await rows('SELECT carrier_shipment_id, carrier_duplicate FROM shipments WHERE order_id = $1', orderId)).toEqual([{ carrier_shipment_id: first.shipmentId, carrier_duplicate: true }]);
    const record = carrier.shipments.forOrder(orderId);
    expect(record.shipments).toEqual([first]);
    expect(record.refusals.map((r) => r.region)).toEqual(['b']);
  });

  test('with the carrier away nothing is marked shipped: the shipments stay due and go out once it is back', async () => {
    const orderId = await order();
    await repo(0).applyOrderPlaced(sampleEvent({ orderId }));
    const away = fulfilmentRepo(db(), createMetrics('fulfilment-it'), { timeoutMs: 5_000, shipDelayMs: 0, carrier: carrierClient('http://127.0.0.1:9', 'a', createMetrics('fulfilment-it'), 500) });
    await expect(away.shipDue(50)).rejects.toThrow();
    expect(await status(orderId)).toBe('confirmed');
    expect(await repo().shipDue(50)).toBeGreaterThanOrEqual(1);
    expect(await status(orderId)).toBe('shipped');
  });
});
