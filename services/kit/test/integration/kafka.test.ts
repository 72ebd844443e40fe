// The kit's Kafka client and publisher against the lab's Kafka image (single-node KRaft, topics
// orders:3 and orders.dlq:1, auto-creation off), advertised on its random host port.
import { randomUUID } from 'node:crypto';
import { ORDERS_DLQ_TOPIC, ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { createKafka, createPublisher, type Publisher } from '@surge-lab/kit';
import { waitFor } from '@surge-lab/lab';
import { pause, type RunningKafka, silentLogger, startKafka, stopAll } from '@surge-lab/tests/integration';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

let kafka: RunningKafka | undefined;
let client: Kafka;
const publishers: Publisher[] = [];

beforeAll(async () => {
  kafka = await startKafka();
  client = createKafka({ brokers: kafka.brokers, clientId: 'kit-it', connectTimeoutMs: 2_000, requestTimeoutMs: 3_000 }, silentLogger);
});
afterAll(async () => {
  await Promise.allSettled(publishers.map((p) => p.close()));
  await stopAll(kafka);
});
const publisher = (on: Kafka = client) => {
  const p = createPublisher(on, silentLogger);
  publishers.push(p);
  return p;
};

type Got = { key: string; value: string; partition: number }[];
/** Reads `topic` from the beginning with a new group until `count` messages of this run arrived (or `done` says so). */
async function consume(topic: string, run: string, count: number, done = (got: Got) => got.length >= count) {
  const got: Got = [];
  // A short fetch wait: disconnecting waits for the fetch in flight (default 5 s).
  const consumer = client.consumer({ groupId: `kit-it-${randomUUID()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString() ?? '';
        if (key.startsWith(run)) got.push({ key, value: message.value?.toString() ?? '', partition });
      },
    });
    await waitFor(`${count} messages on ${topic}`, () => done(got), { timeoutMs: 20_000, intervalMs: 100 });
    await new Promise((r) => setTimeout(r, 300)); // would a duplicate follow?
    return got;
  } finally {
    await consumer.disconnect();
  }
}

describe('kit Kafka publisher on a real broker', () => {
  test("the image creates the lab's topics", async () => {
    const admin = client.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [ORDERS_TOPIC, ORDERS_DLQ_TOPIC] });
      expect(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]))).toEqual({ [ORDERS_TOPIC]: 3, [ORDERS_DLQ_TOPIC]: 1 });
    } finally {
      await admin.disconnect();
    }
  });

  test('300 messages over 30 keys arrive exactly once, each key on one partition and in order', async () => {
    const run = `r${randomUUID().slice(0, 8)}`;
    const p = publisher();
    for (let batch = 0; batch < 10; batch++) {
      await p.send(
        ORDERS_TOPIC,
        Array.from({ length: 30 }, (_, k) => ({ key: `${run}-${k}`, value: String(batch) })),
      );
    }
    const got = await consume(ORDERS_TOPIC, run, 300);
    expect(got).toHaveLength(300);
    const byKey = new Map<string, typeof got>();
    for (const m of got) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    expect(byKey.size).toBe(30);
    for (const msgs of byKey.values()) {
      expect(msgs.map((m) => m.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(new Set(msgs.map((m) => m.partition)).size).toBe(1);
    }
    expect(new Set(got.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
  });

  test('a send to a topic that does not exist fails, and no topic is created', async () => {
    await expect(publisher().send('no-such-topic', [{ value: 'x' }])).rejects.toThrow();
    const admin = client.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain('no-such-topic');
    } finally {
      await admin.disconnect();
    }
  });

  // Regression: kafkajs rolls a partition's sequence number back when a produce request fails,
  // yet a request that timed out may still be written once the broker answers again. The next
  // batch on that partition then reused its sequence numbers and the broker acknowledged it as a
  // duplicate without writing it: the send succeeded and the message was lost.
  test('while the broker does not answer a send fails; once it is back the same publisher delivers again, nothing lost', async () => {
    const key = `r${randomUUID().slice(0, 8)}`; // one key: one partition, one sequence
    // Short request timeouts, so the failing send gives up within seconds (the kit retries 3 times).
    const p = publisher(createKafka({ brokers: kafka!.brokers, clientId: 'kit-it-pause', connectTimeoutMs: 1_000, requestTimeoutMs: 1_000 }, silentLogger));
    await p.send(ORDERS_TOPIC, [{ key, value: 'before' }]);
    const resume = await pause(kafka!);
    try {
      await expect(p.send(ORDERS_TOPIC, [{ key, value: 'during' }], 2_000)).rejects.toThrow();
    } finally {
      await resume();
    }
    await waitFor('a send after the broker came back', () => p.send(ORDERS_TOPIC, [{ key, value: 'after' }]).then(() => true), { timeoutMs: 60_000, intervalMs: 500 });
    const got = (await consume(ORDERS_TOPIC, key, 2, (g) => g.some((m) => m.value === 'after'))).map((m) => m.value);
    // The failed send may or may not have been written: at most once, and before 'after'.
    expect(got.filter((v) => v !== 'during')).toEqual(['before', 'after']);
    expect(got.filter((v) => v === 'during').length).toBeLessThanOrEqual(1);
  });
});
