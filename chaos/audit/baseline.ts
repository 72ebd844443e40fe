// The state an audit compares against, taken before a run: every product's stock, the end of
// the orders topic, and the database clock. Stock that a scenario sets during the run (the
// flash sale's hot products) is recorded as an override with the time it was set.
import { readFileSync, writeFileSync } from 'node:fs';
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import type { Lab } from '@surge-lab/lab';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export interface Baseline {
  /** Database time when the stock was read: orders created from then on are the run's. */
  takenAt: string;
  stock: Record<string, number>;
  overrides: Record<string, { stock: number; at: string }>;
  /** Offsets of the orders topic at `takenAt`, per partition. */
  topicOffsets: { partition: number; offset: string }[];
}

export async function withDb<T>(lab: Lab, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...lab.endpoints.address('pg-rw'), user: lab.db.user, password: lab.db.password, database: lab.db.database, connectionTimeoutMillis: 5_000, query_timeout: 60_000 });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

export const kafka = (lab: Lab) => new Kafka({ clientId: 'surge-lab-audit', brokers: [lab.endpoints.kafkaBroker()], logLevel: logLevel.NOTHING, retry: { retries: 6 } });

export async function topicOffsets(lab: Lab): Promise<Baseline['topicOffsets']> {
  const admin = kafka(lab).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(ORDERS_TOPIC)).map((p) => ({ partition: p.partition, offset: p.high }));
  } finally {
    await admin.disconnect();
  }
}

export async function takeBaseline(lab: Lab): Promise<Baseline> {
  const { takenAt, stock } = await withDb(lab, async (c) => {
    // One snapshot: the clock and the stock are read in the same transaction.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const [{ now }] = (await c.query<{ now: Date }>('SELECT now()')).rows as [{ now: Date }];
    const rows = (await c.query<{ id: string; stock: number }>('SELECT id, stock FROM products')).rows;
    await c.query('COMMIT');
    return { takenAt: now.toISOString(), stock: Object.fromEntries(rows.map((r) => [r.id, r.stock])) };
  });
  return { takenAt, stock, overrides: {}, topicOffsets: await topicOffsets(lab) };
}

/** Records stock set by an operator (or a scenario) after the baseline was taken. */
export async function recordOverride(lab: Lab, b: Baseline, productId: string, stock: number): Promise<void> {
  const at = await withDb(lab, async (c) => (await c.query<{ now: Date }>('SELECT now()')).rows[0]!.now.toISOString());
  b.overrides[productId] = { stock, at };
}

export const saveBaseline = (file: string, b: Baseline) => writeFileSync(file, JSON.stringify(b));
export const loadBaseline = (file: string): Baseline => JSON.parse(readFileSync(file, 'utf8')) as Baseline;
