import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import type { Kafka } from 'kafkajs';
import kafkajs from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { KafkaRequestQueue } from '../../src/clients/kafka.ts';
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
test("in the services, only the kit's Kafka module imports kafkajs", () => {
  const services = join(import.meta.dirname, '../../..');
  const importers = readdirSync(services, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f.split('/').includes('src') && !f.split('/').includes('node_modules'))
    .filter((f) => /from\s+['"]kafkajs['"]|import\(\s*['"]kafkajs['"]\s*\)|require\(\s*['"]kafkajs['"]\s*\)/.test(readFileSync(join(services, f), 'utf8')));
  expect(importers).toEqual(['kit/src/clients/kafka.ts']);
});

// Regression (kit integration test): a send that timed out may still be written, and kafkajs
// gives the next batch its sequence numbers, which the broker then drops as a duplicate. The
// publisher settles the failed batch first (the same messages again), keeping its producer id.
describe('createPublisher', () => {
  function fakeKafka(fail: (messages: { value: string }[]) => Error | undefined) {
    const producers: { sent: string[][]; disconnected: boolean }[] = [];
    const kafka = {
      producer: () => {
        const rec = { sent: [] as string[][], disconnected: false };
        producers.push(rec);
        return {
          events: { DISCONNECT: 'producer.disconnect' },
          on: () => () => {},
          connect: async () => {},
          disconnect: async () => {
            rec.disconnected = true;
          },
          send: async ({ messages }: { messages: { value: string }[] }) => {
            rec.sent.push(messages.map((m) => m.value));
            const err = fail(messages);
            if (err) throw err;
            return [];
          },
        };
      },
    } as unknown as Kafka;
    return { kafka, producers };
  }
  const timeout = () => new KafkaJSConnectionError('Request Produce(key: 0, version: 7) timed out');
  const once = (err: () => Error) => {
    let n = 0;
    return () => (n++ === 0 ? err() : undefined);
  };

  test('after a failed send, the next send first sends the failed batch again (its sequence numbers settled), then its own, on the same producer', async () => {
    const { kafka, producers } = fakeKafka(once(timeout));
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    await expect(publisher.send(ORDERS_TOPIC, [{ value: 'a' }, { value: 'b' }])).rejects.toThrow('timed out');
    await publisher.send(ORDERS_TOPIC, [{ value: 'c' }, { value: 'd' }]);
    expect(producers).toHaveLength(1);
    expect(producers[0]!.sent).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  test('what the caller sends again of a settled batch is not sent twice (the relay resends its unpublished rows, and more)', async () => {
    const { kafka, producers } = fakeKafka(once(timeout));
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    await expect(publisher.send(ORDERS_TOPIC, [{ value: 'a' }, { value: 'b' }])).rejects.toThrow('timed out');
    await publisher.send(ORDERS_TOPIC, [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    expect(producers[0]!.sent).toEqual([['a', 'b'], ['a', 'b'], ['c']]);
  });

  test('the caller resending the very batch that failed sends it once', async () => {
    const { kafka, producers } = fakeKafka(once(timeout));
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    const batch = [{ value: 'a' }];
    await expect(publisher.send(ORDERS_TOPIC, batch)).rejects.toThrow('timed out');
    await publisher.send(ORDERS_TOPIC, batch);
    expect(producers[0]!.sent).toEqual([['a'], ['a']]);
  });

  test('while the failed batch cannot be settled, no other batch is sent', async () => {
    let down = true;
    const { kafka, producers } = fakeKafka(() => (down ? timeout() : undefined));
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    await expect(publisher.send(ORDERS_TOPIC, [{ value: 'a' }])).rejects.toThrow('timed out');
    await expect(publisher.send(ORDERS_TOPIC, [{ value: 'b' }])).rejects.toThrow('timed out');
    down = false;
    await publisher.send(ORDERS_TOPIC, [{ value: 'c' }]);
    expect(producers[0]!.sent).toEqual([['a'], ['a'], ['a'], ['c']]);
  });

  test('a producer the broker no longer knows is replaced, and its unsettled batch is not resent on the new one', async () => {
    const { kafka, producers } = fakeKafka(once(() => protocol('UNKNOWN_PRODUCER_ID')));
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    await expect(publisher.send(ORDERS_TOPIC, [{ value: 'a' }])).rejects.toThrow();
    await publisher.send(ORDERS_TOPIC, [{ value: 'b' }]);
    expect(producers.map((p) => ({ sent: p.sent, disconnected: p.disconnected }))).toEqual([
      { sent: [['a']], disconnected: true },
      { sent: [['b']], disconnected: false },
    ]);
  });

  test('successful sends keep one producer', async () => {
    const { kafka, producers } = fakeKafka(() => undefined);
    const publisher = createPublisher(kafka, createLogger('test', 'silent'));
    for (let i = 0; i < 3; i++) await publisher.send(ORDERS_TOPIC, [{ value: String(i) }]);
    expect(producers).toHaveLength(1);
  });
});

// kafkajs re-armed a 1 ms timer on every idle broker connection for ever (tulios/kafkajs#1556):
// an idle checkout replica woke ~1,500 times a second after the lab had been under load.
describe("kafkajs's request queue, with the kit's fix", () => {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const queue = () => new KafkaRequestQueue({ maxInFlightRequests: 1, requestTimeout: 1_000, enforceRequestTimeout: false, clientId: 'test', broker: 'kafka:9092', logger: silent });

  test('with nothing waiting it arms no timer after a check', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  test('a request waiting behind a broker throttle is still checked when the throttle ends', () => {
    const q = queue();
    q.throttledUntil = Date.now() + 60_000;
    q.pending.push({});
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(q.throttleCheckTimeoutId!);
  });

  test('a throttle still running with nothing waiting keeps its one check at its end', () => {
    const q = queue();
    q.throttledUntil = Date.now() + 60_000;
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(q.throttleCheckTimeoutId!);
  });
});
