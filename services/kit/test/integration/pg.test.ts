// The kit's Postgres pools against the lab's Postgres image (testcontainers): a connection the
// server ends while its client is checked out (a failover mid-transaction) must not end the process.
import type { PgPools } from '@surge-lab/kit';
import { waitFor } from '@surge-lab/lab';
import { pgPools, type RunningPostgres, startPostgres, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

let pg: RunningPostgres | undefined;
let pools: PgPools;
beforeAll(async () => {
  pg = await startPostgres();
  pools = pgPools(pg.url, 'kit-pg-it');
});
afterAll(async () => {
  await pools?.close();
  await stopAll(pg);
});

describe('kit createPgPools on a real Postgres', () => {
  test('a checked-out client whose connection the server ends fails its query; the pool goes on serving', async () => {
    const client = await pools.rw.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await client.query('BEGIN');
    // The server ends the session between two statements, as a failover does while the outbox
    // relay waits on Kafka inside its transaction. Without a listener of its own the client's
    // 'error' event is unhandled: vitest fails the file, a service exits.
    const ended = new Promise((resolve) => client.once('end', resolve));
    await pools.ro.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await ended;
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    await waitFor('the pool to drop the dead client', () => pools.rw.totalCount === 0, { timeoutMs: 2_000, intervalMs: 20 });
    const again = await pools.rw.query<{ ok: number }>('SELECT 1 AS ok');
    expect(again.rows[0]!.ok).toBe(1);
  });

  test('an idle client cut by the server is replaced without an error reaching anyone', async () => {
    const { rows } = await pools.rw.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(pools.rw.idleCount).toBe(1);
    await pools.ro.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await waitFor('the pool to drop the dead idle client', () => pools.rw.totalCount === 0, { timeoutMs: 2_000, intervalMs: 20 });
    expect((await pools.rw.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]!.ok).toBe(1);
  });
});
