// Background loops on the kit's startLoop: the shipper and the consumer-lag gauge. The shipper
// polls for orders whose shipping time has come; idle, it waits longer and longer (up to
// `idleMaxMs`), and each confirmed order wakes it when that order falls due, so an idle lab does not
// query every 500 ms and a busy one ships on time.
import { type Admin, type Kafka, type Logger, type Loop, type Metrics, startLoop } from '@surge-lab/kit';

export interface Shipper extends Loop {
  /** An order was confirmed: it falls due `shipDelayMs` from now. */
  confirmed(): void;
}

export function startShipper(o: { intervalMs: number; idleMaxMs: number; shipDelayMs: number; batch: number; shipDue: (limit: number) => Promise<number>; logger: Logger; metrics: Metrics }): Shipper {
  const shipped = o.metrics.counter('fulfilment_shipments_shipped_total', 'Orders moved confirmed → shipped', []);
  const loop = startLoop({
    name: 'shipper',
    intervalMs: o.intervalMs,
    idleMaxMs: o.idleMaxMs,
    logger: o.logger,
    async run() {
      const n = await o.shipDue(o.batch);
      shipped.inc(n);
      return n; // a count > 0 runs it again at once: a full batch means more are due
    },
  });
  // One timer for the earliest unserved due time; when it fires it re-arms for the latest.
  let timer: NodeJS.Timeout | undefined;
  let latestDue = 0;
  let stopped = false;
  const arm = (inMs: number) => {
    timer = setTimeout(fire, inMs);
    timer.unref();
  };
  const fire = () => {
    timer = undefined;
    if (stopped) return;
    loop.wake();
    const left = latestDue - Date.now();
    if (left > 0) arm(left);
  };
  return {
    confirmed() {
      // A few ms after the due time: shipDue compares with the database's clock.
      latestDue = Math.max(latestDue, Date.now() + o.shipDelayMs + 20);
      if (!timer && !stopped) arm(o.shipDelayMs + 20);
    },
    wake: () => loop.wake(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await loop.stop();
    },
  };
}

/** kafka_consumer_lag{topic,partition}: log-end offset minus the group's committed offset. */
export function startLagMonitor(o: { kafka: Kafka; topic: string; groupId: string; intervalMs: number; logger: Logger; metrics: Metrics }): Loop {
  const lag = o.metrics.gauge('kafka_consumer_lag', 'Messages behind the log end, per partition', ['topic', 'partition']);
  let admin: Admin | null = null;
  const loop = startLoop({
    name: 'consumer-lag',
    intervalMs: o.intervalMs,
    logger: o.logger,
    async run() {
      try {
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
      } catch (err) {
        // A broken admin client is dropped; the next run connects a new one.
        const a = admin;
        admin = null;
        void a?.disconnect().catch(() => {});
        throw err;
      }
    },
  });
  return {
    wake: () => loop.wake(),
    async stop() {
      await loop.stop();
      await admin?.disconnect().catch(() => {});
    },
  };
}
