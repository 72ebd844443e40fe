import { describe, expect, test, vi } from 'vitest';
import { countdown } from '../../src/countdown.ts';
import { catalogHref, orderHref, parseRoute, productHref } from '../../src/router.ts';

describe('routes', () => {
  test('paths the storefront serves', () => {
    expect(parseRoute('/')).toEqual({ name: 'catalog', category: undefined, q: undefined, cursor: undefined, page: 1 });
    expect(parseRoute('/', '?category=kitchen&q=kettle&cursor=abc&page=3')).toEqual({ name: 'catalog', category: 'kitchen', q: 'kettle', cursor: 'abc', page: 3 });
    expect(parseRoute('/product/p-00042')).toEqual({ name: 'product', id: 'p-00042' });
    expect(parseRoute('/cart')).toEqual({ name: 'cart' });
    expect(parseRoute('/checkout')).toEqual({ name: 'checkout' });
    expect(parseRoute('/orders/7B6F1C0E-1D2A-4C3B-9A8E-0F1E2D3C4B5A')).toEqual({ name: 'order', id: '7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a' });
  });
  test('anything else is not found (never sent to the API as an id)', () => {
    for (const p of ['/product/abc', '/product/p-1', '/orders/123', '/admin', '/api/products']) expect(parseRoute(p).name, p).toBe('not-found');
  });
  test('a search longer than the API allows is cut to 64 characters; a bad page number is 1', () => {
    const r = parseRoute('/', `?q=${'x'.repeat(80)}&page=-2`);
    expect(r).toMatchObject({ q: 'x'.repeat(64), page: 1 });
  });
  test('links round-trip', () => {
    const href = catalogHref({ category: 'toys', q: 'a b&c', cursor: 'cur', page: 2 });
    const u = new URL(href, 'http://x');
    expect(parseRoute(u.pathname, u.search)).toEqual({ name: 'catalog', category: 'toys', q: 'a b&c', cursor: 'cur', page: 2 });
    expect(catalogHref()).toBe('/');
    expect(parseRoute(productHref('p-00001'))).toEqual({ name: 'product', id: 'p-00001' });
    expect(parseRoute(orderHref('7b6f1c0e-1d2a-4c3b-9a8e-0f1e2d3c4b5a')).name).toBe('order');
  });
});

describe('countdown', () => {
  test('ticks N … 1 once a second, then is done', () => {
    vi.useFakeTimers();
    try {
      const ticks: number[] = [];
      let done = 0;
      countdown(
        3,
        (s) => ticks.push(s),
        () => {
          done += 1;
        },
      );
      expect(ticks).toEqual([3]);
      vi.advanceTimersByTime(2000);
      expect(ticks).toEqual([3, 2, 1]);
      expect(done).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(done).toBe(1);
      vi.advanceTimersByTime(5000);
      expect(ticks).toEqual([3, 2, 1]);
      expect(done).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
  test('cancel stops it', () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const cancel = countdown(
        2,
        () => {},
        () => {
          done = true;
        },
      );
      cancel();
      vi.advanceTimersByTime(5000);
      expect(done).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
