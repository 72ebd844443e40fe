import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import kafkajs from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { createLogger, createPublisher, needsNewProducer } from '../../src/index.ts';

const { KafkaJSProtocolError, KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError } = kafkajs as unknown as {
  KafkaJSProtocolError: new (e: { message: string; type: string; code: number; retriable: boolean }) => Error;
  KafkaJSNumberOfRetriesExceeded: new (cause: Error, meta: { retryCount: number; retryTime: number }) => Error;
  KafkaJSConnectionError: new (message: string) => Error;
};
const protocol = (type: string) => new KafkaJSProtocolError({ message: type.toLowerCase(), type, code: 45, retriable: false });

// Regression: after the broker restarted mid-send, the relay failed with "out of order sequence
// number" forever and 481 order events stayed in the outbox (kafka-outage experiment).
describe('needsNewProducer', () => {
  test('a lost sequence state (out of order sequence, unknown producer id, fenced epoch) needs a new producer, also when wrapped by retries', () => {
    for (const type of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']) {
      expect(needsNewProducer(protocol(type)), type).toBe(true);
      expect(needsNewProducer(new KafkaJSNumberOfRetriesExceeded(protocol(type), { retryCount: 3, retryTime: 500 })), `${type} after retries`).toBe(true);
    }
  });

  test('a broker that is down or a timeout keeps the producer (it reconnects by itself)', () => {
    expect(needsNewProducer(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(needsNewProducer(protocol('REQUEST_TIMED_OUT'))).toBe(false);
    expect(needsNewProducer(new Error('anything else'))).toBe(false);
    expect(needsNewProducer(undefined)).toBe(false);
  });
});

// The kit is the lab's one Kafka module (its header lists kafkajs's defects); lab tooling and
// tests may use kafkajs as a client, the services' code may not.
test('in the services, only the kit\'s Kafka module imports kafkajs', () => {
  const services = join(import.meta.dirname, '../../..');
  const importers = readdirSync(services, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f.split('/').includes('src') && !f.split('/').includes('node_modules'))
    .filter((f) => /from\s+['"]kafkajs['"]|import\(\s*['"]kafkajs['"]\s*\)|require\(\s*['"]kafkajs['"]\s*\)/.test(readFileSync(join(services, f), 'utf8')));
  expect(importers).toEqual(['kit/src/clients/kafka.ts']);
});

// Regression (kit integration test): a send that timed out may still be written, and kafkajs
// reuses its sequence numbers for the next batch, which the broker then drops as a duplicate.
describe('createPublisher', () => {
  function fakeKafka(failures: number) {
    const producers: { id: number; sends: number; disconnected: boolean }[] = [];
    const kafka = {
      producer: () => {
        const rec = { id: producers.length, sends: 0, disconnected: false };
        producers.push(rec);
        return {
          events: { DISCONNECT: 'producer.disconnect' },
          on: () => () => {},
          connect: async () => {},
          disconnect: async () => { rec.disconnected = true; },
          send: async () => { rec.sends++; if (failures-- > 0) throw new KafkaJSConnectionError('Request Produce(key: 0, version: 7) timed out'); return []; },
        };
      },
    } as unknown as Kafka;
    return { kafka, producers };
  }

  test('any failed send replaces the producer, so the next batch never reuses its sequence numbers', async () => {
    const { kafka, producers } = fakeKafka(1);
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    await expect(publisher.send(ORDERS_TOPIC, [{ value: 'a' }])).rejects.toThrow('timed out');
    await publisher.send(ORDERS_TOPIC, [{ value: 'b' }]);
    expect(producers.map((p) => ({ sends: p.sends, disconnected: p.disconnected }))).toEqual([{ sends: 1, disconnected: true }, { sends: 1, disconnected: false }]);
  });

  test('successful sends keep one producer', async () => {
    const { kafka, producers } = fakeKafka(0);
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    for (let i = 0; i < 3; i++) await publisher.send(ORDERS_TOPIC, [{ value: String(i) }]);
    expect(producers).toHaveLength(1);
  });
});
