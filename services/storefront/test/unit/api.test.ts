import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, ApiError, isStale, parseRetryAfter } from '../../src/api.ts';
import { apiError, type FakeShop, fakeShop, send } from './fake-shop.ts';

let shop: FakeShop;
let api: ApiClient;
beforeAll(async () => {
  shop = await fakeShop();
  api = new ApiClient({ baseUrl: shop.url });
});
afterAll(() => shop.close());

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  test('delta-seconds', () => {
    expect(parseRetryAfter('5', now)).toBe(5);
    expect(parseRetryAfter(' 12 ', now)).toBe(12);
  });
  test('an HTTP date, as seconds from now (rounded up)', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:03 GMT', now)).toBe(3);
    expect(parseRetryAfter(new Date(now + 2500).toUTCString(), now)).toBe(2); // toUTCString drops the milliseconds
  });
  test('never below 1 s, never above the cap', () => {
    expect(parseRetryAfter('0', now)).toBe(1);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(1);
    expect(parseRetryAfter('100000', now)).toBe(300);
    expect(parseRetryAfter('100000', now, 60)).toBe(60);
  });
  test('absent or unreadable: undefined', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-3')).toBeUndefined();
    expect(parseRetryAfter('1.5')).toBeUndefined();
  });
});

describe('isStale', () => {
  test('X-Data-Stale: true (catalog or cart answering from a cache)', () => {
    expect(isStale(new Headers({ 'x-data-stale': 'true' }))).toBe(true);
  });
  test("fresh answers and the edge's cache states are not stale (nginx says STALE for stale-while-revalidate too)", () => {
    for (const s of ['HIT', 'MISS', 'STALE', 'UPDATING', 'REVALIDATED', 'EXPIRED', 'BYPASS']) expect(isStale(new Headers({ 'x-cache-status': s })), s).toBe(false);
    expect(isStale(new Headers({ 'cache-control': 'public, max-age=5' }))).toBe(false);
  });
});

describe('the fetch wrapper against an HTTP server', () => {
  test('sends JSON and the headers given; reads the body, stale and replay markers', async () => {
    shop.handle((_req, res) => send(res, 200, { items: [], nextCursor: null }, { 'x-data-stale': 'true', 'x-cache-status': 'MISS' }));
    const r = await api.listProducts({ category: 'kitchen', q: 'kettle & pot', limit: 12 });
    expect(r).toMatchObject({ status: 200, body: { items: [], nextCursor: null }, stale: true, replayed: false });
    expect(shop.seen.at(-1)!.path).toBe('/api/products?category=kitchen&q=kettle+%26+pot&limit=12');

    shop.handle((_req, res) => send(res, 200, { id: 'o' }, { 'idempotent-replayed': 'true' }));
    const c = await api.checkout('7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a', 'a@b.co', 'sf-0123456789');
    expect(c.replayed).toBe(true);
    const sent = shop.seen.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers['idempotency-key']).toBe('sf-0123456789');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({ cartId: '7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a', email: 'a@b.co' });
  });

  test('an error answer becomes an ApiError with code, message, details, requestId', async () => {
    shop.handle((_req, res) => send(res, 409, apiError('OUT_OF_STOCK', 'not enough stock of p-00007: 3 wanted, 1 left', { productId: 'p-00007', requested: 3, available: 1 })));
    const e = await failure(api.checkout('7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a', 'a@b.co', 'sf-0123456789'));
    expect(e).toMatchObject({ kind: 'http', status: 409, code: 'OUT_OF_STOCK', requestId: 'req-1', details: { productId: 'p-00007', available: 1 }, retryAfterS: undefined });
  });

  test('429 and 503 carry Retry-After seconds', async () => {
    shop.handle((_req, res) => send(res, 429, apiError('OVERLOADED', 'shedding'), { 'retry-after': '3' }));
    expect(await failure(api.product('p-00001'))).toMatchObject({ status: 429, code: 'OVERLOADED', retryAfterS: 3 });
    shop.handle((_req, res) => send(res, 503, apiError('DEPENDENCY_UNAVAILABLE', 'redis down'), { 'retry-after': '5' }));
    expect(await failure(api.createCart())).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', retryAfterS: 5 });
  });

  test('every answer, an error too, tells which region served it (the footer shows it)', async () => {
    const regions: string[] = [];
    const client = new ApiClient({ baseUrl: shop.url, onRegion: (r) => regions.push(r) });
    shop.handle((_req, res) => send(res, 201, { id: 'c' }, { 'x-region': 'a' }));
    await client.createCart();
    shop.handle((_req, res) => send(res, 503, apiError('DEPENDENCY_UNAVAILABLE', 'no primary region'), { 'x-region': 'b' }));
    await failure(client.product('p-00001'));
    shop.handle((_req, res) => send(res, 200, { items: [], nextCursor: null }));
    await client.listProducts({});
    expect(regions).toEqual(['a', 'b']);
  });

  test('an answer that is not the JSON error format still becomes an ApiError', async () => {
    shop.handle((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'edge-9' });
      res.end('<html>Bad Gateway</html>');
    });
    expect(await failure(api.product('p-00001'))).toMatchObject({ kind: 'http', status: 502, code: 'HTTP_502', requestId: 'edge-9' });
  });

  test('no answer: a dropped connection is a network error', async () => {
    shop.handle((_req, res) => {
      res.socket?.destroy();
    });
    expect(await failure(api.product('p-00001'))).toMatchObject({ kind: 'network', status: 0, code: 'NETWORK' });
  });

  test('nothing listening: a network error', async () => {
    const gone = await fakeShop();
    const url = gone.url;
    await gone.close();
    expect(await failure(new ApiClient({ baseUrl: url }).product('p-00001'))).toMatchObject({ kind: 'network' });
  });

  test('an answer slower than the timeout is a timeout error', async () => {
    shop.handle(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 300));
      send(res, 200, {});
    });
    expect(await failure(new ApiClient({ baseUrl: shop.url, timeoutMs: 50 }).product('p-00001'))).toMatchObject({ kind: 'timeout', code: 'TIMEOUT' });
  });

  test('a call the page aborts rejects with the abort, not an ApiError to show', async () => {
    shop.handle(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 300));
      send(res, 200, {});
    });
    const ac = new AbortController();
    const p = api.product('p-00001', ac.signal);
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toSatisfy((e: unknown) => !(e instanceof ApiError) && (e as Error).name === 'AbortError');
  });
});
