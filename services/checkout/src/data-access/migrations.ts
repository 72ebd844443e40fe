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
  {
    version: 2,
    name: 'place_order: the order transaction in one round trip',
    // The order transaction runs inside Postgres (orders-repo.ts, placeOrderTx): the products'
    // row locks are held for the server's work and the commit only, never while a checkout
    // replica starved of CPU (a 0.1-CPU quota, a busy neighbour) gets round to its next statement.
    // Each statement below sees what concurrent orders committed before it (READ COMMITTED in a
    // VOLATILE function), so the stock read after the lock is the newest.
    sql: `
      CREATE FUNCTION place_order(p_key text, p_fingerprint text, p_email text, p_ids text[], p_quantities int[],
                                  p_order uuid, p_event uuid, p_event_type text)
      RETURNS TABLE (kind text, product_id text, requested int, available int, id uuid, status text, email text,
                     total_cents int, payment_id text, created_at timestamptz, updated_at timestamptz, lines json)
      LANGUAGE plpgsql VOLATILE AS $fn$
      #variable_conflict use_column
      DECLARE
        short record;
        total bigint;
      BEGIN
        -- The key first: a concurrent request with the same key waits here, then replays.
        INSERT INTO idempotency_keys (key, fingerprint) VALUES (p_key, p_fingerprint) ON CONFLICT (key) DO NOTHING;
        IF NOT FOUND THEN
          RETURN QUERY SELECT 'claimed'::text, NULL::text, NULL::int, NULL::int, NULL::uuid, NULL::text, NULL::text,
                              NULL::int, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::json;
          RETURN;
        END IF;
        -- Locked in id order, so two orders for the same products never deadlock.
        PERFORM 1 FROM products p WHERE p.id = ANY (p_ids) ORDER BY p.id FOR UPDATE;
        -- The first line, in the order given, that is unknown or short of stock: nothing is taken,
        -- and the key is freed for the shopper's next try.
        SELECT w.id, w.quantity, p.stock INTO short
          FROM unnest(p_ids, p_quantities) WITH ORDINALITY AS w(id, quantity, n) LEFT JOIN products p ON p.id = w.id
          WHERE p.id IS NULL OR p.stock < w.quantity ORDER BY w.n LIMIT 1;
        IF FOUND THEN
          DELETE FROM idempotency_keys WHERE key = p_key;
          RETURN QUERY SELECT CASE WHEN short.stock IS NULL THEN 'product_not_found' ELSE 'out_of_stock' END,
                              short.id::text, short.quantity::int, short.stock::int, NULL::uuid, NULL::text, NULL::text,
                              NULL::int, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::json;
          RETURN;
        END IF;
        UPDATE products p SET stock = p.stock - w.quantity, updated_at = now()
          FROM unnest(p_ids, p_quantities) AS w(id, quantity) WHERE p.id = w.id;
        SELECT sum(p.price_cents::bigint * w.quantity) INTO total
          FROM unnest(p_ids, p_quantities) AS w(id, quantity) JOIN products p ON p.id = w.id;
        INSERT INTO orders (id, email, status, total_cents, next_payment_attempt_at)
          VALUES (p_order, p_email, 'payment_pending', total, now() + interval '2 seconds');
        INSERT INTO order_items (order_id, product_id, name, quantity, price_cents)
          SELECT p_order, p.id, p.name, w.quantity, p.price_cents
          FROM unnest(p_ids, p_quantities) AS w(id, quantity) JOIN products p ON p.id = w.id;
        UPDATE idempotency_keys SET order_id = p_order WHERE key = p_key;
        -- The order's event, held until its payment is captured; its lines in the order given.
        INSERT INTO outbox (event_id, order_id, type, payload)
          SELECT p_event, p_order, p_event_type,
                 json_build_object('eventId', p_event, 'type', p_event_type, 'orderId', p_order, 'email', p_email, 'totalCents', total,
                   'lines', json_agg(json_build_object('productId', w.id, 'quantity', w.quantity, 'priceCents', p.price_cents) ORDER BY w.n))
          FROM unnest(p_ids, p_quantities) WITH ORDINALITY AS w(id, quantity, n) JOIN products p ON p.id = w.id;
        RETURN QUERY
          SELECT 'placed'::text, NULL::text, NULL::int, NULL::int, o.id, o.status, o.email, o.total_cents::int, o.payment_id,
                 o.created_at, o.updated_at,
                 (SELECT json_agg(json_build_object('productId', i.product_id, 'name', i.name, 'quantity', i.quantity, 'priceCents', i.price_cents)
                         ORDER BY i.product_id) FROM order_items i WHERE i.order_id = p_order)
          FROM orders o WHERE o.id = p_order;
      END
      $fn$;`,
  },
  {
    version: 3,
    name: 'outbox: the region whose broker published each event',
    // A region failover can lose the old region's broker with events fulfilment had not read:
    // the new primary region publishes recent events of the other region's broker again (jobs.ts).
    sql: `
      ALTER TABLE outbox ADD COLUMN published_region text;
      CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;`,
  },
];
