import { randomUUID } from 'node:crypto';
import { ORDERS_DLQ_TOPIC, ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { waitFor } from '@surge-lab/lab';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { labPort } from './lab.ts';

// Host clients reach the broker through Toxiproxy's kafka-host proxy (the broker advertises it).
const kafka = () => new Kafka({ clientId: 'surge-lab-test', brokers: [`127.0.0.1:${labPort('KAFKA_PORT')}`], logLevel: logLevel.NOTHING, retry: { retries: 8 } });

describe('Kafka (KRaft) through the Toxiproxy link, with kafkajs', () => {
  test('topics exist with their partition counts', async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [ORDERS_TOPIC, ORDERS_DLQ_TOPIC] });
      const partitions = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [ORDERS_TOPIC]: 3, [ORDERS_DLQ_TOPIC]: 1 });
    } finally {
      await admin.disconnect();
    }
  });

  test('an idempotent producer (acks=all) and a consumer group round-trip 100 events across all partitions', async () => {
    const k = kafka();
    const runId = randomUUID();
    // A topic of this run, so the shop's consumers never see these events.
    const topic = `lab-test-${runId}`;
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = k.consumer({ groupId: `test-${runId}` });
    await producer.connect();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen = new Map<string, number>();
      const partitions = new Set<number>();
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const body = JSON.parse(message.value!.toString()) as { runId: string; seq: number };
          if (body.runId !== runId) return;
          seen.set(String(body.seq), (seen.get(String(body.seq)) ?? 0) + 1);
          partitions.add(partition);
        },
      });
      const messages = Array.from({ length: 100 }, (_, seq) => ({ key: `order-${seq}`, value: JSON.stringify({ runId, seq }) }));
      const acks = await producer.send({ topic, acks: -1, messages });
      expect(acks.every((a) => a.errorCode === 0)).toBe(true);

      await waitFor('all 100 events consumed', () => seen.size === 100, { timeoutMs: 60_000, intervalMs: 200 });
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect([...partitions].sort()).toEqual([0, 1, 2]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });
});
