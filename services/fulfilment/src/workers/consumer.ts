// The `orders` consumer under a supervisor. Offsets are committed by hand, after the database
// commit. kafkajs restarts itself after retriable crashes; the supervisor covers the rest (a
// failed connect, a crash kafkajs will not restart) so the process never sits idle.
import { backoffMs, type Consumer, type Kafka, type KafkaMessage, type Logger, type Metrics } from '@surge-lab/kit';

export interface ConsumerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  handle: (m: { topic: string; partition: number; message: KafkaMessage }) => Promise<unknown>;
  logger: Logger;
  metrics: Metrics;
  /** Messages it rejects are committed untouched (lets tests share the real topic). */
  filter?: (message: KafkaMessage) => boolean;
}

export interface ConsumerHandle {
  joined(): boolean;
  stop(): Promise<void>;
}

export function startOrderConsumer(o: ConsumerOptions): ConsumerHandle {
  const restarts = o.metrics.counter('fulfilment_consumer_restarts_total', 'Consumer relaunches by the supervisor', []);
  let current: Consumer | null = null;
  let joined = false;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const relaunch = (old: Consumer, why: unknown) => {
    if (stopped || current !== old) return; // already handled, or shutting down
    current = null;
    joined = false;
    const delay = Math.max(500, backoffMs(Math.min(attempt++, 5), 500));
    o.logger.warn({ err: String(why), delayMs: delay }, 'consumer stopped; relaunching');
    restarts.inc();
    void old.disconnect().catch(() => {});
    timer = setTimeout(() => void launch(), delay);
  };

  const launch = async () => {
    if (stopped) return;
    // A short session: after a broker restart the group rebalances in seconds, not the default 30 s.
    const c = o.kafka.consumer({
      groupId: o.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    current = c;
    c.on(c.events.GROUP_JOIN, () => {
      joined = true;
      attempt = 0;
    });
    c.on(c.events.REBALANCING, () => {
      joined = false;
    });
    c.on(c.events.CRASH, ({ payload }) => {
      joined = false;
      if (!payload.restart) relaunch(c, payload.error); // kafkajs gave up: start over
    });
    try {
      await c.connect();
      await c.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning });
      await c.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 3,
        eachMessage: async ({ topic, partition, message }) => {
          if (!o.filter || o.filter(message)) await o.handle({ topic, partition, message });
          // Only after the database commit: a crash before this line redelivers, and
          // processed_events absorbs the duplicate.
          await c.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
    } catch (err) {
      relaunch(c, err);
    }
  };

  void launch();
  return {
    joined: () => joined,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      joined = false;
      await current?.disconnect();
    },
  };
}
