import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { createLogger, createMetrics } from '@surge-lab/kit';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, test, vi } from 'vitest';
import { fulfilmentConfig } from '../../src/config.ts';
import { type DeadLetter, orderMessageHandler } from '../../src/workers/handler.ts';
import { every } from '../../src/workers/loops.ts';
import { sampleEvent } from '../sample-event.ts';

const msg = (value: string | null, offset = '7'): KafkaMessage =>
  ({ key: Buffer.from('k'), value: value === null ? null : Buffer.from(value), offset, timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

function setup(outcomes: ('confirm' | 'duplicate')[] = []) {
  const metrics = createMetrics('fulfilment');
  const letters: DeadLetter[] = [];
  const apply = vi.fn(async () => outcomes.shift() ?? 'confirm');
  const handle = orderMessageHandler({
    apply,
    deadLetter: async (d) => {
      letters.push(d);
    },
    logger: createLogger('fulfilment', 'silent'),
    metrics,
  });
  const value = async (name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);
  return { handle, apply, letters, value };
}

describe('orderMessageHandler', () => {
  test('a valid event is applied; a redelivery counts as a duplicate', async () => {
    const t = setup(['confirm', 'duplicate', 'duplicate']);
    const m = msg(JSON.stringify(sampleEvent()));
    for (let i = 0; i < 3; i++) await t.handle({ topic: ORDERS_TOPIC, partition: 1, message: m });
    expect(t.apply).toHaveBeenCalledTimes(3);
    expect(await t.value('fulfilment_events_processed_total')).toBe(1);
    expect(await t.value('fulfilment_events_duplicates_total')).toBe(2);
    expect(t.letters).toEqual([]);
  });
  test('garbage goes to the DLQ with its value, error and source position; nothing applied', async () => {
    const t = setup();
    expect(await t.handle({ topic: ORDERS_TOPIC, partition: 2, message: msg('not json', '42') })).toBe('dead_lettered');
    expect(await t.handle({ topic: ORDERS_TOPIC, partition: 0, message: msg('{"type":"order.placed"}', '43') })).toBe('dead_lettered');
    expect(t.apply).not.toHaveBeenCalled();
    expect(t.letters[0]!.value!.toString()).toBe('not json');
    expect(t.letters[0]!.headers).toMatchObject({ 'dlq-reason': 'unparseable', 'dlq-source-topic': ORDERS_TOPIC, 'dlq-source-partition': '2', 'dlq-source-offset': '42' });
    expect(t.letters[1]!.headers['dlq-reason']).toBe('invalid');
    expect(t.letters[1]!.headers['dlq-error']).toContain('eventId');
    expect(await t.value('fulfilment_events_dead_lettered_total')).toBe(2);
  });
  test('a failing DLQ produce propagates (the offset is then not committed)', async () => {
    const metrics = createMetrics('fulfilment');
    const handle = orderMessageHandler({
      apply: async () => 'confirm',
      deadLetter: async () => {
        throw new Error('kafka down');
      },
      logger: createLogger('fulfilment', 'silent'),
      metrics,
    });
    await expect(handle({ topic: ORDERS_TOPIC, partition: 0, message: msg('x') })).rejects.toThrow('kafka down');
  });
});

describe('config and loops', () => {
  test('defaults: group fulfilment, ship delay 3 s, shipper every 500 ms, lag every 5 s', () => {
    const c = fulfilmentConfig({ PG_RW_URL: 'postgres://a@h/db', PG_RO_URL: 'postgres://a@h/db', KAFKA_BROKERS: 'k1:9092, k2:9092' });
    expect(c).toMatchObject({
      FULFILMENT_GROUP_ID: 'fulfilment',
      FULFILMENT_SHIP_DELAY_MS: 3_000,
      FULFILMENT_SHIP_INTERVAL_MS: 500,
      FULFILMENT_LAG_INTERVAL_MS: 5_000,
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      FULFILMENT_FROM_BEGINNING: true,
    });
  });
  test('a loop never overlaps itself and stop waits for the running tick', async () => {
    let active = 0,
      maxActive = 0,
      ticks = 0;
    const loop = every(
      5,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 30));
        ticks++;
        active--;
      },
      () => {},
    );
    await new Promise((r) => setTimeout(r, 100));
    await loop.stop();
    const after = ticks;
    await new Promise((r) => setTimeout(r, 50));
    expect(maxActive).toBe(1);
    expect(ticks).toBe(after);
    expect(active).toBe(0);
  });
});
