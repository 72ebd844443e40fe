import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ApiClient, ApiError } from '../../src/api.ts';
import { ATTEMPT_KEY, Checkout, newIdempotencyKey } from '../../src/checkout.ts';
import { MemoryStore } from '../../src/storage.ts';
import { apiError, type FakeShop, fakeShop, order, send } from './fake-shop.ts';

const CART = '7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a';
const KEY_FORMAT = /^[A-Za-z0-9_-]{8,128}$/; // the API's Idempotency-Key pattern

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

/**
 * Checkout the way the service does it: the first request with a key places an order (201);
 * a later one with the same key and body is a replay (200, Idempotent-Replayed); with another
 * body, 422. `before` can answer instead (busy, declined…) for the first requests.
 */
function idempotentCheckout(o: { delayMs?: number; before?: (n: number, res: Parameters<Parameters<FakeShop['handle']>[0]>[1]) => boolean; dropAfterCommit?: number } = {}) {
  const orders = new Map<string, { body: string; order: ReturnType<typeof order> }>();
  let n = 0;
  let placed = 0;
  shop.handle(async (req, res) => {
    n += 1;
    if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
    if (o.before?.(n, res)) return;
    const key = String(req.headers['idempotency-key']);
    const body = JSON.stringify(req.body);
    const known = orders.get(key);
    if (known) {
      if (known.body !== body) {
        send(res, 422, apiError('IDEMPOTENCY_KEY_REUSED', 'different request'));
        return;
      }
      send(res, 200, known.order, { 'idempotent-replayed': 'true' });
      return;
    }
    placed += 1;
    const made = order(`00000000-0000-4000-8000-${String(placed).padStart(12, '0')}`, 'placed');
    orders.set(key, { body, order: made });
    if (o.dropAfterCommit === n) {
      res.socket?.destroy();
      return;
    } // committed, but the answer is lost
    send(res, 201, made);
  });
  return { orders, placedCount: () => placed };
}

const keysSent = () => shop.seen.map((s) => s.headers['idempotency-key']);

