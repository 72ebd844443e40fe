import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ApiClient } from '../../src/api.ts';
import { CartService } from '../../src/cart.ts';
import { CART_KEY, CartIdStore, type KeyValueStore, MemoryStore } from '../../src/storage.ts';
import { apiError, cartBody, type FakeShop, fakeShop, send } from './fake-shop.ts';

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

/** Carts the way the cart service keeps them: create, read, set a quantity, remove; unknown id → 404. */
function cartApi() {
  const carts = new Map<string, Record<string, number>>();
  let made = 0;
  shop.handle((req, res) => {
    if (req.method === 'POST' && req.path === '/api/carts') {
      made += 1;
      const id = `7b6f1c0e-1d2a-4c3b-9a8e-${String(made).padStart(12, '0')}`;
      carts.set(id, {});
      send(res, 201, cartBody(id));
      return;
    }
    const m = /^\/api\/carts\/([^/]+)(?:\/items\/([^/]+))?$/.exec(req.path);
    const items = m ? carts.get(m[1]!) : undefined;
    if (!m || !items) {
      send(res, 404, apiError('CART_NOT_FOUND', 'no cart'));
      return;
    }
    if (req.method === 'PUT') items[m[2]!] = (req.body as { quantity: number }).quantity;
    if (req.method === 'DELETE') delete items[m[2]!];
    send(res, 200, cartBody(m[1]!, items, false), { 'cache-control': 'no-store' });
  });
  return carts;
}

describe('the cart id is persisted', () => {
  test('the first add creates a cart and stores its id; later adds (and a reload) reuse it', async () => {
    const carts = cartApi();
    const store = new MemoryStore();
    const first = new CartService(api, new CartIdStore(store));
    expect(await first.load()).toBeUndefined(); // no cart yet: nothing is created just by looking
    expect(shop.seen).toHaveLength(0);
    const r = await first.add('p-00001', 1);
    expect(store.getItem(CART_KEY)).toBe(r.body.id);
    const afterReload = new CartService(api, new CartIdStore(store));
    await afterReload.add('p-00002', 2);
    expect(carts.size).toBe(1);
    expect(carts.get(r.body.id)).toEqual({ 'p-00001': 1, 'p-00002': 2 });
    expect((await afterReload.load())!.body.itemCount).toBe(3);
  });

  test('adding a product already in the cart adds to its quantity (the API sets quantities), capped at 99', async () => {
    const carts = cartApi();
    const cart = new CartService(api, new CartIdStore(new MemoryStore()));
    await cart.add('p-00001', 2);
    await cart.add('p-00001', 3);
    expect(carts.get(cart.id!)).toEqual({ 'p-00001': 5 });
    await cart.add('p-00001', 98);
    expect(carts.get(cart.id!)).toEqual({ 'p-00001': 99 });
    const puts = shop.seen.filter((s) => s.method === 'PUT').map((s) => s.body);
    expect(puts).toEqual([{ quantity: 2 }, { quantity: 5 }, { quantity: 99 }]);
  });

  test('set quantity and remove', async () => {
    const carts = cartApi();
    const cart = new CartService(api, new CartIdStore(new MemoryStore()));
    await cart.add('p-00001', 1);
    await cart.add('p-00002', 1);
    await cart.setQuantity('p-00001', 4);
    const r = await cart.remove('p-00002');
    expect(carts.get(cart.id!)).toEqual({ 'p-00001': 4 });
    expect(r.body.itemCount).toBe(4);
    await expect(cart.setQuantity('p-00001', 0)).rejects.toThrow(RangeError);
    await expect(cart.setQuantity('p-00001', 100)).rejects.toThrow(RangeError);
  });

  test('an expired cart (404) is forgotten; the next add starts a new one', async () => {
    const carts = cartApi();
    const store = new MemoryStore();
    store.setItem(CART_KEY, '00000000-0000-4000-8000-00000000dead'); // the shop no longer has it
    const cart = new CartService(api, new CartIdStore(store));
    expect(await cart.load()).toBeUndefined();
    expect(store.getItem(CART_KEY)).toBeNull();
    store.setItem(CART_KEY, '00000000-0000-4000-8000-00000000dead');
    const r = await cart.add('p-00003', 1);
    expect(r.body.id).not.toBe('00000000-0000-4000-8000-00000000dead');
    expect(store.getItem(CART_KEY)).toBe(r.body.id);
    expect(carts.get(r.body.id)).toEqual({ 'p-00003': 1 });
  });

  test('after an order the cart is forgotten', async () => {
    cartApi();
    const store = new MemoryStore();
    const cart = new CartService(api, new CartIdStore(store));
    const first = await cart.add('p-00001', 1);
    cart.forget();
    expect(store.getItem(CART_KEY)).toBeNull();
    const second = await cart.add('p-00001', 1);
    expect(second.body.id).not.toBe(first.body.id);
  });

  test('a busy shop is reported, not mistaken for an expired cart', async () => {
    cartApi();
    const store = new MemoryStore();
    const cart = new CartService(api, new CartIdStore(store));
    const { body } = await cart.add('p-00001', 1);
    shop.handle((_req, res) => send(res, 503, apiError('DEPENDENCY_UNAVAILABLE', 'redis down'), { 'retry-after': '5' }));
    await expect(cart.load()).rejects.toMatchObject({ status: 503, retryAfterS: 5 });
    expect(store.getItem(CART_KEY)).toBe(body.id);
  });
});

describe('CartIdStore', () => {
  test('ignores a stored value that is not a cart id', () => {
    const store = new MemoryStore();
    store.setItem(CART_KEY, '<script>');
    expect(new CartIdStore(store).get()).toBeUndefined();
    expect(() => new CartIdStore(store).set('../../etc')).toThrow();
  });
  test('storage that throws (disabled, quota) does not break the cart', () => {
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const ids = new CartIdStore(broken);
    expect(ids.get()).toBeUndefined();
    expect(() => ids.set('7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a')).not.toThrow();
    expect(() => ids.clear()).not.toThrow();
  });
});
