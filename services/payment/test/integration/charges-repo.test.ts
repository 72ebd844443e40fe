// payment's charges on a real Postgres (the lab's image, no Patroni). Checkout charges with one
// Idempotency-Key per order (`order-<id>`): however often it retries, the order is charged once.
import { randomUUID } from 'node:crypto';
import { createMetrics, DependencyError, migrate, type PgPools } from '@surge-lab/kit';
import { DEAD_PG_URL, pgPools, type RunningPostgres, silentLogger, startPostgres, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Charge, type ChargesRepo, chargesRepo } from '../../src/data-access/charges-repo.ts';
import { PAYMENT_MIGRATIONS } from '../../src/data-access/migrations.ts';
import { type ChargeRequest, fingerprint, isReplay } from '../../src/domain/charge.ts';

let pg: RunningPostgres | undefined;
let pools: PgPools;
let repo: ChargesRepo;

beforeAll(async () => {
  pg = await startPostgres();
  pools = pgPools(pg.url, 'payment-it');
  repo = chargesRepo(pools.rw, createMetrics('payment-it'), 2_000);
});
afterAll(async () => {
  await pools?.close();
  await stopAll(pg);
});

/** What payment's POST /charges stores for a request: a fresh charge id every time. */
const chargeFor = (req: ChargeRequest): Omit<Charge, 'createdAt'> => ({
  chargeId: randomUUID(),
  idempotencyKey: `order-${req.orderId}`,
  orderId: req.orderId,
  amountCents: req.amountCents,
  status: 'captured',
  fingerprint: fingerprint(req),
});
const request = (over: Partial<ChargeRequest> = {}): ChargeRequest => ({ orderId: randomUUID(), amountCents: 4_250, email: 'shopper@example.com', ...over });
const rowsForOrder = async (orderId: string) => (await pools.rw.query<{ charge_id: string }>('SELECT charge_id FROM payment_charges WHERE order_id = $1', [orderId])).rows;

describe('payment migrations', () => {
  test('apply once', async () => {
    expect(await migrate(pools.rw, 'payment', PAYMENT_MIGRATIONS, silentLogger)).toBe(1);
    expect(await migrate(pools.rw, 'payment', PAYMENT_MIGRATIONS, silentLogger)).toBe(0);
  });
});

describe('charges repo', () => {
  test('a charge is stored and found again by its key and by its id', async () => {
    const c = chargeFor(request());
    const stored = await repo.insert(c);
    expect(stored).toEqual({ ...c, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(await repo.byKey(c.idempotencyKey)).toEqual(stored);
    expect(await repo.byId(c.chargeId)).toEqual(stored);
    expect(await repo.byKey(`order-${randomUUID()}`)).toBeNull();
    expect(await repo.byId(randomUUID())).toBeNull();
  });

  test('charging the same order again returns the first charge and stores nothing new', async () => {
    const req = request();
    const first = await repo.insert(chargeFor(req));
    const retry = await repo.insert(chargeFor(req));
    expect(retry).toEqual(first);
    expect(await rowsForOrder(req.orderId)).toEqual([{ charge_id: first.chargeId }]);
  });

  test('20 concurrent charges of one order make one charge, and every caller gets it', async () => {
    const req = request();
    const results = await Promise.all(Array.from({ length: 20 }, () => repo.insert(chargeFor(req))));
    expect(new Set(results.map((r) => r.chargeId)).size).toBe(1);
    expect(await rowsForOrder(req.orderId)).toHaveLength(1);
  });

  test('another request under a used key gets the stored charge, whose fingerprint tells it is not a replay', async () => {
    const req = request();
    const first = await repo.insert(chargeFor(req));
    const changed = { ...req, amountCents: 1 };
    const stored = await repo.insert(chargeFor(changed));
    expect(stored).toEqual(first);
    expect(isReplay(stored.fingerprint, req)).toBe(true);
    expect(isReplay(stored.fingerprint, changed)).toBe(false);
    expect(await rowsForOrder(req.orderId)).toHaveLength(1);
  });

  test('with the database down, a charge fails as a dependency error instead of hanging', async () => {
    const down = pgPools(DEAD_PG_URL, 'payment-it-down');
    try {
      const started = Date.now();
      await expect(chargesRepo(down.rw, createMetrics('payment-it-down'), 500).insert(chargeFor(request()))).rejects.toBeInstanceOf(DependencyError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await down.close();
    }
  });
});
