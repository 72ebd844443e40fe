// The order transaction and the reads and updates around it. All on the read-write pool:
// an order page must show what was just written.
import { randomUUID } from 'node:crypto';
import { ORDERS_TOPIC, type OrderPlacedEvent } from '@surge-lab/contracts/orders';
import { guard, type Metrics } from '@surge-lab/kit';
import type pg from 'pg';
import { CAPTURE_BACKOFF_TABLE, type Order, type OrderLine } from '../domain/checkout.ts';
import type { NewOrder, OrdersRepo, Placement, Replay } from '../domain/place-order.ts';

const ORDER_SQL = `
  SELECT o.id, o.status, o.email, o.total_cents::int AS total_cents, o.payment_id, o.created_at, o.updated_at,
         COALESCE(json_agg(json_build_object('productId', i.product_id, 'name', i.name, 'quantity', i.quantity, 'priceCents', i.price_cents)
                  ORDER BY i.product_id) FILTER (WHERE i.product_id IS NOT NULL), '[]') AS lines
  FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE o.id = $1 GROUP BY o.id`;

interface OrderRow {
  id: string;
  status: Order['status'];
  email: string;
  total_cents: number;
  payment_id: string | null;
  created_at: Date;
  updated_at: Date;
  lines: OrderLine[];
}
const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  status: r.status,
  email: r.email,
  totalCents: r.total_cents,
  lines: r.lines,
  paymentId: r.payment_id,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function findOrder(db: pg.Pool | pg.PoolClient, id: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(ORDER_SQL, [id]);
  return rows[0] ? toOrder(rows[0]) : undefined;
}

async function replay(db: pg.Pool | pg.PoolClient, key: string, fp: string): Promise<Replay> {
  const { rows } = await db.query<{ fingerprint: string; order_id: string | null }>('SELECT fingerprint, order_id FROM idempotency_keys WHERE key = $1', [key]);
  const rec = rows[0];
  if (!rec?.order_id) return { kind: 'in_progress' };
  if (rec.fingerprint !== fp) return { kind: 'key_reused' };
  return { kind: 'replayed', order: (await findOrder(db, rec.order_id))! };
}

export async function findReplay(db: pg.Pool, key: string, fp: string): Promise<Replay | undefined> {
  const { rowCount } = await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
  return rowCount ? replay(db, key, fp) : undefined;
}

const ORDER_PLACED: OrderPlacedEvent['type'] = 'order.placed';

interface PlaceRow extends Omit<OrderRow, 'lines'> {
  kind: 'claimed' | 'product_not_found' | 'out_of_stock' | 'placed';
  product_id: string | null;
  requested: number | null;
  available: number | null;
  lines: OrderLine[];
}

/**
 * One transaction, in one round trip: Postgres's `place_order` (migrations.ts) claims the
 * idempotency key, locks the lines' products in id order, takes every line's stock or none (never
 * below zero), and writes the order, its lines, the key's order id and the order's outbox event
 * (released once payment is captured). A concurrent request with the same key waits on the key's
 * row, then replays this order. The row locks are held only while Postgres works and commits: with
 * the statements sent one by one, a CPU-starved checkout replica held them across its own pauses,
 * and every order for a popular product queued behind it.
 */
export async function placeOrderTx(pool: pg.Pool, { key, fingerprint: fp, email, lines }: NewOrder): Promise<Placement> {
  const { rows } = await pool.query<PlaceRow>('SELECT * FROM place_order($1, $2, $3, $4, $5, $6, $7, $8)', [
    key,
    fp,
    email,
    lines.map((l) => l.productId),
    lines.map((l) => l.quantity),
    randomUUID(),
    randomUUID(),
    ORDER_PLACED,
  ]);
  const row = rows[0]!;
  switch (row.kind) {
    case 'claimed':
      return replay(pool, key, fp);
    case 'product_not_found':
      return { kind: 'product_not_found', productId: row.product_id! };
    case 'out_of_stock':
      return { kind: 'out_of_stock', productId: row.product_id!, requested: row.requested!, available: row.available! };
    case 'placed':
      return { kind: 'placed', order: toOrder(row) };
  }
}

/** payment_pending -> placed, and the order's event is released to the relay, in one statement. */
export async function markPaid(pool: pg.Pool, orderId: string, paymentId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `WITH paid AS (
       UPDATE orders SET status = 'placed', payment_id = $2, updated_at = now(), next_payment_attempt_at = NULL
       WHERE id = $1 AND status = 'payment_pending' RETURNING id)
     UPDATE outbox SET released_at = now(),
       payload = payload || jsonb_build_object('occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     WHERE order_id IN (SELECT id FROM paid)`,
    [orderId, paymentId],
  );
  return rowCount === 1;
}

/** payment_pending -> cancelled when the payment is declined, and its units go back into stock, in one statement. */
export async function cancelUnpaid(pool: pg.Pool, orderId: string): Promise<boolean> {
  const { rows } = await pool.query<{ cancelled: boolean }>(
    `WITH cancelled AS (
       UPDATE orders SET status = 'cancelled', updated_at = now(), next_payment_attempt_at = NULL
       WHERE id = $1 AND status = 'payment_pending' RETURNING id),
     restocked AS (
       UPDATE products p SET stock = p.stock + i.quantity, updated_at = now()
       FROM order_items i WHERE i.order_id IN (SELECT id FROM cancelled) AND p.id = i.product_id RETURNING p.id)
     SELECT EXISTS (SELECT 1 FROM cancelled) AS cancelled`,
    [orderId],
  );
  return rows[0]!.cancelled;
}

