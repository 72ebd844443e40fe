import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { waitFor } from '@surge-lab/lab';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, test } from 'vitest';
import { compose, labPort, pgQuery } from './lab.ts';
import { cartWith, checkout, setStock } from './shop.ts';

/** The event ids on `orders` for each of `orderIds` (its key), one entry per message, read from the beginning. */
async function eventsPerOrder(orderIds: string[]): Promise<Map<string, string[]>> {
  const kafka = new Kafka({ clientId: 'outbox-test', brokers: [`127.0.0.1:${labPort('KAFKA_PORT')}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(ORDERS_TOPIC);
  await admin.disconnect();
  const wanted = new Set(orderIds);
  const counts = new Map<string, string[]>();
  const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  const consumer = kafka.consumer({ groupId: `outbox-test-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
  const done = new Set<number>([...remaining].filter(([, high]) => high === 0).map(([p]) => p));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const key = message.key?.toString() ?? '';
      if (wanted.has(key)) counts.set(key, [...(counts.get(key) ?? []), message.headers?.['event-id']?.toString() ?? '']);
      if (Number(message.offset) + 1 >= remaining.get(partition)!) done.add(partition);
    },
  });
  await waitFor('the orders topic read to its end', () => done.size === remaining.size, { timeoutMs: 60_000, intervalMs: 200 });
  await consumer.disconnect();
  return counts;
}

describe('the outbox through a Kafka outage', () => {
  afterAll(async () => {
    await compose(['up', '-d', '--wait', 'kafka']);
  });

  test('Kafka stopped: 100 checkouts succeed; Kafka back: every order’s event published (at least once, one event id), every order fulfilled exactly once', async () => {
    await setStock('p-04930', 1_000);
    const carts = await Promise.all(Array.from({ length: 100 }, () => cartWith({ 'p-04930': 1 })));
    await compose(['stop', 'kafka']);

    const placed = [];
    for (let i = 0; i < 100; i += 10) placed.push(...(await Promise.all(carts.slice(i, i + 10).map((c) => checkout(c)))));
    expect(placed.map((p) => p.status).filter((s) => s !== 201 && s !== 202)).toEqual([]);
    const ids = placed.map((p) => p.body.id as string);

    // While Kafka is down the events wait in the outbox.
    const [held] = await pgQuery<{ n: number }>('PG_RW_PORT', 'SELECT count(*)::int AS n FROM outbox WHERE order_id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);
    expect(held!.n).toBeGreaterThan(0);

    await compose(['start', 'kafka']);
    await compose(['up', '-d', '--wait', 'kafka']);
    const t0 = Date.now();
    await waitFor(
      'all 100 orders shipped',
      async () => {
        const [r] = await pgQuery<{ n: number }>('PG_RW_PORT', "SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'shipped'", [ids]);
        return r!.n === 100;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    console.log(`[outbox] 100 orders shipped ${((Date.now() - t0) / 1000).toFixed(1)} s after Kafka was healthy again`);

    const [outbox] = await pgQuery<{ published: number }>('PG_RW_PORT', 'SELECT count(*)::int AS published FROM outbox WHERE order_id = ANY($1::uuid[]) AND published_at IS NOT NULL', [ids]);
    expect(outbox!.published).toBe(100);
    const [applied] = await pgQuery<{ events: number; orders: number }>(
      'PG_RW_PORT',
      'SELECT count(*)::int AS events, count(DISTINCT order_id)::int AS orders FROM processed_events WHERE order_id = ANY($1::uuid[])',
      [ids],
    );
    expect(applied).toEqual({ events: 100, orders: 100 });
    const [shipped] = await pgQuery<{ n: number }>('PG_RW_PORT', 'SELECT count(*)::int AS n FROM shipments WHERE order_id = ANY($1::uuid[]) AND shipped_at IS NOT NULL', [ids]);
    expect(shipped!.n).toBe(100);
    // The relay publishes at least once (a batch whose answer was lost is sent again, and two
    // replicas may both send rows they each failed to send): every order's event is on the topic,
    // every copy carries the order's one event id, and fulfilment applied each order once (above).
    const perOrder = await eventsPerOrder(ids);
    expect(perOrder.size).toBe(100);
    expect([...perOrder.values()].filter((events) => new Set(events).size !== 1 || events[0] === '')).toEqual([]);
    const redelivered = [...perOrder.values()].filter((events) => events.length > 1).length;
    console.log(`[outbox] ${redelivered} of 100 events were delivered more than once (same event id), each applied once`);
  });
});
