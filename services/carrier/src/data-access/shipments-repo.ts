// The carrier's shipments, in its own ledger (@surge-lab/kit/ledger: SQLite on its volume): one per
// order, whichever region asks. The same region asking again is a retry (answered with the shipment);
// another region asking for a shipped order is refused and kept as a refusal: that is what a failover
// that lost a region's "shipped" mark produces, and the audit reads both.
import { openLedger } from '@surge-lab/kit/ledger';

export interface Shipment {
  shipmentId: string;
  orderId: string;
  /** The region whose fulfilment asked. */
  region: string;
  createdAt: string;
}

export interface Refusal {
  orderId: string;
  region: string;
  at: string;
}

export type ShipOutcome = { kind: 'shipped' | 'replayed' | 'duplicate'; shipment: Shipment };

export interface ShipmentsRepo {
  /** Ships the order unless it was shipped already: then the first shipment (a refusal kept when another region asked). */
  ship(s: Omit<Shipment, 'createdAt'>): ShipOutcome;
  byId(shipmentId: string): Shipment | null;
  forOrder(orderId: string): { shipments: Shipment[]; refusals: Refusal[] };
  /** For each order: how many shipments (0 or 1) and how many refusals the carrier has. */
  counts(orderIds: readonly string[]): { orderId: string; shipments: number; refusals: number }[];
  /** Totals, and the orders refused as duplicates (most recent first). */
  summary(limit: number): { shipments: number; refusals: number; refusedOrders: string[] };
  ping(): void;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS shipments (
  order_id text PRIMARY KEY,
  shipment_id text NOT NULL UNIQUE,
  region text NOT NULL,
  created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE TABLE IF NOT EXISTS refusals (
  id integer PRIMARY KEY,
  order_id text NOT NULL,
  region text NOT NULL,
  at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX IF NOT EXISTS refusals_order_id_idx ON refusals (order_id);`;

type Row = { shipment_id: string; order_id: string; region: string; created_at: string };
const toShipment = (r: Row): Shipment => ({ shipmentId: r.shipment_id, orderId: r.order_id, region: r.region, createdAt: r.created_at });
const COLUMNS = 'shipment_id, order_id, region, created_at';

export function shipmentsRepo(path: string, o: { busyTimeoutMs?: number } = {}): ShipmentsRepo {
  const db = openLedger(path, SCHEMA, o);
  const insert = db.prepare(`INSERT INTO shipments (shipment_id, order_id, region) VALUES (?, ?, ?) ON CONFLICT (order_id) DO NOTHING RETURNING ${COLUMNS}`);
  const byOrder = db.prepare(`SELECT ${COLUMNS} FROM shipments WHERE order_id = ?`);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM shipments WHERE shipment_id = ?`);
  const refuse = db.prepare('INSERT INTO refusals (order_id, region) VALUES (?, ?)');
  const refusalsOf = db.prepare('SELECT order_id, region, at FROM refusals WHERE order_id = ? ORDER BY id');
  const totals = db.prepare('SELECT (SELECT count(*) FROM shipments) AS shipments, (SELECT count(*) FROM refusals) AS refusals');
  const countsOf = db.prepare(`SELECT j.value AS orderId,
      (SELECT count(*) FROM shipments s WHERE s.order_id = j.value) AS shipments,
      (SELECT count(*) FROM refusals r WHERE r.order_id = j.value) AS refusals
    FROM json_each(?) j`);
  const refused = db.prepare('SELECT order_id FROM refusals GROUP BY order_id ORDER BY max(id) DESC LIMIT ?');
  const pingStmt = db.prepare('SELECT 1'); // readiness asks every few seconds: prepared once
  return {
    ship(s) {
      const created = insert.get(s.shipmentId, s.orderId, s.region) as Row | undefined;
      if (created) return { kind: 'shipped', shipment: toShipment(created) };
      const first = toShipment(byOrder.get(s.orderId) as Row);
      if (first.region === s.region) return { kind: 'replayed', shipment: first };
      refuse.run(s.orderId, s.region);
      return { kind: 'duplicate', shipment: first };
    },
    byId: (id) => {
      const r = byId.get(id) as Row | undefined;
      return r ? toShipment(r) : null;
    },
    forOrder: (orderId) => ({
      shipments: (byOrder.all(orderId) as Row[]).map(toShipment),
      refusals: (refusalsOf.all(orderId) as { order_id: string; region: string; at: string }[]).map((r) => ({ orderId: r.order_id, region: r.region, at: r.at })),
    }),
    counts(orderIds) {
      return countsOf.all(JSON.stringify(orderIds)) as { orderId: string; shipments: number; refusals: number }[];
    },
    summary(limit) {
      const t = totals.get() as { shipments: number; refusals: number };
      return { shipments: t.shipments, refusals: t.refusals, refusedOrders: (refused.all(limit) as { order_id: string }[]).map((r) => r.order_id) };
    },
    ping: () => void pingStmt.get(),
    close: () => db.close(),
  };
}