/**
 * Claims due payment_pending orders (SKIP LOCKED: replicas share the work) and pushes their next attempt
 * back by the wait CAPTURE_BACKOFF_TABLE gives this attempt (payment_attempts is the old value in SET).
 */
export async function claimDuePayments(pool: pg.Pool, limit = 20) {
  const { rows } = await pool.query<{ id: string; total_cents: number; email: string }>(
    `UPDATE orders SET payment_attempts = payment_attempts + 1,
       next_payment_attempt_at = now() + make_interval(secs => ($2::int[])[LEAST(payment_attempts + 1, cardinality($2::int[]))])
     WHERE id IN (SELECT id FROM orders WHERE status = 'payment_pending' AND next_payment_attempt_at <= now()
                  ORDER BY next_payment_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, total_cents::int AS total_cents, email`,
    [limit, CAPTURE_BACKOFF_TABLE],
  );
  return rows.map((r) => ({ id: r.id, totalCents: r.total_cents, email: r.email }));
}

export interface OutboxRow {
  id: string;
  event_id: string;
  order_id: string;
  payload: Record<string, unknown>;
}

/** Locks a batch of released, unpublished events; `publish` runs inside the transaction. */
export async function relayBatch(pool: pg.Pool, region: string, publish: (rows: OutboxRow[]) => Promise<void>, limit = 200): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<OutboxRow>(
      `SELECT id, event_id, order_id, payload FROM outbox WHERE published_at IS NULL AND released_at IS NOT NULL
       ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length) {
      await publish(rows);
      await client.query('UPDATE outbox SET published_at = now(), published_region = $2 WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id), region]);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Hands events published through another region's broker in the last `seconds` back to this
 * region's relay (they are unpublished again): after a region failover the old region's broker may
 * be gone with events fulfilment never read. Fulfilment applies an event once (processed_events),
 * so those it had read are skipped. Returns how many.
 */
export async function reclaimForeignEvents(pool: pg.Pool, region: string, seconds: number): Promise<number> {
  const r = await pool.query(
    `UPDATE outbox SET published_at = NULL, published_region = NULL
      WHERE published_at > now() - make_interval(secs => $2) AND published_region IS DISTINCT FROM $1`,
    [region, seconds],
  );
  return r.rowCount ?? 0;
}

export async function outboxStats(pool: pg.Pool) {
  const { rows } = await pool.query<{ backlog: number; oldest: number | null; pending_payment: number }>(
    `SELECT count(*) FILTER (WHERE released_at IS NOT NULL AND published_at IS NULL)::int AS backlog,
            extract(epoch FROM now() - min(released_at) FILTER (WHERE published_at IS NULL))::float AS oldest,
            (SELECT count(*)::int FROM orders WHERE status = 'payment_pending') AS pending_payment
     FROM outbox WHERE published_at IS NULL`,
  );
  return rows[0]!;
}

/** How soon an open database breaker tries the primary again (see ordersRepo). */
const DB_RETRY_MS = 1_000;

/**
 * The orders port on Postgres. The order transaction is the scarce resource: a bulkhead sheds (429)
 * instead of queueing. Open breakers try the primary again every second (not the default 5): after
 * a failover the new leader takes writes as soon as the router sees it (within 0.5 s); with a 2 s
 * wait, writes came back 0.9-1.5 s after the router had the new leader, a third of a planned
 * switchover's 3.4-3.7 s write outage. A trial call a second per replica costs nothing.
 */
export function ordersRepo(pool: pg.Pool, metrics: Metrics, opts: { orderTxCapacity: number }): OrdersRepo {
  const place = guard(metrics, { name: 'checkout-db-order', timeoutMs: 5_000, idempotent: false, capacity: opts.orderTxCapacity, resetTimeoutMs: DB_RETRY_MS }, (_s, o: NewOrder) =>
    placeOrderTx(pool, o),
  );
  const read = guard(metrics, { name: 'checkout-db-read', timeoutMs: 2_000, idempotent: true, retries: 1, capacity: 64, resetTimeoutMs: DB_RETRY_MS }, (_s, fn: () => Promise<unknown>) => fn());
  const reading = <T>(fn: () => Promise<T>) => read(fn) as Promise<T>;
  // Settling an order after its charge: both updates are conditional on payment_pending, so a retry
  // changes nothing twice. A failure is a DependencyError: after a capture the order is answered
  // 202 payment_pending and the capture job settles it (the provider is idempotent by order id).
  const settle = guard(metrics, { name: 'checkout-db-settle', timeoutMs: 2_000, idempotent: true, retries: 1, capacity: 64, resetTimeoutMs: DB_RETRY_MS }, (_s, fn: () => Promise<boolean>) => fn());
  return {
    findReplay: (key, fp) => reading(() => findReplay(pool, key, fp)),
    place,
    markPaid: (orderId, paymentId) => settle(() => markPaid(pool, orderId, paymentId)),
    cancelUnpaid: (orderId) => settle(() => cancelUnpaid(pool, orderId)),
    findOrder: (id) => reading(() => findOrder(pool, id)),
  };
}

export { ORDERS_TOPIC };
