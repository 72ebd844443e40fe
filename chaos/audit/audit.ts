// The integrity audit: from the load ledger (every checkout the shop acknowledged) and the live
// system, prove nothing was lost or done twice. Each check counts what it looked at and what
// failed, with a few examples; the audit fails on any mismatch.

import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { type Lab, type RegionName, runningRegions } from '@surge-lab/lab';
import type pg from 'pg';
import type { LedgerEntry } from '../load/scenarios.ts';
import type { AuditCheck, AuditReport } from '../runner/journal.ts';
import { type Baseline, kafka, type PartitionOffset, regionTopicOffsets, withDb } from './baseline.ts';

interface OrderRow {
  id: string;
  status: string;
  total_cents: string;
  created_at: Date;
  key: string | null;
  event_id: string | null;
  published: boolean | null;
  processed: number;
  shipments: number;
  lines: { productId: string; quantity: number; priceCents: number }[] | null;
}

const EXAMPLES = 5;

function check(name: string, checked: number, failures: string[], note?: string): AuditCheck {
  return { name, checked, failed: failures.length, ok: failures.length === 0, examples: failures.slice(0, EXAMPLES), ...(note ? { note } : {}) };
}

async function ordersSince(c: pg.Client, since: string, ids: string[]): Promise<OrderRow[]> {
  return (
    await c.query<OrderRow>(
      `SELECT o.id, o.status, o.total_cents, o.created_at,
            (SELECT k.key FROM idempotency_keys k WHERE k.order_id = o.id LIMIT 1) AS key,
            (SELECT ob.event_id::text FROM outbox ob WHERE ob.order_id = o.id) AS event_id,
            (SELECT ob.published_at IS NOT NULL FROM outbox ob WHERE ob.order_id = o.id) AS published,
            (SELECT count(*)::int FROM processed_events pe WHERE pe.order_id = o.id) AS processed,
            (SELECT count(*)::int FROM shipments s WHERE s.order_id = o.id) AS shipments,
            (SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity, 'priceCents', i.price_cents)) FROM order_items i WHERE i.order_id = o.id) AS lines
       FROM orders o
      WHERE o.created_at >= $1 OR o.id = ANY($2::uuid[])`,
      [since, ids],
    )
  ).rows;
}

/** Per order id (the message key): how many times each event id was delivered on the orders topic, from the baseline's offsets to the end now, in every running region's broker. */
async function publishedSince(lab: Lab, from: Baseline['topicOffsets']): Promise<Map<string, Map<string, number>>> {
  const counts = new Map<string, Map<string, number>>();
  for (const region of await runningRegions(lab)) await readTopic(lab, region, from[region] ?? [], counts);
  return counts;
}

/** Adds one region's deliveries since `from` (a partition not in it: from its start) into `counts`. */
async function readTopic(lab: Lab, region: RegionName, from: PartitionOffset[], counts: Map<string, Map<string, number>>): Promise<void> {
  const to = new Map((await regionTopicOffsets(lab, region)).map((p) => [p.partition, BigInt(p.offset)]));
  const start = new Map(from.map((p) => [p.partition, BigInt(p.offset)]));
  const pending = [...to].filter(([p, end]) => end > (start.get(p) ?? 0n)).map(([p]) => p);
  if (pending.length === 0) return;
  const consumer = kafka(lab, region).consumer({ groupId: `surge-lab-audit-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
    const left = new Set(pending);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading the ${ORDERS_TOPIC} topic of region ${region} timed out (partitions left: ${[...left].join(', ')})`)), 120_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const offset = BigInt(message.offset);
            if (offset >= (start.get(partition) ?? 0n) && offset < to.get(partition)!) {
              const key = message.key?.toString() ?? '';
              const eventId = message.headers?.['event-id']?.toString() ?? '(no event id)';
              const events = counts.get(key) ?? new Map<string, number>();
              events.set(eventId, (events.get(eventId) ?? 0) + 1);
              counts.set(key, events);
            }
            if (offset + 1n >= to.get(partition)!) left.delete(partition);
            if (left.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      // Start each partition at the baseline, not at the beginning of the topic.
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const p of pending) consumer.seek({ topic: ORDERS_TOPIC, partition: p, offset: String(start.get(p) ?? 0n) });
      });
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

