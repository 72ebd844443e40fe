// Background loops: the shipper and the consumer-lag gauge. Timers are unref'd (HTTP keeps the
// process alive) and each loop never overlaps itself.
import type { Admin, Kafka, Logger, Metrics } from '@surge-lab/kit';

export interface Loop {
  stop(): Promise<void>;
}

export function every(intervalMs: number, tick: () => Promise<void>, onError: (err: unknown) => void): Loop {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export function startShipper(o: { intervalMs: number; batch: number; shipDue: (limit: number) => Promise<number>; logger: Logger; metrics: Metrics }): Loop {
  const shipped = o.metrics.counter('fulfilment_shipments_shipped_total', 'Orders moved confirmed → shipped', []);
  let failing = false;
  return every(
    o.intervalMs,
    async () => {
      // A full batch means more are due: keep going within this tick.
      for (let n = o.batch; n === o.batch; ) {
        n = await o.shipDue(o.batch);
        shipped.inc(n);
      }
      if (failing) o.logger.info('shipper recovered');
      failing = false;
    },
    (err) => {
      if (!failing) o.logger.warn({ err: String(err) }, 'shipper tick failed');
      failing = true;
    },
  );
}

/** kafka_consumer_lag{topic,partition}: log-end offset minus the group's committed offset. */
export function startLagMonitor(o: { kafka: Kafka; topic: string; groupId: string; intervalMs: number; logger: Logger; metrics: Metrics }): Loop {
  const lag = o.metrics.gauge('kafka_consumer_lag', 'Messages behind the log end, per partition', ['topic', 'partition']);
  let admin: Admin | null = null;
  const loop = every(
    o.intervalMs,
    async () => {
      if (!admin) {
        const a = o.kafka.admin();
        await a.connect();
        admin = a;
      }
      const [ends, groups] = await Promise.all([admin.fetchTopicOffsets(o.topic), admin.fetchOffsets({ groupId: o.groupId, topics: [o.topic] })]);
      const committed = new Map(groups[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
      for (const p of ends) {
        const c = committed.get(p.partition) ?? -1;
        // No commit yet: the group starts at the low watermark (fromBeginning) or will soon commit.
        lag.set({ topic: o.topic, partition: String(p.partition) }, Math.max(0, Number(p.high) - (c >= 0 ? c : Number(p.low))));
      }
    },
    (err) => {
      o.logger.debug({ err: String(err) }, 'consumer lag not available');
      const a = admin;
      admin = null;
      void a?.disconnect().catch(() => {});
    },
  );
  return {
    async stop() {
      await loop.stop();
      await admin?.disconnect().catch(() => {});
    },
  };
}
