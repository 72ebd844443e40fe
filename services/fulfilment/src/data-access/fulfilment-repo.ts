// The two transactions of fulfilment, each on the read-write pool and behind one guard.
// Both are safe to retry: processed_events makes applying an event idempotent, and the
// shipper only touches shipments it locked and that are still due.

import type { OrderPlacedEvent } from '@surge-lab/contracts/orders';
import { guard, type Metrics } from '@surge-lab/kit';
import type pg from 'pg';
import { type ConfirmDecision, canShip, decideConfirm } from '../domain/rules.ts';

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

export function fulfilmentRepo(pool: pg.Pool, metrics: Metrics, opts: { timeoutMs: number; shipDelayMs: number }): FulfilmentRepo {
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
    await c.query(`UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'confirmed'`, [ready]);
    await c.query('UPDATE shipments SET shipped_at = now() WHERE order_id = ANY($1::uuid[])', [ready]);
    return ready.length;
  };

  return {
    applyOrderPlaced: (event) => tx((c) => apply(c, event)) as Promise<ApplyOutcome>,
    shipDue: (limit) => tx((c) => ship(c, limit)) as Promise<number>,
  };
}
