import type { Migration } from '@surge-lab/kit';

export const PAYMENT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'payment_charges',
    // request_fingerprint tells a replay from a reused key; the e-mail itself is not kept.
    sql: `CREATE TABLE payment_charges (
      idempotency_key text PRIMARY KEY,
      charge_id uuid NOT NULL UNIQUE,
      order_id uuid NOT NULL,
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      status text NOT NULL CHECK (status IN ('captured')),
      request_fingerprint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX payment_charges_order_id_idx ON payment_charges (order_id);`,
  },
];
