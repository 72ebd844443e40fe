// fulfilment's worker as start.ts wires it (consumer, DLQ producer, shipper) on the lab's Kafka
// and Postgres images, on the real topic names: orders in, orders.dlq for what cannot be applied.
import { randomUUID } from 'node:crypto';
import { checkoutMigrations } from '@surge-lab/checkout/migrations';
import { ORDERS_DLQ_TOPIC, ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { createKafka, createService, migrate, type PgPools, type Service } from '@surge-lab/kit';
import { waitFor } from '@surge-lab/lab';
import { pause, pgPools, type RunningKafka, type RunningPostgres, silentLogger, startAll, startKafka, startPostgres, stopAll } from '@surge-lab/tests/integration';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FulfilmentConfig, fulfilmentConfig } from '../../src/config.ts';
import { FULFILMENT_MIGRATIONS } from '../../src/data-access/migrations.ts';
import { startWorker, type Worker } from '../../src/worker.ts';
import { type RunningCarrier, startCarrier } from '../carrier.ts';
import { sampleEvent } from '../sample-event.ts';

let pg: RunningPostgres | undefined;
let kafka: RunningKafka | undefined;
let pools: PgPools;
let client: Kafka;
let producer: Producer | undefined;
let config: FulfilmentConfig;
let worker: { svc: Service; w: Worker } | undefined;
let carrier: RunningCarrier | undefined;

beforeAll(async () => {
  [pg, kafka] = await startAll(startPostgres, startKafka);
  carrier = await startCarrier();
  config = fulfilmentConfig({
    CARRIER_URL: carrier.url,
    PG_RW_URL: pg.url,
    PG_RO_URL: pg.url,
    KAFKA_BROKERS: kafka.brokers.join(','),
    DB_TIMEOUT_MS: '1000',
    FULFILMENT_SHIP_DELAY_MS: '300',
    FULFILMENT_SHIP_INTERVAL_MS: '100',
    FULFILMENT_LAG_INTERVAL_MS: '1000',
    LOG_LEVEL: 'silent',
  });
  pools = pgPools(pg.url, 'fulfilment-it', { poolMax: 10 });
  await migrate(pools.rw, 'checkout', checkoutMigrations, silentLogger);
  await migrate(pools.rw, 'fulfilment', FULFILMENT_MIGRATIONS, silentLogger);
  client = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'fulfilment-it', connectTimeoutMs: 2_000, requestTimeoutMs: 5_000 }, silentLogger);
  producer = client.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  worker = await start();
});
afterAll(async () => {
  await worker?.w.stop().catch(() => {});
  await producer?.disconnect().catch(() => {});
  await pools?.close();
  await carrier?.close();
  await stopAll(pg, kafka);
});

/** A worker with its own metrics, once its consumer joined the group. */
async function start(): Promise<{ svc: Service; w: Worker }> {
  const svc = createService('fulfilment', { logLevel: 'silent' });
  const w = startWorker(svc, config, pools, client);
  await waitFor('the consumer to join its group', () => w.joined(), { timeoutMs: 60_000, intervalMs: 100 });
  return { svc, w };
}
/** The current worker's metric, summed over the series matching `labels`. */
const metric = async (name: string, labels: Record<string, string> = {}) =>
  ((await worker!.svc.metrics.registry.getSingleMetric(name)?.get())?.values ?? []).filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((s, v) => s + v.value, 0);
async function placedOrder(): Promise<string> {
  const id = randomUUID();
  await pools.rw.query(`INSERT INTO orders (id, email, status, total_cents) VALUES ($1, 'shopper@example.com', 'placed', 1000)`, [id]);
  return id;
}
const publish = (orderId: string, value: string) => producer!.send({ topic: ORDERS_TOPIC, acks: -1, messages: [{ key: orderId, value }] });
const status = async (id: string) => (await pools.rw.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [id])).rows[0]?.status;
const processed = async (id: string) => (await pools.rw.query('SELECT outcome FROM processed_events WHERE order_id = $1', [id])).rows;
const shipments = async (id: string) => (await pools.rw.query('SELECT shipped_at FROM shipments WHERE order_id = $1', [id])).rowCount;
/** True once the group's committed offsets reached the end of the topic: everything published was handled. */
async function caughtUp(topic = ORDERS_TOPIC): Promise<boolean> {
  const admin = client.admin();
  await admin.connect();
  try {
    const [ends, [group]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: config.FULFILMENT_GROUP_ID, topics: [topic] })]);
    const committed = new Map(group!.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.every((p) => Number(p.high) === 0 || committed.get(p.partition) === Number(p.high));
  } finally {
    await admin.disconnect();
  }
}