describe('one Idempotency-Key per checkout attempt', () => {
  test("keys match the API's pattern and differ", () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(KEY_FORMAT);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  test('a double click sends one request; both clicks get the same order', async () => {
    const shopState = idempotentCheckout({ delayMs: 50 });
    const c = new Checkout(api, new MemoryStore());
    const first = c.submit(CART, 'shopper@example.com');
    expect(c.busy).toBe(true);
    const second = c.submit(CART, 'shopper@example.com');
    const [a, b] = await Promise.all([first, second]);
    expect(a.order.id).toBe(b.order.id);
    expect(shop.seen).toHaveLength(1);
    expect(shopState.placedCount()).toBe(1);
    expect(c.busy).toBe(false);
  });

  test('a retry after 503, 429 or a lost connection resends the same key; one order', async () => {
    const shopState = idempotentCheckout({
      before: (n, res) => {
        if (n === 1) {
          send(res, 503, apiError('DEPENDENCY_UNAVAILABLE', 'cart down'), { 'retry-after': '2' });
          return true;
        }
        if (n === 2) {
          send(res, 429, apiError('OVERLOADED', 'shedding'), { 'retry-after': '1' });
          return true;
        }
        if (n === 3) {
          res.socket?.destroy();
          return true;
        }
        return false;
      },
    });
    const c = new Checkout(api, new MemoryStore());
    await expect(c.submit(CART, 'shopper@example.com')).rejects.toMatchObject({ status: 503, retryAfterS: 2 });
    await expect(c.submit(CART, 'shopper@example.com')).rejects.toMatchObject({ status: 429, retryAfterS: 1 });
    await expect(c.submit(CART, 'shopper@example.com')).rejects.toMatchObject({ kind: 'network' });
    const done = await c.submit(CART, 'shopper@example.com');
    expect(done.status).toBe(201);
    const keys = keysSent();
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
    expect(shopState.placedCount()).toBe(1);
  });

  test('the order was placed but the answer was lost: the retry gets that order (replay), not a second one', async () => {
    const shopState = idempotentCheckout({ dropAfterCommit: 1 });
    const c = new Checkout(api, new MemoryStore());
    await expect(c.submit(CART, 'shopper@example.com')).rejects.toBeInstanceOf(ApiError);
    const r = await c.submit(CART, 'shopper@example.com');
    expect(r).toMatchObject({ status: 200, replayed: true });
    expect(r.order.id).toBe([...shopState.orders.values()][0]!.order.id);
    expect(shopState.placedCount()).toBe(1);
    expect(new Set(keysSent()).size).toBe(1);
  });

  test('a reload mid-attempt keeps the key (it is persisted)', async () => {
    idempotentCheckout({
      before: (n, res) => {
        if (n === 1) {
          send(res, 503, apiError('DEPENDENCY_UNAVAILABLE', 'down'), { 'retry-after': '1' });
          return true;
        }
        return false;
      },
    });
    const store = new MemoryStore();
    await expect(new Checkout(api, store).submit(CART, 'shopper@example.com')).rejects.toMatchObject({ status: 503 });
    expect(JSON.parse(store.getItem(ATTEMPT_KEY)!)).toMatchObject({ cartId: CART, email: 'shopper@example.com' });
    const afterReload = new Checkout(api, store);
    expect(afterReload.pendingKey(CART, ' shopper@example.com ')).toBe(keysSent()[0]);
    await afterReload.submit(CART, 'shopper@example.com');
    expect(new Set(keysSent()).size).toBe(1);
    expect(store.getItem(ATTEMPT_KEY)).toBeNull(); // placed: the attempt is over
  });

  test('after an order, the next checkout is a new attempt with a new key', async () => {
    const shopState = idempotentCheckout();
    const c = new Checkout(api, new MemoryStore());
    await c.submit(CART, 'shopper@example.com');
    await c.submit(CART, 'shopper@example.com');
    const keys = keysSent();
    expect(keys[0]).not.toBe(keys[1]);
    expect(shopState.placedCount()).toBe(2);
  });

  test('a changed email is a new attempt (the shop would refuse the old key with another body)', async () => {
    idempotentCheckout({
      before: (n, res) => {
        if (n === 1) {
          send(res, 503, apiError('DEPENDENCY_UNAVAILABLE', 'down'));
          return true;
        }
        return false;
      },
    });
    const c = new Checkout(api, new MemoryStore());
    await expect(c.submit(CART, 'old@example.com')).rejects.toMatchObject({ status: 503 });
    const r = await c.submit(CART, 'new@example.com');
    expect(r.status).toBe(201);
    const keys = keysSent();
    expect(keys[0]).not.toBe(keys[1]);
    expect(shop.seen[1]!.body).toEqual({ cartId: CART, email: 'new@example.com' });
  });

  test('definitive refusals end the attempt: 402 declined, 409 out of stock → next submit has a new key', async () => {
    shop.handle((_req, res) => send(res, 402, apiError('PAYMENT_DECLINED', 'declined', { orderId: '00000000-0000-4000-8000-000000000009' })));
    const store = new MemoryStore();
    const c = new Checkout(api, store);
    await expect(c.submit(CART, 'shopper+decline@example.com')).rejects.toMatchObject({ status: 402, code: 'PAYMENT_DECLINED' });
    expect(store.getItem(ATTEMPT_KEY)).toBeNull();
    shop.handle((_req, res) => send(res, 409, apiError('OUT_OF_STOCK', 'none left', { productId: 'p-00001', requested: 2, available: 0 })));
    await expect(c.submit(CART, 'shopper+decline@example.com')).rejects.toMatchObject({ status: 409 });
    await expect(c.submit(CART, 'shopper+decline@example.com')).rejects.toMatchObject({ status: 409 });
    const keys = keysSent();
    expect(new Set(keys).size).toBe(3);
  });

  test('409 IDEMPOTENCY_IN_PROGRESS keeps the key: the first request is still being placed', async () => {
    idempotentCheckout({
      before: (n, res) => {
        if (n === 1) {
          send(res, 409, apiError('IDEMPOTENCY_IN_PROGRESS', 'in progress'), { 'retry-after': '1' });
          return true;
        }
        return false;
      },
    });
    const c = new Checkout(api, new MemoryStore());
    await expect(c.submit(CART, 'shopper@example.com')).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    await c.submit(CART, 'shopper@example.com');
    expect(new Set(keysSent()).size).toBe(1);
  });

  test('a submit for another cart while one is in flight is refused, not raced', async () => {
    idempotentCheckout({ delayMs: 50 });
    const c = new Checkout(api, new MemoryStore());
    const first = c.submit(CART, 'shopper@example.com');
    await expect(c.submit('11111111-1111-4111-8111-111111111111', 'shopper@example.com')).rejects.toThrow(/already in progress/);
    await first;
    expect(shop.seen).toHaveLength(1);
  });
});