/**
 * 3 and 4: exactly one published event per order (the outbox row is marked, and the topic carries
 * that event and no other for the order), and exactly one fulfilment. The relay publishes at least
 * once: a batch sent as the broker went away is sent again, so the same event (same event id) can be
 * on the topic twice. That is one event delivered twice, counted and reported; the consumer
 * processes it once, which check 4 proves. A second, different event for an order fails.
 */
function deliveryChecks(runOrders: OrderRow[], published: Map<string, Map<string, number>>): AuditCheck[] {
  const eventProblems: string[] = [];
  const fulfilProblems: string[] = [];
  let redelivered = 0;
  for (const r of runOrders) {
    const events = published.get(r.id) ?? new Map<string, number>();
    if (!r.published) eventProblems.push(`${r.id} (${r.status}): event not published`);
    else if (events.size === 0) eventProblems.push(`${r.id}: marked published, but not on the ${ORDERS_TOPIC} topic`);
    else if (events.size > 1 || !events.has(r.event_id ?? '')) eventProblems.push(`${r.id}: events ${[...events.keys()].join(', ')} on the topic, outbox event ${r.event_id}`);
    else if (events.get(r.event_id!)! > 1) redelivered++;
    if (r.processed !== 1 || r.shipments !== 1) fulfilProblems.push(`${r.id} (${r.status}): processed ${r.processed} time(s), ${r.shipments} shipment(s)`);
  }
  return [
    check(
      'each order has exactly one published event',
      runOrders.length,
      eventProblems,
      redelivered ? `${redelivered} event(s) delivered more than once with the same event id (the relay resends a batch whose send was uncertain; fulfilment processed each once)` : undefined,
    ),
    check('each order is fulfilled exactly once', runOrders.length, fulfilProblems),
  ];
}

