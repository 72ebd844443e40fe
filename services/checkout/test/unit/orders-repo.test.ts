// The orders port's guards, against a database that is not there (a closed port): settling an order
// after its charge fails as the database's DependencyError, which the use case answers with 202
// payment_pending, never a raw driver error (a 500).
import { createServer } from 'node:net';
import { createMetrics, DependencyError } from '@surge-lab/kit';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { ordersRepo } from '../../src/data-access/orders-repo.ts';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const pool = new pg.Pool({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x', connectionTimeoutMillis: 200 });
afterAll(() => pool.end());

describe('orders port with the database away', () => {
  const repo = ordersRepo(pool, createMetrics('checkout'), { orderTxCapacity: 4 });
  test.each([
    ['markPaid', () => repo.markPaid('0b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d', 'ch_1')],
    ['cancelUnpaid', () => repo.cancelUnpaid('0b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d')],
  ])('%s fails as checkout-db-settle unavailable', async (_name, call) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyError);
    expect(err).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', dependency: 'checkout-db-settle' });
  });
});
