import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { createLogger, createMetrics } from '@surge-lab/kit';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, test, vi } from 'vitest';
import { fulfilmentConfig } from '../../src/config.ts';
import { type DeadLetter, orderMessageHandler } from '../../src/workers/handler.ts';
import { startShipper } from '../../src/workers/loops.ts';
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
  test('defaults: group fulfilment, ship delay 3 s, shipper every 500 ms (up to 10 s idle), lag every 5 s, region a', () => {
    const c = fulfilmentConfig({ PG_RW_URL: 'postgres://a@h/db', PG_RO_URL: 'postgres://a@h/db', KAFKA_BROKERS: 'k1:9092, k2:9092', CARRIER_URL: 'http://toxiproxy:18091' });
    expect(c).toMatchObject({
      FULFILMENT_GROUP_ID: 'fulfilment',
      FULFILMENT_SHIP_DELAY_MS: 3_000,
      FULFILMENT_SHIP_INTERVAL_MS: 500,
      FULFILMENT_SHIP_IDLE_MAX_MS: 10_000,
      FULFILMENT_LAG_INTERVAL_MS: 5_000,
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      FULFILMENT_FROM_BEGINNING: true,
      LAB_REGION: 'a',
      CARRIER_TIMEOUT_MS: 2_000,
    });
    expect(() => fulfilmentConfig({ PG_RW_URL: 'postgres://a@h/db', PG_RO_URL: 'postgres://a@h/db', KAFKA_BROKERS: 'k:9092' })).toThrow(/CARRIER_URL/);
  });
  test('idle, the shipper polls less and less often; a confirmed order wakes it when it falls due', async () => {
    const calls: number[] = [];
    let due = 0;
    const t0 = Date.now();
    const shipper = startShipper({
      intervalMs: 20,
      idleMaxMs: 400,
      shipDelayMs: 150,
      batch: 50,
      shipDue: async () => {
        calls.push(Date.now() - t0);
        const n = due > 0 && Date.now() >= due ? 1 : 0;
        if (n) due = 0;
        return n;
      },
      logger: createLogger('fulfilment', 'silent'),
      metrics: createMetrics('fulfilment'),
    });
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      // 20, 40, 80, 160, 320, 400 ms apart: 6 polls in the idle second, where a fixed 20 ms would make 50.
      expect(calls.length).toBeGreaterThanOrEqual(4);
      expect(calls.length).toBeLessThanOrEqual(7);
      const confirmedAt = Date.now();
      due = confirmedAt + 150;
      shipper.confirmed();
      await new Promise((r) => setTimeout(r, 300));
      const shipped = calls.map((c) => c + t0).find((at) => at >= confirmedAt + 150);
      expect(shipped).toBeDefined();
      // Woken at its due time, not at the next idle poll (up to 400 ms later).
      expect(shipped! - (confirmedAt + 150)).toBeLessThan(100);
      expect(due).toBe(0);
    } finally {
      await shipper.stop();
    }
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.length).toBe(after);
  });
});