/** The carrier's record of the run's shipped orders: each left once, whatever a failover lost. */
async function carrierCheck(lab: Lab, shipped: OrderRow[]): Promise<AuditCheck> {
  const problems: string[] = [];
  let refused = 0;
  // 300 ids a request: the services take bodies of 16 KB at most (37 bytes an id).
  for (let i = 0; i < shipped.length; i += 300) {
    const ids = shipped.slice(i, i + 300).map((r) => r.id);
    const res = await fetch(`${lab.endpoints.url('carrier')}/shipments/counts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderIds: ids }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`the carrier's record: ${res.status} ${await res.text()}`);
    for (const c of ((await res.json()) as { counts: { orderId: string; shipments: number; refusals: number }[] }).counts) {
      refused += c.refusals;
      if (c.shipments !== 1) problems.push(`${c.orderId}: shipped in the shop, ${c.shipments} shipment(s) at the carrier`);
    }
  }
  return check(
    'each shipped order left the carrier exactly once (its record)',
    shipped.length,
    problems,
    refused ? `${refused} second shipment(s) refused by the carrier: a region shipping an order the other had shipped already` : undefined,
  );
}

export interface AuditOptions {
  /** How long to wait for acknowledged orders to be published and fulfilled (outboxes drain, payments are captured). */
  settleSeconds?: number;
  log?: (line: string) => void;
  /**
   * After a restore from backup: orders acknowledged after this time may be lost (they were in WAL
   * not yet archived). Those are counted, not failed; events and fulfilment are not judged, since
   * Kafka and the restored database disagree about orders near the cut-off by design.
   */
  restoredUpTo?: string;
  /**
   * After a region was lost (killed or cut off): an acknowledged order missing from the surviving
   * primary is lost within the RPO when it was acknowledged inside this window (from the
   * replication lag allowed before the loss to when the old region stopped acknowledging), and
   * named; one missing from before the window fails the audit.
   */
  regionLoss?: { from: string; to: string };
}

export async function audit(lab: Lab, ledger: LedgerEntry[], baseline: Baseline, o: AuditOptions = {}): Promise<AuditReport> {
  const log = o.log ?? (() => {});
  const ledgerIds = [...new Set(ledger.map((e) => e.orderId))];

  // Settle: the run is over, but events may still wait in the outbox (a payment to capture,
  // Kafka just back) and fulfilment may be catching up. Wait until every order is processed.
  const deadline = Date.now() + (o.settleSeconds ?? 120) * 1_000;
  while (!o.restoredUpTo) {
    const waiting = await withDb(
      lab,
      async (c) =>
        (
          await c.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM orders o
        WHERE (o.created_at >= $1 OR o.id = ANY($2::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM processed_events pe WHERE pe.order_id = o.id)`,
            [baseline.takenAt, ledgerIds],
          )
        ).rows[0]!.n,
    );
    if (waiting === 0) break;
    if (Date.now() > deadline) {
      log(`[audit] ${waiting} order(s) still not fulfilled after ${o.settleSeconds ?? 120} s; auditing as is`);
      break;
    }
    log(`[audit] waiting for ${waiting} order(s) to be published and fulfilled`);
    await new Promise((r) => setTimeout(r, 2_000));
  }

  const { orders, stock } = await withDb(lab, async (c) => ({
    orders: await ordersSince(c, baseline.takenAt, ledgerIds),
    stock: Object.fromEntries((await c.query<{ id: string; stock: number }>('SELECT id, stock FROM products')).rows.map((r) => [r.id, r.stock])) as Record<string, number>,
  }));
  const byId = new Map(orders.map((r) => [r.id, r]));
  const runOrders = orders.filter((r) => r.status !== 'cancelled');
  const checks: AuditCheck[] = [];

  // 1. Every acknowledged order exists, with the lines the shopper bought and a total that adds up.
  const missing: string[] = [];
  const cutoff = o.restoredUpTo ? Date.parse(o.restoredUpTo) : Infinity;
  let lostAfterCutoff = 0;
  const lostWithRegion: { orderId: string; acknowledgedAt: string }[] = [];
  const inLossWindow = (at: string) => o.regionLoss !== undefined && Date.parse(at) >= Date.parse(o.regionLoss.from) && Date.parse(at) <= Date.parse(o.regionLoss.to);
  for (const e of ledger) {
    const row = byId.get(e.orderId);
    if (!row && Date.parse(e.acknowledgedAt) > cutoff) {
      lostAfterCutoff++;
      continue;
    }
    if (!row && inLossWindow(e.acknowledgedAt)) {
      lostWithRegion.push({ orderId: e.orderId, acknowledgedAt: e.acknowledgedAt });
      continue;
    }
    if (!row) {
      missing.push(`${e.orderId}: acknowledged at ${e.acknowledgedAt} (key ${e.idempotencyKey}) but not in the database`);
      continue;
    }
    const want = e.items
      .map((i) => `${i.productId}×${i.quantity}`)
      .sort()
      .join(',');
    const got = (row.lines ?? [])
      .map((l) => `${l.productId}×${l.quantity}`)
      .sort()
      .join(',');
    if (want !== got) missing.push(`${e.orderId}: lines ${got || 'none'}, acknowledged ${want}`);
    const sum = (row.lines ?? []).reduce((s, l) => s + l.quantity * l.priceCents, 0);
    if (sum !== Number(row.total_cents)) missing.push(`${e.orderId}: total ${row.total_cents} but lines add up to ${sum}`);
  }
  checks.push(
    o.restoredUpTo
      ? check(
          `every order acknowledged before the archive cut-off (${o.restoredUpTo}) exists with its lines and total`,
          ledger.length,
          missing,
          `${lostAfterCutoff} acknowledged after the cut-off were lost with the unarchived WAL (within the RPO)`,
        )
      : o.regionLoss
        ? check(
            `every acknowledged order exists with its lines and total, but for those acknowledged in the loss window (${o.regionLoss.from} to ${o.regionLoss.to})`,
            ledger.length,
            missing,
            lostWithRegion.length
              ? `${lostWithRegion.length} acknowledged in the loss window were lost with the region (within the RPO): ${lostWithRegion.map((l) => l.orderId).join(', ')}`
              : 'none lost with the region',
          )
        : check('every acknowledged order exists with its lines and total', ledger.length, missing),
  );

  // 2. One idempotency key, one order.
  const byKey = new Map<string, Set<string>>();
  for (const e of ledger) byKey.set(e.idempotencyKey, (byKey.get(e.idempotencyKey) ?? new Set()).add(e.orderId));
  const keyProblems: string[] = [];
  for (const [key, ids] of byKey) if (ids.size > 1) keyProblems.push(`key ${key} acknowledged ${ids.size} different orders: ${[...ids].join(', ')}`);
  for (const e of ledger) {
    const row = byId.get(e.orderId);
    if (row && row.key !== e.idempotencyKey) keyProblems.push(`${e.orderId}: recorded under key ${row.key ?? 'none'}, acknowledged for ${e.idempotencyKey}`);
  }
  checks.push(check('no idempotency key has two orders', byKey.size, keyProblems));

  if (!o.restoredUpTo) {
    checks.push(...deliveryChecks(runOrders, await publishedSince(lab, baseline.topicOffsets)));
    checks.push(
      await carrierCheck(
        lab,
        runOrders.filter((r) => r.status === 'shipped'),
      ),
    );
  }

  // 5. Stock = initial − sold, never negative, for every product.
  const stockProblems: string[] = [];
  let soldUnits = 0;
  for (const [id, now] of Object.entries(stock)) {
    const override = baseline.overrides[id];
    const initial = override?.stock ?? baseline.stock[id];
    if (initial === undefined) continue; // created after the baseline
    const since = new Date(override?.at ?? baseline.takenAt).getTime();
    let sold = 0;
    for (const r of orders) if (r.created_at.getTime() >= since && r.status !== 'cancelled') for (const l of r.lines ?? []) if (l.productId === id) sold += l.quantity;
    soldUnits += sold;
    if (now < 0) stockProblems.push(`${id}: stock ${now} is negative`);
    else if (now !== initial - sold) stockProblems.push(`${id}: stock ${now}, expected ${initial} − ${sold} sold = ${initial - sold}`);
  }
  const unacknowledged = orders.filter((r) => !ledger.some((e) => e.orderId === r.id)).length;
  checks.push(
    check(
      'stock = initial − sold and never negative',
      Object.keys(stock).length,
      stockProblems,
      `${soldUnits} unit(s) sold in ${orders.length} order(s)${unacknowledged ? `, ${unacknowledged} of them not in the ledger (committed, but the client did not get the answer, or placed by someone else)` : ''}`,
    ),
  );

  return {
    ok: checks.every((c) => c.ok),
    at: new Date().toISOString(),
    ledgerOrders: ledgerIds.length,
    checks,
    ...(o.restoredUpTo ? { lostAfterCutoff } : {}),
    ...(o.regionLoss ? { lostWithRegion, lossWindow: o.regionLoss } : {}),
  };
}

export function formatAudit(r: AuditReport): string {
  const w = Math.max(...r.checks.map((c) => c.name.length));
  const lines = r.checks.map(
    (c) => `${c.ok ? '✔' : '✘'} ${c.name.padEnd(w)}  checked ${String(c.checked).padStart(6)}  failed ${c.failed}${c.note ? `  (${c.note})` : ''}${c.examples.map((e) => `\n      ${e}`).join('')}`,
  );
  return `${lines.join('\n')}\naudit ${r.ok ? 'PASSED' : 'FAILED'}: ${r.ledgerOrders} acknowledged order(s) in the ledger`;
}
