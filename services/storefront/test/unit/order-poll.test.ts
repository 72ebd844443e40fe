import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ApiClient, type ApiError, type Order } from '../../src/api.ts';
import { pollOrder } from '../../src/order-poll.ts';
import { apiError, type FakeShop, fakeShop, order, send } from './fake-shop.ts';

const ID = '00000000-0000-4000-8000-000000000042';
let shop: FakeShop;
let api: ApiClient;
beforeAll(async () => {
  shop = await fakeShop();
  api = new ApiClient({ baseUrl: shop.url });
});
afterAll(() => shop.close());
beforeEach(() => {
  shop.seen.length = 0;
});

/** Answers GET /api/orders/{id} with the next scripted step on each request. */
function script(steps: Array<string | { status: number; code: string; retryAfter?: string }>) {
  let i = 0;
  shop.handle((_req, res) => {
    const step = steps[Math.min(i, steps.length - 1)]!;
    i += 1;
    if (typeof step === 'string') send(res, 200, order(ID, step, { updatedAt: `2025-01-01T00:00:0${i}.000Z` }), { 'cache-control': 'no-store' });
    else send(res, step.status, apiError(step.code, 'x'), step.retryAfter ? { 'retry-after': step.retryAfter } : {});
  });
}

const noWait = (delays: number[]) => (ms: number) => {
  delays.push(ms);
  return Promise.resolve();
};

describe('pollOrder', () => {
  test('follows payment_pending → placed → confirmed → shipped, then stops', async () => {
    script(['payment_pending', 'payment_pending', 'placed', 'confirmed', 'shipped', 'shipped']);
    const seen: string[] = [];
    const delays: number[] = [];
    const final = await pollOrder(api, ID, { intervalMs: 1500, onOrder: (o: Order) => seen.push(o.status), sleep: noWait(delays) });
    expect(final?.status).toBe('shipped');
    expect(seen).toEqual(['payment_pending', 'payment_pending', 'placed', 'confirmed', 'shipped']); // updatedAt changes each time here
    expect(shop.seen.map((s) => `${s.method} ${s.path}`)).toEqual(Array(5).fill(`GET /api/orders/${ID}`)); // nothing after shipped
    expect(delays).toEqual([1500, 1500, 1500, 1500]);
  });

  test('an unchanged order is not reported again', async () => {
    let n = 0;
    const same = order(ID, 'placed', { updatedAt: '2025-01-01T00:00:00.000Z' });
    shop.handle((_req, res) => {
      n += 1;
      send(res, 200, n < 4 ? same : { ...same, status: 'cancelled', updatedAt: '2025-01-01T00:00:09.000Z' });
    });
    const seen: string[] = [];
    await pollOrder(api, ID, { onOrder: (o) => seen.push(o.status), sleep: noWait([]) });
    expect(seen).toEqual(['placed', 'cancelled']);
  });

  test('busy answers do not stop it: it waits the Retry-After and goes on', async () => {
    script(['placed', { status: 503, code: 'DEPENDENCY_UNAVAILABLE', retryAfter: '3' }, { status: 429, code: 'OVERLOADED', retryAfter: '1' }, 'confirmed', 'shipped']);
    const errors: Array<[string, number | undefined]> = [];
    const delays: number[] = [];
    const final = await pollOrder(api, ID, { intervalMs: 1500, onOrder: () => {}, onError: (e: ApiError, s) => errors.push([e.code, s]), sleep: noWait(delays) });
    expect(final?.status).toBe('shipped');
    expect(errors).toEqual([
      ['DEPENDENCY_UNAVAILABLE', 3],
      ['OVERLOADED', 2],
    ]);
    expect(delays).toEqual([1500, 3000, 1500, 1500]);
  });

  test('an unknown order stops it with the error', async () => {
    script([{ status: 404, code: 'ORDER_NOT_FOUND' }]);
    const errors: Array<[string, number | undefined]> = [];
    expect(await pollOrder(api, ID, { onOrder: () => {}, onError: (e, s) => errors.push([e.code, s]), sleep: noWait([]) })).toBeUndefined();
    expect(errors).toEqual([['ORDER_NOT_FOUND', undefined]]);
    expect(shop.seen).toHaveLength(1);
  });

  test('leaving the page (abort) stops it', async () => {
    const same = order(ID, 'placed', { updatedAt: '2025-01-01T00:00:00.000Z' });
    shop.handle((_req, res) => send(res, 200, same));
    const ac = new AbortController();
    let reads = 0;
    const p = pollOrder(api, ID, {
      intervalMs: 20,
      signal: ac.signal,
      onOrder: () => {
        reads += 1;
      },
    });
    await new Promise((r) => setTimeout(r, 120));
    ac.abort();
    expect(await p).toBeUndefined();
    const count = shop.seen.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(shop.seen.length).toBe(count);
    expect(reads).toBe(1); // the same order each time: reported once
    expect(count).toBeGreaterThan(1);
  });
});
