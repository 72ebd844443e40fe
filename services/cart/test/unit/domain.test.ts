// Pure cart rules: request validation, reading a stored hash, pricing (totals, stale flag).

import type { Product } from '@surge-lab/contracts/products';
import { describe, expect, test } from 'vitest';
import { ZodError } from 'zod';
import { CartParams, CreateCartBody, ItemParams, type ProductLookup, parseStoredCart, priceCart, SetQuantityBody } from '../../src/domain/cart.ts';

const CART = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const product = (id: string, priceCents: number, name = `Product ${id}`): Product => ({
  id,
  name,
  category: 'c',
  description: 'd',
  priceCents,
  stock: 5,
  imageUrl: `/img/${id}.png`,
  version: 1,
});
const fields = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ZodError) return [...new Set(err.issues.map((i) => i.path.join('.')))];
    throw err;
  }
  return [];
};

describe('SetQuantityBody', () => {
  test.each([1, 2, 99])('accepts quantity %s', (quantity) => {
    expect(SetQuantityBody.parse({ quantity })).toEqual({ quantity });
  });
  test.each([
    ['zero', { quantity: 0 }],
    ['negative', { quantity: -1 }],
    ['above 99', { quantity: 100 }],
    ['fraction', { quantity: 1.5 }],
    ['string', { quantity: '2' }],
    ['null', { quantity: null }],
    ['huge', { quantity: 1e308 }],
    ['boolean', { quantity: true }],
    ['missing', {}],
  ])('rejects %s, naming quantity', (_name, body) => {
    expect(fields(() => SetQuantityBody.parse(body))).toEqual(['quantity']);
  });
  test('rejects unknown fields (strict)', () => {
    expect(() => SetQuantityBody.parse({ quantity: 1, price: 1 })).toThrow(/price/);
  });
  test.each([[[1]], ['x'], [null]])('rejects a non-object body %j', (body) => {
    expect(() => SetQuantityBody.parse(body)).toThrow(ZodError);
  });
});

describe('ids', () => {
  test('a UUID cart id is accepted and lower-cased', () => {
    expect(CartParams.parse({ id: CART.toUpperCase() })).toEqual({ id: CART });
  });
  test.each(['', 'abc', `${CART}x`, "1' OR '1'='1", '<script>', `${CART.slice(0, -1)}\u0431`, '../../etc/passwd'])('rejects cart id %j', (id) => {
    expect(fields(() => CartParams.parse({ id }))).toEqual(['id']);
  });
  test.each(['p-00001', 'p-99999'])('accepts product id %s', (productId) => {
    expect(ItemParams.parse({ id: CART, productId }).productId).toBe(productId);
  });
  // Fullwidth/Arabic-Indic digits are \d only with the u+v flags; the regex must reject them.
  test.each(['p-1', 'p-000001', 'P-00001', 'p-0000１', 'p-٠٠٠٠١', 'p-00001\n', ' p-00001', '_created', "p-1'; DROP TABLE x;--"])('rejects product id %j', (productId) => {
    expect(fields(() => ItemParams.parse({ id: CART, productId }))).toEqual(['productId']);
  });
  test('create takes no fields, an absent or empty body', () => {
    expect(CreateCartBody.parse(undefined)).toBeUndefined();
    expect(CreateCartBody.parse({})).toEqual({});
    expect(() => CreateCartBody.parse({ id: CART })).toThrow(ZodError);
  });
});

describe('parseStoredCart', () => {
  test('reads lines and the creation time, skipping malformed fields', () => {
    const cart = parseStoredCart(CART, { _created: '1700000000000', 'p-00001': '2', 'p-00002': '0', 'p-00003': 'x', junk: '1', 'p-00004': '1.5' });
    expect(cart.createdAt).toBe(new Date(1700000000000).toISOString());
    expect([...cart.items]).toEqual([['p-00001', 2]]);
  });
});

describe('priceCart', () => {
  const stored = parseStoredCart(CART, { _created: '1', 'p-00002': '3', 'p-00001': '2' });
  const lookups = (over: Record<string, ProductLookup> = {}) =>
    new Map<string, ProductLookup>(
      Object.entries({
        'p-00001': { product: product('p-00001', 1999, 'Kettle'), stale: false },
        'p-00002': { product: product('p-00002', 250), stale: false },
        ...over,
      }),
    );

  test('an empty cart totals 0 and is not stale', () => {
    expect(priceCart(parseStoredCart(CART, { _created: '1' }), new Map())).toMatchObject({ items: [], totalCents: 0, itemCount: 0, stale: false, unavailable: [] });
  });
  test('lines carry name, price, quantity and line total; the cart totals them, sorted by product', () => {
    const view = priceCart(stored, lookups());
    expect(view.items).toEqual([
      { productId: 'p-00001', name: 'Kettle', priceCents: 1999, quantity: 2, lineTotalCents: 3998, imageUrl: '/img/p-00001.png' },
      { productId: 'p-00002', name: 'Product p-00002', priceCents: 250, quantity: 3, lineTotalCents: 750, imageUrl: '/img/p-00002.png' },
    ]);
    expect(view).toMatchObject({ totalCents: 4748, itemCount: 5, stale: false });
  });
  test('one line from the snapshot makes the whole cart stale', () => {
    expect(priceCart(stored, lookups({ 'p-00002': { product: product('p-00002', 250), stale: true } })).stale).toBe(true);
  });
  test('a product catalog no longer has is listed unavailable and left out of the total', () => {
    const view = priceCart(stored, lookups({ 'p-00002': { missing: true } }));
    expect(view).toMatchObject({ totalCents: 3998, itemCount: 2, unavailable: ['p-00002'] });
    expect(view.items.map((l) => l.productId)).toEqual(['p-00001']);
  });
});
