// payment_charges through one guarded call (timeout, breaker). Every statement is safe to
// retry: the insert carries its own charge id and does nothing on a key conflict.

import { guard, type Metrics } from '@surge-lab/kit';
import type pg from 'pg';

export interface Charge {
  chargeId: string;
  idempotencyKey: string;
  orderId: string;
  amountCents: number;
  status: 'captured';
  fingerprint: string;
  createdAt: string;
}

export interface ChargesRepo {
  byKey(key: string): Promise<Charge | null>;
  byId(chargeId: string): Promise<Charge | null>;
  /** Inserts unless the key exists; returns the stored row for the key either way. */
  insert(c: Omit<Charge, 'createdAt'>): Promise<Charge>;
}

const COLUMNS = `charge_id, idempotency_key, order_id, amount_cents, status, request_fingerprint, created_at`;
type Row = { charge_id: string; idempotency_key: string; order_id: string; amount_cents: number; status: 'captured'; request_fingerprint: string; created_at: Date };
const toCharge = (r: Row): Charge => ({
  chargeId: r.charge_id,
  idempotencyKey: r.idempotency_key,
  orderId: r.order_id,
  amountCents: r.amount_cents,
  status: r.status,
  fingerprint: r.request_fingerprint,
  createdAt: r.created_at.toISOString(),
});

export function chargesRepo(pool: pg.Pool, metrics: Metrics, timeoutMs: number): ChargesRepo {
  const query = guard(metrics, { name: 'payment-db', timeoutMs, idempotent: true }, async (_signal, sql: string, params: unknown[]) => (await pool.query<Row>(sql, params)).rows);
  const one = async (sql: string, params: unknown[]) => {
    const [r] = await query(sql, params);
    return r ? toCharge(r) : null;
  };
  const byKey = (key: string) => one(`SELECT ${COLUMNS} FROM payment_charges WHERE idempotency_key = $1`, [key]);
  return {
    byKey,
    byId: (id) => one(`SELECT ${COLUMNS} FROM payment_charges WHERE charge_id = $1`, [id]),
    async insert(c) {
      const inserted = await one(
        `INSERT INTO payment_charges (charge_id, idempotency_key, order_id, amount_cents, status, request_fingerprint)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
        [c.chargeId, c.idempotencyKey, c.orderId, c.amountCents, c.status, c.fingerprint],
      );
      const stored = inserted ?? (await byKey(c.idempotencyKey));
      if (!stored) throw new Error(`charge for key ${c.idempotencyKey} neither inserted nor found`);
      return stored;
    },
  };
}
