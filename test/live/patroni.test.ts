import { randomUUID } from 'node:crypto';
import { waitFor } from '@surge-lab/lab';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compose, lab, pgClient, pgQuery } from './lab.ts';

const { patroni } = lab;
const MEMBERS = patroni.members;
const cluster = () => patroni.cluster();
const leader = () => patroni.leader();
const waitHealthyCluster = () => patroni.waitHealthy();

/**
 * Writes a row through the read-write port every 100 ms, each on a fresh connection (as a pool
 * reconnecting would), and reports the longest time between two successful writes: the outage.
 */
function writeProbe() {
  let running = true;
  const successes: number[] = [];
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const c = pgClient('PG_RW_PORT', { connectionTimeoutMillis: 1_000, query_timeout: 1_000 });
      try {
        await c.connect();
        await c.query('INSERT INTO platform_check (id, note) VALUES ($1, $2)', [randomUUID(), 'probe']);
        successes.push(Date.now());
      } catch {
        failures++;
      } finally {
        await c.end().catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    /** Resolves once a write succeeded after `since`. */
    writableAfter: (since: number, timeoutMs = 60_000) => waitFor('a write through the read-write port', () => successes.some((t) => t > since), { timeoutMs, intervalMs: 100 }),
    async stop() {
      running = false;
      await loop;
      let maxGap = 0;
      for (let i = 1; i < successes.length; i++) maxGap = Math.max(maxGap, successes[i]! - successes[i - 1]!);
      return { outageSeconds: maxGap / 1000, failures, successes: successes.length };
    },
  };
}

describe('Postgres under Patroni', () => {
  beforeAll(async () => {
    await waitHealthyCluster();
    await pgQuery('PG_RW_PORT', 'CREATE TABLE IF NOT EXISTS platform_check (id uuid PRIMARY KEY, note text NOT NULL, at timestamptz NOT NULL DEFAULT now())');
  });

  afterAll(async () => {
    await compose(['start', ...MEMBERS]);
    await waitHealthyCluster();
  });

  test('there is exactly one leader and one streaming synchronous standby', async () => {
    const members = await cluster();
    expect(members.filter((m) => m.role === 'leader')).toHaveLength(1);
    expect(members.filter((m) => m.role === 'sync_standby' && m.state === 'streaming')).toHaveLength(1);
  });

  test('a row written through the read-write port is read back through the read-only port, from a replica', async () => {
    const id = randomUUID();
    await pgQuery('PG_RW_PORT', 'INSERT INTO platform_check (id, note) VALUES ($1, $2)', [id, 'replicated']);
    const [{ in_recovery }] = (await pgQuery<{ in_recovery: boolean }>('PG_RO_PORT', 'SELECT pg_is_in_recovery() AS in_recovery')) as [{ in_recovery: boolean }];
    expect(in_recovery).toBe(true);
    // Synchronous commit: the standby has the WAL when the insert returns; replay follows within moments.
    const rows = await waitFor(
      'the row on the replica',
      async () => {
        const r = await pgQuery('PG_RO_PORT', 'SELECT note FROM platform_check WHERE id = $1', [id]);
        return r.length ? r : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(rows).toEqual([{ note: 'replicated' }]);
  });

  test('kill -9 of the leader: the standby is promoted, writes resume within 25 s, and the last acknowledged commit survives', async () => {
    const old = await leader();
    const lastId = randomUUID();
    await pgQuery('PG_RW_PORT', 'INSERT INTO platform_check (id, note) VALUES ($1, $2)', [lastId, 'committed just before the kill']);

    const probe = writeProbe();
    await new Promise((r) => setTimeout(r, 1_000));
    const t0 = Date.now();
    await compose(['kill', '-s', 'SIGKILL', old]);
    await probe.writableAfter(t0 + 1_000);
    const { outageSeconds, failures } = await probe.stop();
    console.log(`[patroni] kill -9 of ${old}: writes unavailable for ${outageSeconds.toFixed(1)} s (${failures} failed attempts)`);

    expect(await leader()).not.toBe(old);
    expect(outageSeconds).toBeLessThanOrEqual(25);
    expect(await pgQuery('PG_RW_PORT', 'SELECT note FROM platform_check WHERE id = $1', [lastId])).toEqual([{ note: 'committed just before the kill' }]);

    // The old leader comes back as a replica (rewound if needed) and follows the new timeline.
    const t1 = Date.now();
    await compose(['start', old]);
    await waitFor(
      `${old} streaming as a replica`,
      async () => {
        const m = (await cluster()).find((x) => x.name === old);
        return m && (m.role === 'sync_standby' || m.role === 'replica') && m.state === 'streaming';
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    console.log(`[patroni] ${old} rejoined as a replica ${((Date.now() - t1) / 1000).toFixed(1)} s after restart`);
    await waitHealthyCluster();
  });

  test('graceful stop of the leader: writes resume within 5 s', async () => {
    const old = await leader();
    const probe = writeProbe();
    await new Promise((r) => setTimeout(r, 1_000));
    await compose(['stop', old]);
    await probe.writableAfter(Date.now());
    const { outageSeconds, failures } = await probe.stop();
    console.log(`[patroni] graceful stop of ${old}: writes unavailable for ${outageSeconds.toFixed(1)} s (${failures} failed attempts)`);
    expect(outageSeconds).toBeLessThanOrEqual(5);
    expect(await leader()).not.toBe(old);
    await compose(['start', old]);
    await waitHealthyCluster();
  });

  test('planned switchover: writes resume within 5 s on the other member', async () => {
    const old = await leader();
    const candidate = MEMBERS.find((m) => m !== old)!;
    const probe = writeProbe();
    await new Promise((r) => setTimeout(r, 1_000));
    await patroni.switchover(old, candidate);
    await waitFor(`${candidate} leads`, async () => (await leader()) === candidate, { timeoutMs: 15_000 });
    await probe.writableAfter(Date.now());
    const { outageSeconds, failures } = await probe.stop();
    console.log(`[patroni] switchover ${old} -> ${candidate}: writes unavailable for ${outageSeconds.toFixed(1)} s (${failures} failed attempts)`);
    expect(outageSeconds).toBeLessThanOrEqual(5);
    await waitHealthyCluster();
  });
});
