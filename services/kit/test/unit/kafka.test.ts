import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import kafkajs from 'kafkajs';
import { needsNewProducer } from '../../src/index.ts';

const { KafkaJSProtocolError, KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError } = kafkajs as unknown as { [k in "KafkaJSProtocolError" | "KafkaJSNumberOfRetriesExceeded" | "KafkaJSConnectionError"]: new (...a: any[]) => Error };
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
