// The state an audit compares against, taken before a run: every product's stock, the end of
// the orders topic in each running region's broker, and the database clock (of the primary region). Stock that a scenario sets during the run (the
// flash sale's hot products) is recorded as an override with the time it was set.
import { readFileSync, writeFileSync } from 'node:fs';
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { type Lab, primaryRegion, type RegionName, runningRegions, waitFor } from '@surge-lab/lab';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export interface Baseline {
  /** Database time when the stock was read: orders created from then on are the run's. */
  takenAt: string;
  stock: Record<string, number>;
  overrides: Record<string, { stock: number; at: string }>;
  /** Offsets of the orders topic at `takenAt`, per partition, in each region's broker that runs. */
  topicOffsets: Partial<Record<RegionName, PartitionOffset[]>>;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

// Which region is primary, asked at most every 5 s (a monitor records 100 stock overrides at its
// start): a failover takes longer than that to promote the other region.
const primaryOf = new WeakMap<Lab, { region: RegionName; at: number }>();
async function primaryDbRegion(lab: Lab): Promise<RegionName> {
  const known = primaryOf.get(lab);
  if (known && Date.now() - known.at < 5_000) return known.region;
  const region = (await primaryRegion(lab)) ?? 'a';
  primaryOf.set(lab, { region, at: Date.now() });
  return region;
}

/** Runs `fn` on the primary region's database (region A's when no member leads: the error says so). */
export async function withDb<T>(lab: Lab, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const region = await primaryDbRegion(lab);
  // Connecting is retried, never a query: right after a switchover a connect through the region's
  // router timed out (5 s, twice in one evening's runs) and failed an experiment before its method
  // began, while the next connect took 30 ms.
  const c = await waitFor(
    `a connection to region ${region}'s database`,
    async () => {
      const c = new pg.Client({ ...lab.endpoints.databaseOf(region), user: lab.db.user, password: lab.db.password, database: lab.db.database, connectionTimeoutMillis: 5_000, query_timeout: 60_000 });
      c.on('error', () => {});
      await c.connect().catch(async (err: Error) => {
        await c.end().catch(() => {});
        throw err;
      });
      return c;
    },
    { timeoutMs: 20_000, intervalMs: 1_000 },
  );
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

export const kafka = (lab: Lab, region: RegionName = 'a') =>
  new Kafka({ clientId: 'surge-lab-audit', brokers: [lab.endpoints.kafkaBrokerOf(region)], logLevel: logLevel.NOTHING, retry: { retries: 6 } });

/** The end of the orders topic in one region's broker (none yet: a standby region's broker before its first order). */
export async function regionTopicOffsets(lab: Lab, region: RegionName): Promise<PartitionOffset[]> {
  const admin = kafka(lab, region).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(ORDERS_TOPIC)) return [];
    return (await admin.fetchTopicOffsets(ORDERS_TOPIC)).map((p) => ({ partition: p.partition, offset: p.high }));
  } finally {
    await admin.disconnect();
  }
}

/** The end of the orders topic in every running region's broker. */
export async function topicOffsets(lab: Lab): Promise<Baseline['topicOffsets']> {
  const out: Baseline['topicOffsets'] = {};
  for (const r of await runningRegions(lab)) out[r] = await regionTopicOffsets(lab, r);
  return out;
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
