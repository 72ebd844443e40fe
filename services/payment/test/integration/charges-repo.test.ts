// payment's ledger (SQLite in a file) as its two replicas use it: two connections to one file.
// Checkout charges with one Idempotency-Key per order (`order-<id>`): however often it retries,
// and whichever replica it reaches, the order is charged once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Charge, type ChargesRepo, chargesRepo } from '../../src/data-access/charges-repo.ts';
import { type ChargeRequest, fingerprint, isReplay } from '../../src/domain/charge.ts';

const dir = mkdtempSync(join(tmpdir(), 'payment-ledger-'));
const file = join(dir, 'charges.db');
let repo: ChargesRepo;
let other: ChargesRepo; // the second replica

beforeAll(() => {
  repo = chargesRepo(file);
  other = chargesRepo(file);
});
afterAll(() => {
  repo?.close();
  other?.close();
  rmSync(dir, { recursive: true, force: true });
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
const rowsForOrder = async (orderId: string) => (await other.forOrder(orderId)).map((c) => ({ charge_id: c.chargeId }));

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

  test('both replicas see one charge per key: one made through either, concurrently, is the same', async () => {
    const req = request();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : repo).insert(chargeFor(req))));
    expect(new Set(results.map((r) => r.chargeId)).size).toBe(1);
    expect(await other.byKey(`order-${req.orderId}`)).toEqual(results[0]);
  });

  test('a charge survives the process: a ledger opened again has it', async () => {
    const stored = await repo.insert(chargeFor(request()));
    const reopened = chargesRepo(file);
    try {
      expect(await reopened.byId(stored.chargeId)).toEqual(stored);
    } finally {
      reopened.close();
    }
  });

  test('a ledger that cannot be opened fails at start, naming the problem', () => {
    expect(() => chargesRepo(join(dir, 'missing', 'charges.db'))).toThrow(/unable to open/);
  });
});
