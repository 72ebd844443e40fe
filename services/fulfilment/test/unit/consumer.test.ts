// The supervisor with a fake kafkajs: a failed connect and a crash kafkajs will not restart
// both lead to a fresh consumer; offsets are committed only after the handler succeeded.

import { EventEmitter } from 'node:events';
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { createLogger, createMetrics } from '@surge-lab/kit';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, test, vi } from 'vitest';
import { startOrderConsumer } from '../../src/workers/consumer.ts';

type EachMessage = (p: { topic: string; partition: number; message: KafkaMessage }) => Promise<void>;
const events = { GROUP_JOIN: 'join', REBALANCING: 'rebalancing', CRASH: 'crash' };

function fakeKafka(plan: ('fail-connect' | 'ok')[]) {
  const made: { emitter: EventEmitter; commits: unknown[]; each?: EachMessage; disconnected: boolean }[] = [];
  const kafka = {
    consumer: () => {
      const mode = plan.shift() ?? 'ok';
      const c = { emitter: new EventEmitter(), commits: [] as unknown[], each: undefined as EachMessage | undefined, disconnected: false };
      made.push(c);
      return {
        events,
        on: (e: string, fn: (ev: unknown) => void) => c.emitter.on(e, fn),
        connect: async () => {
          if (mode === 'fail-connect') throw new Error('broker unreachable');
        },
        subscribe: async () => {},
        run: async (o: { eachMessage: EachMessage }) => {
          c.each = o.eachMessage;
          c.emitter.emit(events.GROUP_JOIN, {});
        },
        commitOffsets: async (offsets: unknown[]) => {
          c.commits.push(...offsets);
        },
        disconnect: async () => {
          c.disconnected = true;
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, made };
}

const message = (offset: string) => ({ key: null, value: Buffer.from('x'), offset, timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
const opts = (kafka: Kafka, handle: (m: unknown) => Promise<unknown>) => ({
  kafka,
  topic: ORDERS_TOPIC,
  groupId: 'g',
  fromBeginning: true,
  handle,
  logger: createLogger('t', 'silent'),
  metrics: createMetrics('t'),
});

describe('consumer supervisor', () => {
  test('a failed connect is retried with a fresh consumer until it joins', async () => {
    const { kafka, made } = fakeKafka(['fail-connect', 'ok']);
    const h = startOrderConsumer(opts(kafka, async () => {}));
    await vi.waitFor(() => expect(h.joined()).toBe(true), { timeout: 5_000, interval: 20 });
    expect(made).toHaveLength(2);
    expect(made[0]!.disconnected).toBe(true);
    await h.stop();
  });

  test('a crash kafkajs will not restart relaunches; a restartable one is left to kafkajs', async () => {
    const { kafka, made } = fakeKafka(['ok', 'ok']);
    const h = startOrderConsumer(opts(kafka, async () => {}));
    await vi.waitFor(() => expect(h.joined()).toBe(true), { timeout: 2_000, interval: 10 });
    made[0]!.emitter.emit(events.CRASH, { payload: { error: new Error('retriable'), restart: true } });
    expect(h.joined()).toBe(false);
    await new Promise((r) => setTimeout(r, 700));
    expect(made).toHaveLength(1);
    made[0]!.emitter.emit(events.CRASH, { payload: { error: new Error('fatal'), restart: false } });
    await vi.waitFor(() => expect(made.length === 2 && h.joined()).toBe(true), { timeout: 5_000, interval: 20 });
    await h.stop();
  });

  test('offset committed (offset + 1) only after the handler resolved', async () => {
    const { kafka, made } = fakeKafka(['ok']);
    const handle = vi.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValue('confirm');
    const h = startOrderConsumer(opts(kafka, handle));
    await vi.waitFor(() => expect(h.joined()).toBe(true), { timeout: 2_000, interval: 10 });
    const each = made[0]!.each!;
    await expect(each({ topic: ORDERS_TOPIC, partition: 1, message: message('41') })).rejects.toThrow('db down');
    expect(made[0]!.commits).toEqual([]);
    await each({ topic: ORDERS_TOPIC, partition: 1, message: message('41') });
    expect(made[0]!.commits).toEqual([{ topic: ORDERS_TOPIC, partition: 1, offset: '42' }]);
    await h.stop();
  });
});
