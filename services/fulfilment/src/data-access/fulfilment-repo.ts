// The two transactions of fulfilment, each on the read-write pool and behind one guard.
// Both are safe to retry: processed_events makes applying an event idempotent, and the
// shipper only touches shipments it locked and that are still due. A shipment is booked with the
// carrier (which ships an order once, whichever region asks) while its row is locked, then marked.

import type { OrderPlacedEvent } from '@surge-lab/contracts/orders';
import { guard, type Metrics } from '@surge-lab/kit';
import type pg from 'pg';
import { type ConfirmDecision, canShip, decideConfirm } from '../domain/rules.ts';
import type { CarrierPort } from './carrier-client.ts';

export type ApplyOutcome = ConfirmDecision | 'duplicate';

export interface FulfilmentRepo {
  /** Applies the event once: confirms the order and schedules its shipment. */
  applyOrderPlaced(event: OrderPlacedEvent): Promise<ApplyOutcome>;
  /** Ships due shipments; returns how many orders moved to shipped. */
  shipDue(limit: number): Promise<number>;
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(err as Error); // drop the connection: it may be half-broken
    throw err;
  }
}

export function fulfilmentRepo(pool: pg.Pool, metrics: Metrics, opts: { timeoutMs: number; shipDelayMs: number; carrier: CarrierPort }): FulfilmentRepo {
  const tx = guard(metrics, { name: 'fulfilment-db', timeoutMs: opts.timeoutMs, idempotent: true }, (_signal, fn: (c: pg.PoolClient) => Promise<unknown>) => inTransaction(pool, fn));

  const apply = async (c: pg.PoolClient, e: OrderPlacedEvent): Promise<ApplyOutcome> => {
    const fresh = await c.query('INSERT INTO processed_events (event_id, order_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [e.eventId, e.orderId]);
    if (fresh.rowCount === 0) return 'duplicate';
    const { rows } = await c.query<{ status: string }>('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [e.orderId]);
    const decision = decideConfirm(rows[0]?.status ?? null);
    if (decision === 'confirm') {
      await c.query(`UPDATE orders SET status = 'confirmed', updated_at = now() WHERE id = $1 AND status = 'placed'`, [e.orderId]);
      await c.query(
        `INSERT INTO shipments (order_id, event_id, ship_after) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
        ON CONFLICT (order_id) DO NOTHING`,
        [e.orderId, e.eventId, opts.shipDelayMs],
      );
    }
    await c.query('UPDATE processed_events SET outcome = $2 WHERE event_id = $1', [e.eventId, decision]);
    return decision;
  };

  const ship = async (c: pg.PoolClient, limit: number): Promise<number> => {
    // SKIP LOCKED: several replicas share the work without waiting on each other.
    const { rows } = await c.query<{ order_id: string; status: string }>(
      `SELECT s.order_id, o.status FROM shipments s JOIN orders o ON o.id = s.order_id
        WHERE s.shipped_at IS NULL AND s.skipped_reason IS NULL AND s.ship_after <= now()
        ORDER BY s.ship_after LIMIT $1 FOR UPDATE OF s, o SKIP LOCKED`,
      [limit],
    );
    const ready = rows.filter((r) => canShip(r.status)).map((r) => r.order_id);
    for (const r of rows.filter((x) => !canShip(x.status))) {
      await c.query('UPDATE shipments SET skipped_reason = $2 WHERE order_id = $1', [r.order_id, `order is ${r.status}`]);
    }
    if (ready.length === 0) return 0;
    const booked = await Promise.allSettled(ready.map((id) => opts.carrier.ship(id)));
    const done = ready.flatMap((id, i) => {
      const b = booked[i]!;
      return b.status === 'fulfilled' ? [{ id, ...b.value }] : [];
    });
    // The carrier away: nothing is marked, the shipments stay due, and the loop backs off.
    if (done.length === 0) throw (booked.find((b) => b.status === 'rejected') as PromiseRejectedResult).reason;
    const ids = done.map((d) => d.id);
    await c.query(`UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'confirmed'`, [ids]);
    await c.query(
      `UPDATE shipments s SET shipped_at = now(), carrier_shipment_id = d.shipment_id, carrier_duplicate = d.duplicate
        FROM unnest($1::uuid[], $2::uuid[], $3::boolean[]) AS d(order_id, shipment_id, duplicate) WHERE s.order_id = d.order_id`,
      [ids, done.map((d) => d.shipmentId), done.map((d) => d.kind === 'duplicate')],
    );
    return done.length;
  };

  return {
    applyOrderPlaced: (event) => tx((c) => apply(c, event)) as Promise<ApplyOutcome>,
    shipDue: (limit) => tx((c) => ship(c, limit)) as Promise<number>,
  };
}
