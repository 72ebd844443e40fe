// One message from `orders`: parse it, dead-letter it when it is not a valid event, apply it
// otherwise. Throws only on operational failures (DB, DLQ produce): then the offset is not
// committed and Kafka redelivers.

import type { OrderPlacedEvent } from '@surge-lab/contracts/orders';
import type { KafkaMessage, Logger, Metrics } from '@surge-lab/kit';
import type { ApplyOutcome } from '../data-access/fulfilment-repo.ts';
import { parseOrderEvent } from '../domain/event.ts';

export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface HandlerDeps {
  apply: (event: OrderPlacedEvent) => Promise<ApplyOutcome>;
  deadLetter: (letter: DeadLetter) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
}

export type HandleOutcome = ApplyOutcome | 'dead_lettered';

export function orderMessageHandler(deps: HandlerDeps) {
  const processed = deps.metrics.counter('fulfilment_events_processed_total', 'OrderPlacedEvents applied, by outcome (confirm, order_missing, not_placed)', ['outcome']);
  const duplicates = deps.metrics.counter('fulfilment_events_duplicates_total', 'Redelivered events skipped thanks to processed_events', []);
  const dead = deps.metrics.counter('fulfilment_events_dead_lettered_total', 'Messages sent to orders.dlq, by reason', ['reason']);

  return async (m: { topic: string; partition: number; message: KafkaMessage }): Promise<HandleOutcome> => {
    const parsed = parseOrderEvent(m.message.value);
    if (!parsed.ok) {
      await deps.deadLetter({
        key: m.message.key,
        value: m.message.value,
        headers: {
          'dlq-reason': parsed.reason,
          'dlq-error': parsed.error.slice(0, 2_000),
          'dlq-source-topic': m.topic,
          'dlq-source-partition': String(m.partition),
          'dlq-source-offset': m.message.offset,
          'dlq-failed-at': new Date().toISOString(),
        },
      });
      dead.inc({ reason: parsed.reason });
      deps.logger.warn({ partition: m.partition, offset: m.message.offset, reason: parsed.reason, error: parsed.error }, 'message dead-lettered');
      return 'dead_lettered';
    }
    const outcome = await deps.apply(parsed.event);
    if (outcome === 'duplicate') duplicates.inc();
    else processed.inc({ outcome });
    if (outcome === 'order_missing' || outcome === 'not_placed') {
      deps.logger.warn({ eventId: parsed.event.eventId, orderId: parsed.event.orderId, outcome }, 'event recorded without confirming the order');
    }
    return outcome;
  };
}
