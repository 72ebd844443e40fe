import type { Migration } from '@surge-lab/kit';

// No foreign key to orders: that table belongs to checkout, whose migrations may run later.
export const FULFILMENT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'processed_events_and_shipments',
    sql: `CREATE TABLE processed_events (
      event_id uuid PRIMARY KEY,
      order_id uuid NOT NULL,
      outcome text,
      processed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE shipments (
      order_id uuid PRIMARY KEY,
      event_id uuid NOT NULL,
      confirmed_at timestamptz NOT NULL DEFAULT now(),
      ship_after timestamptz NOT NULL,
      shipped_at timestamptz,
      skipped_reason text
    );
    CREATE INDEX shipments_due_idx ON shipments (ship_after) WHERE shipped_at IS NULL AND skipped_reason IS NULL;`,
  },
  {
    version: 2,
    name: 'carrier_shipment',
    // The carrier's shipment id, and whether the carrier had shipped the order already (a failover
    // that lost this region's mark): then it did not go out twice.
    sql: `ALTER TABLE shipments ADD COLUMN carrier_shipment_id uuid, ADD COLUMN carrier_duplicate boolean NOT NULL DEFAULT false;`,
  },
];
