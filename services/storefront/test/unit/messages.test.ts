import { ORDER_STATUSES } from '@surge-lab/contracts/orders';
import { describe, expect, test } from 'vitest';
import { ApiError, type OrderStatus } from '../../src/api.ts';
import { busyMessage, FINAL_STATUSES, formatPrice, isRetryable, orderStatusText, retryDelayS, stepState, userMessage } from '../../src/messages.ts';

const http = (status: number, code: string, o: { details?: unknown; retryAfterS?: number; requestId?: string } = {}) =>
  new ApiError({ kind: 'http', status, code, message: `server says ${code}`, ...o });

describe('userMessage: each answer in plain words', () => {
  test('409 out of stock names the product and what is left', () => {
    const name = (id: string) => (id === 'p-00007' ? 'Blue Kettle' : undefined);
    expect(userMessage(http(409, 'OUT_OF_STOCK', { details: { productId: 'p-00007', requested: 3, available: 0 } }), { productName: name })).toBe(
      'Sorry, Blue Kettle is out of stock. Remove it from your cart to place your order.',
    );
    expect(userMessage(http(409, 'OUT_OF_STOCK', { details: { productId: 'p-00007', requested: 3, available: 2 } }), { productName: name })).toBe(
      'Sorry, only 2 of Blue Kettle are left. Lower the quantity in your cart to place your order.',
    );
    expect(userMessage(http(409, 'OUT_OF_STOCK', { details: { productId: 'p-00009', requested: 3, available: 1 } }))).toBe(
      'Sorry, only 1 of Product p-00009 is left. Lower the quantity in your cart to place your order.',
    );
    expect(userMessage(http(409, 'OUT_OF_STOCK'))).toBe('Sorry, one of the products in your cart is out of stock. Change your cart to place your order.');
  });

  test('409 other codes', () => {
    expect(userMessage(http(409, 'CART_EMPTY'))).toBe('Your cart is empty. Add something before checking out.');
    expect(userMessage(http(409, 'IDEMPOTENCY_IN_PROGRESS', { retryAfterS: 1 }))).toMatch(/still being placed/);
  });

  test('429 and 503: "The shop is busy — try again in N s" with the Retry-After seconds', () => {
    expect(userMessage(http(429, 'OVERLOADED', { retryAfterS: 3 }))).toBe('The shop is busy — try again in 3 s');
    expect(userMessage(http(503, 'DEPENDENCY_UNAVAILABLE', { retryAfterS: 5 }))).toBe('The shop is busy — try again in 5 s');
    expect(userMessage(http(503, 'SHUTTING_DOWN', { retryAfterS: 2 }))).toBe('The shop is busy — try again in 2 s');
    expect(userMessage(http(503, 'HTTP_503'))).toBe('The shop is busy — try again in 5 s'); // no Retry-After: the default
    expect(busyMessage(1)).toBe('The shop is busy — try again in 1 s');
  });

  test('402 declined says the order was cancelled and nothing charged', () => {
    expect(userMessage(http(402, 'PAYMENT_DECLINED', { details: { orderId: 'x' } }))).toBe('Your payment was declined, so the order was cancelled. Nothing was charged.');
  });

  test('no answer at all: network and timeout', () => {
    expect(userMessage(new ApiError({ kind: 'network', status: 0, code: 'NETWORK', message: 'fetch failed' }))).toBe('We can’t reach the shop right now. Check your connection and try again.');
    expect(userMessage(new ApiError({ kind: 'timeout', status: 0, code: 'TIMEOUT', message: 't' }))).toBe('The shop is taking too long to answer. Please try again in a moment.');
    expect(userMessage(http(504, 'DEPENDENCY_TIMEOUT'))).toBe('The shop is taking too long to answer. Please try again in a moment.');
  });

  test('400 validation names the fields in words', () => {
    expect(userMessage(http(400, 'REQUEST_VALIDATION_FAILED', { details: [{ field: 'email', problem: 'must be an email address' }] }))).toBe('Please check: Email address: must be an email address.');
    expect(userMessage(http(400, 'REQUEST_VALIDATION_FAILED'))).toBe('Please check what you entered and try again.');
  });

  test('404s, 500 with the request id as a reference, and an unknown 4xx', () => {
    expect(userMessage(http(404, 'CART_NOT_FOUND'))).toBe('Your cart has expired. Please add your items again.');
    expect(userMessage(http(404, 'ORDER_NOT_FOUND'))).toBe('We couldn’t find that order. Check the link you followed.');
    expect(userMessage(http(404, 'PRODUCT_NOT_FOUND'))).toBe('We couldn’t find that product. It may have been removed.');
    expect(userMessage(http(500, 'INTERNAL', { requestId: 'abc123' }))).toBe('Something went wrong on our side. Please try again (reference abc123).');
    expect(userMessage(http(418, 'HTTP_418'))).toBe('Something about that request didn’t work. Please check and try again.');
  });

  test("no message leaks the server's own text or code", () => {
    for (const [s, c] of [
      [409, 'OUT_OF_STOCK'],
      [429, 'OVERLOADED'],
      [503, 'DEPENDENCY_UNAVAILABLE'],
      [402, 'PAYMENT_DECLINED'],
      [500, 'INTERNAL'],
      [422, 'IDEMPOTENCY_KEY_REUSED'],
    ] as const) {
      const m = userMessage(http(s, c));
      expect(m).not.toContain('server says');
      expect(m).not.toContain(c);
    }
  });
});

