// fulfilment in-process against the lab's Postgres and Kafka, on topics and a group of this run:
// the lab's own fulfilment consumes the real `orders` topic and would race this one.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKafka, createPgPools, createService, migrate, type PgPools, pgSettings } from '@surge-lab/kit';
import { openLab, waitFor } from '@surge-lab/lab';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { fulfilmentConfig } from '../../src/config.ts';
import { FULFILMENT_MIGRATIONS } from '../../src/data-access/migrations.ts';
import { startWorker, type Worker } from '../../src/worker.ts';
import { type RunningCarrier, startCarrier } from '../carrier.ts';
import { sampleEvent } from '../sample-event.ts';

const lab = openLab();
const e = lab.settings.values;
const labPort = (name: string) => lab.settings.port(name);
const url = (port: string) => `postgres://${e.APP_DB_USER}:${e.APP_DB_PASSWORD}@127.0.0.1:${labPort(port)}/${e.APP_DB_NAME}`;
const run = `ftest-${randomUUID().slice(0, 8)}`;
const groupId = `fulfilment-${run}`;
const dlqGroupId = `fulfilment-dlq-${run}`;
const ORDERS_TOPIC = `${run}.orders`;
const ORDERS_DLQ_TOPIC = `${run}.orders.dlq`;
const hostKafka = new Kafka({ clientId: run, brokers: [`127.0.0.1:${labPort('KAFKA_PORT')}`], logLevel: logLevel.NOTHING, retry: { retries: 8 } });

let pools: PgPools;
let worker: Worker;
let server: Server;
let base: string;
let producer: Producer;
let createdOrdersTable = false;
const orderIds: string[] = [];

/** Starts a group at the log end, so it sees only what this run publishes. */
async function startGroupAtEnd(group: string, topic: string) {
  const admin = hostKafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId: group, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
}

async function placedOrder(): Promise<string> {
  const id = randomUUID();
  orderIds.push(id);
  await pools.rw.query(`INSERT INTO orders (id, email, status, total_cents, updated_at) VALUES ($1, 'ftest@example.com', 'placed', 1000, now())`, [id]);
  return id;
}
const publish = (key: string, value: string) => producer.send({ topic: ORDERS_TOPIC, acks: -1, messages: [{ key: `${run}:${key}`, value }] });
const orderStatus = async (id: string) => (await pools.rw.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [id])).rows[0]?.status;
const metric = async (name: string) => {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);
};

let carrier: RunningCarrier | undefined;

beforeAll(async () => {
  carrier = await startCarrier(); // the lab's carrier has no host port: the real one, in-process
  const config = fulfilmentConfig({
    CARRIER_URL: carrier.url,
    PG_RW_URL: url('PG_RW_PORT'),
    PG_RO_URL: url('PG_RO_PORT'),
    KAFKA_BROKERS: `127.0.0.1:${labPort('KAFKA_PORT')}`,
    FULFILMENT_GROUP_ID: groupId,
    FULFILMENT_TOPIC: ORDERS_TOPIC,
    FULFILMENT_DLQ_TOPIC: ORDERS_DLQ_TOPIC,
    FULFILMENT_SHIP_DELAY_MS: '1000',
    FULFILMENT_LAG_INTERVAL_MS: '1000',
    LOG_LEVEL: 'error',
  });
  const svc = createService('fulfilment', { logLevel: 'error' });
  pools = createPgPools('fulfilment-test', pgSettings(config), svc.logger, svc.metrics);
  // `orders` belongs to checkout; a stand-in (a subset of its columns) only when checkout has not
  // created it yet, dropped again afterwards so checkout's own migration can create the real one.
  const exists = (await pools.rw.query<{ t: string | null }>(`SELECT to_regclass('public.orders')::text AS t`)).rows[0]?.t;
  if (!exists) {
    await pools.rw.query(
      `CREATE TABLE IF NOT EXISTS orders (id uuid PRIMARY KEY, email text NOT NULL, status text NOT NULL, total_cents bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    createdOrdersTable = true;
  }
  await migrate(pools.rw, 'fulfilment', FULFILMENT_MIGRATIONS, svc.logger);
  const admin = hostKafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: ORDERS_TOPIC, numPartitions: 3 },
      { topic: ORDERS_DLQ_TOPIC, numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  await startGroupAtEnd(groupId, ORDERS_TOPIC);
  producer = hostKafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: run, connectTimeoutMs: config.KAFKA_CONNECT_TIMEOUT_MS, requestTimeoutMs: config.KAFKA_REQUEST_TIMEOUT_MS }, svc.logger);
  worker = startWorker(svc, config, pools, kafka, { filter: (m) => m.key?.toString().startsWith(`${run}:`) ?? false });
  const app = buildApp(svc, { pingDb: () => pools.rw.query('SELECT 1'), consumerJoined: () => worker.joined() });
  server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await waitFor('the consumer to join its group', () => worker.joined(), { timeoutMs: 60_000 });
});

afterAll(async () => {
  await worker?.stop();
  await carrier?.close();
  await producer?.disconnect();
  await new Promise((r) => server?.close(r));
  if (pools) {
    await pools.rw.query('DELETE FROM shipments WHERE order_id = ANY($1::uuid[])', [orderIds]);
    await pools.rw.query('DELETE FROM processed_events WHERE order_id = ANY($1::uuid[])', [orderIds]);
    await pools.rw.query('DELETE FROM orders WHERE id = ANY($1::uuid[])', [orderIds]);
    if (createdOrdersTable) await pools.rw.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM orders) THEN DROP TABLE orders; END IF; END $$`);
    await pools.close();
  }
  const admin = hostKafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId, dlqGroupId]).catch(() => {});
  await admin.deleteTopics({ topics: [ORDERS_TOPIC, ORDERS_DLQ_TOPIC] }).catch(() => {});
  await admin.disconnect();
});