describe('fulfilment worker on Kafka and Postgres', () => {
  test('an OrderPlacedEvent on orders confirms the order, and the shipper ships it', async () => {
    const orderId = await placedOrder();
    await publish(orderId, JSON.stringify(sampleEvent({ orderId })));
    await waitFor('order shipped', async () => (await status(orderId)) === 'shipped', { timeoutMs: 30_000, intervalMs: 100 });
    expect(await processed(orderId)).toEqual([{ outcome: 'confirm' }]);
    expect(await shipments(orderId)).toBe(1);
  });

  test('the same event published three times is applied once, and the two duplicates are counted', async () => {
    const orderId = await placedOrder();
    const event = JSON.stringify(sampleEvent({ orderId }));
    const before = await metric('fulfilment_events_duplicates_total');
    for (let i = 0; i < 3; i++) await publish(orderId, event);
    await waitFor('all consumed and committed', () => caughtUp(), { timeoutMs: 30_000, intervalMs: 200 });
    expect(await processed(orderId)).toEqual([{ outcome: 'confirm' }]);
    expect(await shipments(orderId)).toBe(1);
    expect((await metric('fulfilment_events_duplicates_total')) - before).toBe(2);
  });

  test('garbage lands on orders.dlq with its source position, and the valid event after it is applied', async () => {
    const orderId = await placedOrder();
    await publish(orderId, '{"this is": not json');
    await publish(orderId, JSON.stringify({ ...sampleEvent({ orderId }), lines: [] }));
    await publish(orderId, JSON.stringify(sampleEvent({ orderId })));
    await waitFor('the valid event applied', async () => (await processed(orderId)).length === 1, { timeoutMs: 30_000, intervalMs: 100 });
    const letters: { value: string; headers: Record<string, string> }[] = [];
    const dlq = client.consumer({ groupId: `dlq-reader-${randomUUID()}`, maxWaitTimeInMs: 250 });
    await dlq.connect();
    try {
      await dlq.subscribe({ topic: ORDERS_DLQ_TOPIC, fromBeginning: true });
      await dlq.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== orderId) return;
          letters.push({ value: message.value?.toString() ?? '', headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
        },
      });
      await waitFor('both bad messages on orders.dlq', () => letters.length >= 2, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await dlq.disconnect();
    }
    expect(letters.map((l) => l.value)).toEqual(['{"this is": not json', expect.stringContaining('"lines":[]')]);
    expect(letters[0]!.headers).toMatchObject({
      'dlq-reason': 'unparseable',
      'dlq-source-topic': ORDERS_TOPIC,
      'dlq-source-partition': expect.stringMatching(/^[0-2]$/),
      'dlq-source-offset': expect.stringMatching(/^\d+$/),
    });
    expect(letters[1]!.headers).toMatchObject({ 'dlq-reason': 'invalid', 'dlq-error': expect.stringContaining('lines') });
  });

  test('a worker stopped and started again resumes after its committed offsets: what came meanwhile is applied once, nothing again', async () => {
    await waitFor('all consumed and committed', () => caughtUp(), { timeoutMs: 30_000, intervalMs: 200 });
    await worker!.w.stop();
    worker = undefined;
    const ids = await Promise.all(Array.from({ length: 5 }, () => placedOrder()));
    for (const orderId of ids) await publish(orderId, JSON.stringify(sampleEvent({ orderId })));
    worker = await start();
    await waitFor('the five orders confirmed', async () => (await Promise.all(ids.map(processed))).every((r) => r.length === 1), { timeoutMs: 30_000, intervalMs: 100 });
    await waitFor('all consumed and committed', () => caughtUp(), { timeoutMs: 30_000, intervalMs: 200 });
    // The new worker saw only the five: no redelivery of what the first one committed.
    expect(await metric('fulfilment_events_duplicates_total')).toBe(0);
    expect(await metric('fulfilment_events_processed_total')).toBe(5);
  });

  test('Postgres not answering while an event arrives: it is not committed, and applied exactly once when Postgres is back', async () => {
    const orderId = await placedOrder();
    const resume = await pause(pg!);
    try {
      await publish(orderId, JSON.stringify(sampleEvent({ orderId })));
      // Long enough for the 1 s transaction guard to fail at least once and the consumer to retry.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await caughtUp()).toBe(false);
    } finally {
      await resume();
    }
    await waitFor('the order confirmed', async () => (await status(orderId)) !== 'placed', { timeoutMs: 60_000, intervalMs: 200 });
    await waitFor('all consumed and committed', () => caughtUp(), { timeoutMs: 60_000, intervalMs: 200 });
    expect(await metric('dependency_calls_total', { dependency: 'fulfilment-db', outcome: 'timeout' })).toBeGreaterThan(0);
    expect(await processed(orderId)).toEqual([{ outcome: 'confirm' }]);
    expect(await shipments(orderId)).toBe(1);
  });
});