describe('isRetryable and retryDelayS', () => {
  test('retry what may succeed later with the same request; not what needs a change', () => {
    const yes = [
      http(429, 'OVERLOADED'),
      http(503, 'DEPENDENCY_UNAVAILABLE'),
      http(504, 'DEPENDENCY_TIMEOUT'),
      http(500, 'INTERNAL'),
      http(409, 'IDEMPOTENCY_IN_PROGRESS'),
      new ApiError({ kind: 'network', status: 0, code: 'NETWORK', message: '' }),
      new ApiError({ kind: 'timeout', status: 0, code: 'TIMEOUT', message: '' }),
    ];
    const no = [
      http(409, 'OUT_OF_STOCK'),
      http(409, 'CART_EMPTY'),
      http(402, 'PAYMENT_DECLINED'),
      http(400, 'REQUEST_VALIDATION_FAILED'),
      http(404, 'CART_NOT_FOUND'),
      http(422, 'IDEMPOTENCY_KEY_REUSED'),
    ];
    for (const e of yes) expect(isRetryable(e), e.code).toBe(true);
    for (const e of no) expect(isRetryable(e), e.code).toBe(false);
  });
  test('the delay is Retry-After when sent, else a default', () => {
    expect(retryDelayS(http(429, 'OVERLOADED', { retryAfterS: 7 }))).toBe(7);
    expect(retryDelayS(http(503, 'DEPENDENCY_UNAVAILABLE'))).toBe(5);
    expect(retryDelayS(http(409, 'IDEMPOTENCY_IN_PROGRESS'))).toBe(1);
  });
});

describe('order status → words', () => {
  test('every status of the contract has a label and a sentence', () => {
    for (const s of ORDER_STATUSES) {
      const t = orderStatusText(s);
      expect(t.label.length, s).toBeGreaterThan(0);
      expect(t.text.length, s).toBeGreaterThan(10);
    }
  });
  test('payment_pending and cancelled in plain words', () => {
    expect(orderStatusText('payment_pending').text).toMatch(/^Your payment is being processed; the order is safe\./);
    expect(orderStatusText('cancelled').text).toBe('This order was cancelled because the payment was declined. Nothing was charged.');
    expect(orderStatusText('shipped').label).toBe('Shipped');
  });
  test('the timeline: placed → confirmed → shipped', () => {
    const row = (s: OrderStatus) => (['placed', 'confirmed', 'shipped'] as const).map((step) => stepState(s, step));
    expect(row('payment_pending')).toEqual(['todo', 'todo', 'todo']);
    expect(row('placed')).toEqual(['current', 'todo', 'todo']);
    expect(row('confirmed')).toEqual(['done', 'current', 'todo']);
    expect(row('shipped')).toEqual(['done', 'done', 'done']);
    expect(row('cancelled')).toEqual(['todo', 'todo', 'todo']);
  });
  test('polling stops at exactly the statuses the contract makes final', async () => {
    const { ORDER_TRANSITIONS } = await import('@surge-lab/contracts/orders');
    const final = ORDER_STATUSES.filter((s) => ORDER_TRANSITIONS[s].length === 0);
    expect([...FINAL_STATUSES].sort()).toEqual([...final].sort());
  });
  test('prices', () => {
    expect(formatPrice(1999)).toBe('$19.99');
    expect(formatPrice(100000)).toBe('$1,000.00');
  });
});
