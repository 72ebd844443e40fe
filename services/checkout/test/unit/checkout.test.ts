import { canTransition, ORDER_STATUSES, ORDER_TRANSITIONS } from '@surge-lab/contracts/orders';
import { describe, expect, test } from 'vitest';
import { CAPTURE_BACKOFF_TABLE, CheckoutRequest, captureBackoffSeconds, fingerprint, idempotencyKey, normaliseLines, totalOf } from '../../src/domain/checkout.ts';

describe('checkout rules', () => {
  test('lines are merged per product and sorted, so orders lock stock rows in one order', () => {
    expect(
      normaliseLines([
        { productId: 'p-00009', quantity: 1 },
        { productId: 'p-00002', quantity: 2 },
        { productId: 'p-00009', quantity: 3 },
      ]),
    ).toEqual([
      { productId: 'p-00002', quantity: 2 },
      { productId: 'p-00009', quantity: 4 },
    ]);
  });

  test('the total is the sum of quantity x price', () => {
    expect(
      totalOf([
        { quantity: 2, priceCents: 1999 },
        { quantity: 1, priceCents: 1 },
      ]),
    ).toBe(3999);
  });

  test('the fingerprint ignores email case and tells different carts apart', () => {
    const a = fingerprint({ cartId: '2f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f', email: 'A@B.co' });
    expect(a).toBe(fingerprint({ cartId: '2f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f', email: 'a@b.co' }));
    expect(a).not.toBe(fingerprint({ cartId: '3f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f', email: 'a@b.co' }));
  });

  test.each([undefined, '', 'short', 'has space in it', "quote'key-123", 'x'.repeat(129)])('Idempotency-Key %j is refused', (k) => {
    expect(() => idempotencyKey(k)).toThrow(expect.objectContaining({ code: 'REQUEST_MISSING_IDEMPOTENCY_KEY' }));
  });
  test('a well-formed key is accepted', () => {
    expect(idempotencyKey('order-2026_abc')).toBe('order-2026_abc');
  });

  test.each([
    [{ cartId: 'x', email: 'a@b.co' }, 'cartId'],
    [{ cartId: '2f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f', email: 'nope' }, 'email'],
    [{ cartId: '2f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f', email: 'a@b.co', coupon: 'FREE' }, 'coupon'],
  ])('request %j is refused naming %s', (body, field) => {
    const r = CheckoutRequest.safeParse(body);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toContain(field);
  });

  test('payment retries back off 1, 2, 4 … 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(captureBackoffSeconds)).toEqual([1, 2, 4, 8, 16, 30, 30]);
  });

  test('the table the claim statement indexes is that backoff up to the cap, which holds for later attempts', () => {
    expect(CAPTURE_BACKOFF_TABLE).toEqual([1, 2, 4, 8, 16, 30]);
    expect(captureBackoffSeconds(100)).toBe(CAPTURE_BACKOFF_TABLE.at(-1));
  });
});

describe('order transitions', () => {
  test('every status is reachable from payment_pending and the final ones have no way out', () => {
    const seen = new Set(['payment_pending']);
    const queue = ['payment_pending'] as (typeof ORDER_STATUSES)[number][];
    while (queue.length)
      for (const next of ORDER_TRANSITIONS[queue.shift()!])
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
    expect([...seen].sort()).toEqual([...ORDER_STATUSES].sort());
    expect(ORDER_TRANSITIONS.shipped).toEqual([]);
    expect(ORDER_TRANSITIONS.cancelled).toEqual([]);
  });
  test('no skipping: placed cannot jump to shipped, shipped cannot go back', () => {
    expect(canTransition('placed', 'shipped')).toBe(false);
    expect(canTransition('shipped', 'placed')).toBe(false);
    expect(canTransition('payment_pending', 'placed')).toBe(true);
  });
});
