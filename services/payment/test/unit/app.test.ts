// The routes against a private in-memory ledger (the real SQLite one): replay, reuse, 404 and validation.
import { createService } from '@surge-lab/kit';
import { type Served, serve } from '@surge-lab/tests/serve';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { chargesRepo } from '../../src/data-access/charges-repo.ts';

const repo = chargesRepo(':memory:');
let served: Served;
let base: string;
beforeAll(async () => {
  served = await serve(buildApp(createService('payment', { logLevel: 'silent' }), { charges: repo, latencyMs: () => 1 }));
  base = served.url;
});
afterAll(async () => {
  await served.close();
  repo.close();
});

const body = { orderId: '0b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d', amountCents: 500, email: 'a@example.com' };
const post = (key: string | null, b: unknown) =>
  fetch(`${base}/charges`, {
    method: 'POST',
    body: JSON.stringify(b),
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
  });

describe('payment routes (in-memory)', () => {
  test('charge, replay, reuse, read', async () => {
    const first = await post('k1', body);
    expect(first.status).toBe(201);
    const charge = (await first.json()) as { chargeId: string };
    expect(charge).toMatchObject({ status: 'captured', amountCents: 500, orderId: body.orderId });
    const again = await post('k1', body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(charge);
    const reuse = await post('k1', { ...body, amountCents: 501 });
    expect(reuse.status).toBe(422);
    expect(((await reuse.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await (await fetch(`${base}/charges/${charge.chargeId}`)).json()).toEqual(charge);
    expect((await fetch(`${base}/charges/6b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d`)).status).toBe(404);
    expect((await fetch(`${base}/charges/nope`)).status).toBe(400);
    // The order's charges: exactly the one.
    expect(await (await fetch(`${base}/charges?orderId=${body.orderId}`)).json()).toEqual({ charges: [charge] });
    expect((await fetch(`${base}/charges?orderId=nope`)).status).toBe(400);
  });
  test('missing key → 400 REQUEST_MISSING_IDEMPOTENCY_KEY; nothing stored', async () => {
    const before = (await repo.forOrder(body.orderId)).length;
    const res = await post(null, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('REQUEST_MISSING_IDEMPOTENCY_KEY');
    expect((await repo.forOrder(body.orderId)).length).toBe(before);
  });
  test('a test address (+decline) is declined with 402 PAYMENT_DECLINED and nothing is stored', async () => {
    const before = (await repo.forOrder(body.orderId)).length;
    const res = await post('k-decline', { ...body, email: 'shopper+decline@example.com' });
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYMENT_DECLINED');
    expect((await repo.forOrder(body.orderId)).length).toBe(before);
  });
  // Regression: checkout accepted this address and payment refused it with 400, so the order
  // stayed payment_pending forever. Both now validate with the shared contract.
  test('an address checkout accepts (Unicode, apostrophe, plus) is charged', async () => {
    const res = await post('k-unicode', { ...body, email: "o'brien+ünïcödé@example.com" });
    expect(res.status).toBe(201);
  });
});