describe('fulfilment against the lab', () => {
  test('ready: database reachable and consumer joined', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: { name: string; ok: boolean }[] }).checks.map((c) => c.name)).toEqual(['postgres', 'kafka-consumer']);
  });

  test('an OrderPlacedEvent confirms the order, then the shipper ships it', async () => {
    const orderId = await placedOrder();
    await publish(orderId, JSON.stringify(sampleEvent({ orderId })));
    await waitFor('order confirmed', async () => (await orderStatus(orderId)) === 'confirmed' || (await orderStatus(orderId)) === 'shipped', { timeoutMs: 30_000, intervalMs: 100 });
    await waitFor('order shipped', async () => (await orderStatus(orderId)) === 'shipped', { timeoutMs: 30_000, intervalMs: 200 });
    const { rows } = await pools.rw.query('SELECT ship_after, confirmed_at, shipped_at FROM shipments WHERE order_id = $1', [orderId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].shipped_at).not.toBeNull();
    expect(rows[0].ship_after.getTime() - rows[0].confirmed_at.getTime()).toBeGreaterThanOrEqual(999);
  });

  test('the same event three times is applied once: one shipment, two duplicates counted', async () => {
    const orderId = await placedOrder();
    const event = JSON.stringify(sampleEvent({ orderId }));
    const dupBefore = await metric('fulfilment_events_duplicates_total');
    for (let i = 0; i < 3; i++) await publish(orderId, event); // same key → same partition, in order
    await waitFor('two duplicates counted', async () => (await metric('fulfilment_events_duplicates_total')) - dupBefore >= 2, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await metric('fulfilment_events_duplicates_total')) - dupBefore).toBe(2);
    expect((await pools.rw.query('SELECT 1 FROM shipments WHERE order_id = $1', [orderId])).rowCount).toBe(1);
    expect((await pools.rw.query('SELECT outcome FROM processed_events WHERE order_id = $1', [orderId])).rows).toEqual([{ outcome: 'confirm' }]);
  });

  test('garbage lands on orders.dlq with its source position, and the next valid event is still processed', async () => {
    await startGroupAtEnd(dlqGroupId, ORDERS_DLQ_TOPIC);
    const dlq = hostKafka.consumer({ groupId: dlqGroupId });
    const seen: { value: string; headers: Record<string, string> }[] = [];
    await dlq.connect();
    try {
      await dlq.subscribe({ topic: ORDERS_DLQ_TOPIC });
      await dlq.run({
        eachMessage: async ({ message }) => {
          if (!message.key?.toString().startsWith(`${run}:`)) return;
          seen.push({ value: message.value?.toString() ?? '', headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
        },
      });
      const orderId = await placedOrder();
      const deadBefore = await metric('fulfilment_events_dead_lettered_total');
      await publish(orderId, '{"this is": not json');
      await publish(orderId, JSON.stringify({ ...sampleEvent({ orderId }), lines: [] }));
      await publish(orderId, JSON.stringify(sampleEvent({ orderId })));
      await waitFor('the valid event after the garbage confirmed its order', async () => (await orderStatus(orderId)) !== 'placed', { timeoutMs: 30_000, intervalMs: 100 });
      await waitFor('both bad messages on the DLQ', () => seen.length >= 2, { timeoutMs: 30_000, intervalMs: 200 });
      expect(seen.map((s) => s.value)).toEqual(['{"this is": not json', expect.stringContaining('"lines":[]')]);
      expect(seen[0]!.headers).toMatchObject({ 'dlq-reason': 'unparseable', 'dlq-source-topic': ORDERS_TOPIC });
      expect(seen[0]!.headers['dlq-source-partition']).toMatch(/^[0-2]$/);
      expect(seen[0]!.headers['dlq-source-offset']).toMatch(/^\d+$/);
      expect(seen[1]!.headers).toMatchObject({ 'dlq-reason': 'invalid' });
      expect(seen[1]!.headers['dlq-error']).toContain('lines');
      expect((await metric('fulfilment_events_dead_lettered_total')) - deadBefore).toBe(2);
    } finally {
      await dlq.disconnect();
    }
  });

  test('offsets are committed and consumer lag is exported per partition', async () => {
    await waitFor(
      'lag gauge for 3 partitions',
      async () => {
        const text = await (await fetch(`${base}/metrics`)).text();
        return [...text.matchAll(/^kafka_consumer_lag\{[^}]*\} \d+/gm)].filter((m) => m[0].includes(`topic="${ORDERS_TOPIC}"`)).length === 3;
      },
      { timeoutMs: 15_000 },
    );
    const admin = hostKafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [ORDERS_TOPIC] });
      expect(committed!.partitions.every((p) => Number(p.offset) >= 0)).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });
});
