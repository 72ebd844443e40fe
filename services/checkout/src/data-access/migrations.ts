import type { Migration } from '@surge-lab/kit';

// Orders, their lines, the idempotency records and the outbox. Stock lives on catalog's
// products table: an order decrements it in the same transaction that creates the order.
export const checkoutMigrations: Migration[] = [
  {
    version: 1,
    name: 'orders, items, idempotency keys, outbox',
    sql: `
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        status text NOT NULL CHECK (status IN ('payment_pending','placed','confirmed','shipped','cancelled')),
        total_cents bigint NOT NULL CHECK (total_cents >= 0),
        payment_id text,
        payment_attempts integer NOT NULL DEFAULT 0,
        next_payment_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX orders_payment_due ON orders (next_payment_attempt_at) WHERE status = 'payment_pending';
      CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id),
        product_id text NOT NULL,
        name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        PRIMARY KEY (order_id, product_id)
      );
      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        order_id uuid REFERENCES orders (id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- One event per order, written with the order and released when its payment is captured.
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        order_id uuid NOT NULL UNIQUE REFERENCES orders (id),
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        published_at timestamptz
      );
      CREATE INDEX outbox_ready ON outbox (id) WHERE published_at IS NULL AND released_at IS NOT NULL;`,
  },
];
