// Checkout's background work, in every replica (SKIP LOCKED shares it out):
//  - the outbox relay publishes released order events to Kafka, and keeps them while Kafka is down;
//  - the capture job retries payments of orders accepted as payment_pending.

import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { DependencyError, type Logger, type Metrics, type Publisher, startLoop } from '@surge-lab/kit';
import type pg from 'pg';
import { cancelUnpaid, claimDuePayments, markPaid, outboxStats, reclaimForeignEvents, relayBatch } from './data-access/orders-repo.ts';
import type { ChargeResult, PaymentPort } from './domain/place-order.ts';

export interface Jobs {
  stop(): Promise<void>;
  /** This replica committed an order: its relay publishes the event now, not at its next poll. */
  orderCommitted(): void;
}

// Idle, the loops poll less and less often (the relay up to every 2 s, capture every 5 s): an
// order committed here wakes the relay at once; one committed by a replica that died is
// published by another within the idle bound.
export interface JobsDeps {
  pool: pg.Pool;
  publisher: Publisher;
  logger: Logger;
  metrics: Metrics;
  payment: PaymentPort;
  relayIntervalMs: number;
  captureIntervalMs: number;
  /** This replica's region, recorded with each event it publishes. */
  region: string;
  /** Events the other region's broker published this recently are published again here (0: never). */
  reclaimSeconds: number;
}

export function startJobs(deps: JobsDeps): Jobs {
  const { pool, publisher, logger, metrics } = deps;
  const published = metrics.counter('outbox_events_published_total', 'Order events published to Kafka', []);
  const captured = metrics.counter('payments_total', 'Payment outcomes', ['result']);
  const backlog = metrics.gauge('outbox_backlog', 'Released order events not yet published', []);
  const oldest = metrics.gauge('outbox_oldest_age_seconds', 'Age of the oldest unpublished released event', []);
  const pending = metrics.gauge('orders_payment_pending', 'Orders waiting for their payment to be captured', []);

  const relay = startLoop({
    name: 'outbox-relay',
    intervalMs: deps.relayIntervalMs,
    idleMaxMs: 2_000,
    maxBackoffMs: 5_000,
    logger,
    run: () =>
      relayBatch(pool, deps.region, async (rows) => {
        await publisher.send(
          ORDERS_TOPIC,
          rows.map((r) => ({ key: r.order_id, value: JSON.stringify(r.payload), headers: { 'event-id': r.event_id } })),
        );
        published.inc(rows.length);
      }),
  });

  const capture = startLoop({
    name: 'payment-capture',
    intervalMs: deps.captureIntervalMs,
    idleMaxMs: 5_000,
    maxBackoffMs: 10_000,
    logger,
    run: async () => {
      let done = 0;
      for (const o of await claimDuePayments(pool)) {
        let charge: ChargeResult;
        try {
          charge = await deps.payment.charge(o);
          if (charge.kind === 'captured' && (await markPaid(pool, o.id, charge.chargeId))) {
            captured.inc({ result: 'captured_later' });
            done++;
          }
        } catch (err) {
          if (!(err instanceof DependencyError)) throw err;
          captured.inc({ result: 'deferred' });
          continue;
        }
        // Declined: retrying cannot help. Cancel and restock, or the order would wait forever.
        if (charge.kind === 'declined' && (await cancelUnpaid(pool, o.id))) {
          captured.inc({ result: 'declined' });
          logger.warn({ orderId: o.id, err: charge.reason }, 'payment declined: order cancelled, stock released');
        }
      }
      return done;
    },
  });

  const stats = startLoop({
    name: 'outbox-stats',
    intervalMs: 5_000,
    logger,
    run: async () => {
      const s = await outboxStats(pool);
      backlog.set(s.backlog);
      oldest.set(s.oldest ?? 0);
      pending.set(s.pending_payment);
    },
  });

  // Only the primary region's replicas can write: elsewhere this fails and backs off like any job.
  const reclaimed = metrics.counter('outbox_events_reclaimed_total', "Events of the other region's broker handed to this region's relay again", []);
  const reclaim = startLoop({
    name: 'outbox-reclaim',
    intervalMs: 5_000,
    logger,
    run: async () => {
      if (deps.reclaimSeconds === 0) return 0;
      const n = await reclaimForeignEvents(pool, deps.region, deps.reclaimSeconds);
      if (n > 0) {
        reclaimed.inc(n);
        logger.warn({ events: n, region: deps.region }, "events of the other region's broker published again here");
        relay.wake();
      }
      return n;
    },
  });

  return {
    async stop() {
      await Promise.all([relay.stop(), capture.stop(), stats.stop(), reclaim.stop()]);
      await publisher.close();
    },
    orderCommitted: () => relay.wake(),
  };
}
