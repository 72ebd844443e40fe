// Wires the consumer, its DLQ producer, the shipper and the lag gauge; start.ts and the live
// tests both use it, so the tests run the same code with their own group id.
import { createPublisher, type Kafka, type KafkaMessage, type PgPools, type Service } from '@surge-lab/kit';
import type { FulfilmentConfig } from './config.ts';
import { carrierClient } from './data-access/carrier-client.ts';
import { fulfilmentRepo } from './data-access/fulfilment-repo.ts';
import { startOrderConsumer } from './workers/consumer.ts';
import { type DeadLetter, orderMessageHandler } from './workers/handler.ts';
import { startLagMonitor, startShipper } from './workers/loops.ts';

export interface Worker {
  joined(): boolean;
  /** Consumer first (no new work), then the loops, then the producer. */
  stop(): Promise<void>;
}

export function startWorker(svc: Service, config: FulfilmentConfig, pools: PgPools, kafka: Kafka, opts: { filter?: (m: KafkaMessage) => boolean } = {}): Worker {
  const { logger, metrics } = svc;
  const carrier = carrierClient(config.CARRIER_URL, config.LAB_REGION, metrics, config.CARRIER_TIMEOUT_MS);
  const repo = fulfilmentRepo(pools.rw, metrics, { timeoutMs: config.DB_TIMEOUT_MS, shipDelayMs: config.FULFILMENT_SHIP_DELAY_MS, carrier });
  const publisher = createPublisher(kafka, logger);
  const deadLetter = (d: DeadLetter) => publisher.send(config.FULFILMENT_DLQ_TOPIC, [{ key: d.key, value: d.value, headers: d.headers }]);
  const shipper = startShipper({
    intervalMs: config.FULFILMENT_SHIP_INTERVAL_MS,
    idleMaxMs: config.FULFILMENT_SHIP_IDLE_MAX_MS,
    shipDelayMs: config.FULFILMENT_SHIP_DELAY_MS,
    batch: config.FULFILMENT_SHIP_BATCH,
    shipDue: (n) => repo.shipDue(n),
    logger,
    metrics,
  });
  const apply = async (e: Parameters<typeof repo.applyOrderPlaced>[0]) => {
    const outcome = await repo.applyOrderPlaced(e);
    if (outcome === 'confirm') shipper.confirmed();
    return outcome;
  };
  const handle = orderMessageHandler({ apply, deadLetter, logger, metrics });
  const consumer = startOrderConsumer({
    kafka,
    topic: config.FULFILMENT_TOPIC,
    groupId: config.FULFILMENT_GROUP_ID,
    fromBeginning: config.FULFILMENT_FROM_BEGINNING,
    handle,
    logger,
    metrics,
    ...opts,
  });
  const lag = startLagMonitor({ kafka, topic: config.FULFILMENT_TOPIC, groupId: config.FULFILMENT_GROUP_ID, intervalMs: config.FULFILMENT_LAG_INTERVAL_MS, logger, metrics });
  return {
    joined: () => consumer.joined(),
    async stop() {
      await consumer.stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'consumer disconnect failed'));
      await Promise.all([shipper.stop(), lag.stop()]);
      await publisher.close();
    },
  };
}
