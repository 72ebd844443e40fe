// The payment provider's charges, in its own ledger (@surge-lab/kit/ledger: SQLite on its volume),
// not the shop's database: it kept them in region A's, and a lost region A took the card processor
// with it. Every statement is safe to retry: the insert carries its own charge id and does nothing
// when the key exists.
import { openLedger } from '@surge-lab/kit/ledger';

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
  /** The charges of an order (the audit's question: was it charged twice?). */
  forOrder(orderId: string): Promise<Charge[]>;
  ping(): Promise<void>;
  close(): void;
}

// request_fingerprint tells a replay from a reused key; the e-mail itself is not kept.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS payment_charges (
  idempotency_key text PRIMARY KEY,
  charge_id text NOT NULL UNIQUE,
  order_id text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL CHECK (status IN ('captured')),
  request_fingerprint text NOT NULL,
  created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX IF NOT EXISTS payment_charges_order_id_idx ON payment_charges (order_id);`;

const COLUMNS = 'charge_id, idempotency_key, order_id, amount_cents, status, request_fingerprint, created_at';
type Row = { charge_id: string; idempotency_key: string; order_id: string; amount_cents: number; status: 'captured'; request_fingerprint: string; created_at: string };
const toCharge = (r: Row): Charge => ({
  chargeId: r.charge_id,
  idempotencyKey: r.idempotency_key,
  orderId: r.order_id,
  amountCents: r.amount_cents,
  status: r.status,
  fingerprint: r.request_fingerprint,
  createdAt: r.created_at,
});

/** Opens (and creates) the ledger at `path`; `:memory:` for a private one. */
export function chargesRepo(path: string, o: { busyTimeoutMs?: number } = {}): ChargesRepo {
  const db = openLedger(path, SCHEMA, o);
  const byKeyStmt = db.prepare(`SELECT ${COLUMNS} FROM payment_charges WHERE idempotency_key = ?`);
  const byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM payment_charges WHERE charge_id = ?`);
  const forOrderStmt = db.prepare(`SELECT ${COLUMNS} FROM payment_charges WHERE order_id = ? ORDER BY created_at`);
  const insertStmt = db.prepare(
    `INSERT INTO payment_charges (charge_id, idempotency_key, order_id, amount_cents, status, request_fingerprint)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
  );
  const pingStmt = db.prepare('SELECT 1'); // readiness asks every few seconds: prepared once
  const one = (r: unknown) => (r ? toCharge(r as Row) : null);
  const byKey = (key: string) => one(byKeyStmt.get(key));
  return {
    byKey: async (key) => byKey(key),
    byId: async (id) => one(byIdStmt.get(id)),
    forOrder: async (orderId) => (forOrderStmt.all(orderId) as Row[]).map(toCharge),
    async insert(c) {
      const stored = one(insertStmt.get(c.chargeId, c.idempotencyKey, c.orderId, c.amountCents, c.status, c.fingerprint)) ?? byKey(c.idempotencyKey);
      if (!stored) throw new Error(`charge for key ${c.idempotencyKey} neither inserted nor found`);
      return stored;
    },
    ping: async () => void pingStmt.get(),
    close: () => db.close(),
  };
}
