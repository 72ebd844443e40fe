// The checkout flow in-process against fakes of its ports: every outcome, the state it leaves in
// the shop, the calls it makes to the cart and payment services, and what it counts.

import { AppError, DependencyError } from '@surge-lab/kit';
import { describe, expect, test } from 'vitest';
import { fingerprint } from '../../src/domain/checkout.ts';
import { placeOrder } from '../../src/domain/place-order.ts';
import { CART_ID, EMPTY_CART_ID, fakeShop } from './fakes.ts';

const request = { cartId: CART_ID, email: 'shopper@example.com' };
const KEY = 'order-key-0001';

describe('placeOrder', () => {
  test('a cart in stock is placed: units taken, charged once for the total, order paid', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    const outcome = await placeOrder(ports, { key: KEY, request });
    expect(outcome).toMatchObject({ kind: 'placed', order: { status: 'placed', paymentId: 'ch-1', totalCents: 2 * 800 + 2_500, email: request.email } });
    if (outcome.kind !== 'placed') throw new Error('unreachable');
    expect(orders.orders.get(outcome.order.id)).toMatchObject({ status: 'placed', paymentId: 'ch-1' });
    expect([orders.stock('p-00001'), orders.stock('p-00002')]).toEqual([9, 1]);
    expect(payment.charges).toEqual([{ id: outcome.order.id, totalCents: 4_100, email: request.email }]);
    expect(counters).toMatchObject({ orders: ['placed'], payments: ['captured'] });
  });

  test('lines are merged per product and sorted before the order transaction', async () => {
    const { ports, orders, cart } = fakeShop();
    cart.carts.set(CART_ID, [
      { productId: 'p-00002', quantity: 1 },
      { productId: 'p-00001', quantity: 1 },
      { productId: 'p-00002', quantity: 1 },
    ]);
    const placed: unknown[] = [];
    const place = orders.place.bind(orders);
    orders.place = async (o) => {
      placed.push(o.lines);
      return place(o);
    };
    await placeOrder(ports, { key: KEY, request });
    expect(placed).toEqual([
      [
        { productId: 'p-00001', quantity: 1 },
        { productId: 'p-00002', quantity: 2 },
      ],
    ]);
  });

  test('the same key with the same body replays the first order: no cart read, no second charge, stock taken once', async () => {
    const { ports, orders, cart, payment, counters } = fakeShop();
    const first = await placeOrder(ports, { key: KEY, request });
    const again = await placeOrder(ports, { key: KEY, request: { ...request, email: 'SHOPPER@example.com' } });
    if (first.kind !== 'placed') throw new Error('unreachable');
    expect(again).toEqual({ kind: 'replayed', order: { ...first.order, updatedAt: expect.any(String) } });
    expect(cart.reads).toHaveLength(1);
    expect(payment.charges).toHaveLength(1);
    expect(orders.orders.size).toBe(1);
    expect(orders.stock('p-00002')).toBe(1);
    expect(counters.orders).toEqual(['placed', 'replayed']);
  });

  test('the same key with a different body is refused as key_reused; nothing is read, placed or charged', async () => {
    const { ports, orders, cart, payment, counters } = fakeShop();
    await placeOrder(ports, { key: KEY, request });
    const reuse = await placeOrder(ports, { key: KEY, request: { ...request, email: 'someone-else@example.com' } });
    expect(reuse).toEqual({ kind: 'key_reused' });
    expect(cart.reads).toHaveLength(1);
    expect(orders.orders.size).toBe(1);
    expect(payment.charges).toHaveLength(1);
    expect(counters.orders).toEqual(['placed']);
  });

  test('a key whose order is still being placed is answered in_progress without touching the cart', async () => {
    const { ports, orders, cart } = fakeShop();
    orders.keys.set(KEY, { fingerprint: fingerprint(request), orderId: null });
    expect(await placeOrder(ports, { key: KEY, request })).toEqual({ kind: 'in_progress' });
    expect(cart.reads).toEqual([]);
    expect(orders.calls).toEqual(['findReplay']);
  });

  test('when a concurrent request with the same key wins the race, its order is replayed and not charged again', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    orders.beforePlace = () => {
      orders.beforePlace = undefined;
      const won = { id: '9b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d', status: 'placed' as const, email: request.email, totalCents: 4_100, lines: [], paymentId: 'ch-rival', createdAt: '', updatedAt: '' };
      orders.orders.set(won.id, won);
      orders.keys.set(KEY, { fingerprint: fingerprint(request), orderId: won.id });
    };
    const outcome = await placeOrder(ports, { key: KEY, request });
    expect(outcome).toMatchObject({ kind: 'replayed', order: { id: '9b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d', paymentId: 'ch-rival' } });
    expect(payment.charges).toEqual([]);
    expect(orders.stock('p-00002')).toBe(3);
    expect(counters.orders).toEqual(['replayed']);
  });

  test('when the key races with a different body, the refusal is counted as rejected', async () => {
    const { ports, orders, counters } = fakeShop();
    orders.beforePlace = () => {
      orders.keys.set(KEY, { fingerprint: 'another-body', orderId: 'x' });
    };
    expect(await placeOrder(ports, { key: KEY, request })).toEqual({ kind: 'key_reused' });
    expect(counters.orders).toEqual(['rejected']);
  });

  test('when a line is short of stock, the order is refused as out_of_stock naming it; no stock taken, nothing charged', async () => {
    const { ports, orders, cart, payment, counters } = fakeShop();
    cart.carts.set(CART_ID, [
      { productId: 'p-00001', quantity: 1 },
      { productId: 'p-00002', quantity: 4 },
    ]);
    expect(await placeOrder(ports, { key: KEY, request })).toEqual({ kind: 'out_of_stock', productId: 'p-00002', requested: 4, available: 3 });
    expect([orders.stock('p-00001'), orders.stock('p-00002')]).toEqual([10, 3]);
    expect(orders.orders.size).toBe(0);
    expect(payment.charges).toEqual([]);
    expect(counters).toMatchObject({ orders: ['out_of_stock'], payments: [] });
  });

  test('a product that no longer exists is refused as product_not_found, counted as rejected, nothing charged', async () => {
    const { ports, orders, cart, payment, counters } = fakeShop();
    cart.carts.set(CART_ID, [{ productId: 'p-09999', quantity: 1 }]);
    expect(await placeOrder(ports, { key: KEY, request })).toEqual({ kind: 'product_not_found', productId: 'p-09999' });
    expect(orders.orders.size).toBe(0);
    expect(payment.charges).toEqual([]);
    expect(counters.orders).toEqual(['rejected']);
  });

  test('an empty cart is refused as cart_empty before any order is attempted', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    expect(await placeOrder(ports, { key: KEY, request: { ...request, cartId: EMPTY_CART_ID } })).toEqual({ kind: 'cart_empty', cartId: EMPTY_CART_ID });
    expect(orders.calls).toEqual(['findReplay']);
    expect(payment.charges).toEqual([]);
    expect(counters.orders).toEqual([]);
  });

  test('a cart that does not exist is refused as cart_not_found', async () => {
    const { ports, orders } = fakeShop();
    const cartId = '4f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f';
    expect(await placeOrder(ports, { key: KEY, request: { ...request, cartId } })).toEqual({ kind: 'cart_not_found', cartId });
    expect(orders.calls).toEqual(['findReplay']);
  });

  test('when payment is declined, the order is cancelled and its units go back into stock', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    payment.answer = () => ({ kind: 'declined', reason: 'payment declined' });
    const outcome = await placeOrder(ports, { key: KEY, request });
    const [order] = [...orders.orders.values()];
    expect(outcome).toEqual({ kind: 'declined', orderId: order!.id, reason: 'payment declined' });
    expect(order!.status).toBe('cancelled');
    expect([orders.stock('p-00001'), orders.stock('p-00002')]).toEqual([10, 3]);
    expect(orders.calls).toEqual(['findReplay', 'place', 'cancelUnpaid']);
    expect(counters).toMatchObject({ orders: ['payment_declined'], payments: ['declined'] });
  });

  test('when payment times out, the order is accepted as payment_pending: it stands, its units stay taken', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    payment.answer = () => {
      throw new DependencyError('checkout-payment', { timeout: true });
    };
    const outcome = await placeOrder(ports, { key: KEY, request });
    expect(outcome).toMatchObject({ kind: 'payment_pending', order: { status: 'payment_pending', paymentId: null } });
    const [order] = [...orders.orders.values()];
    expect(order).toMatchObject({ status: 'payment_pending', paymentId: null });
    expect(orders.stock('p-00002')).toBe(1);
    expect(payment.charges).toHaveLength(1);
    expect(orders.calls).toEqual(['findReplay', 'place']);
    expect(counters).toMatchObject({ orders: ['payment_pending'], payments: ['deferred'] });
  });

  test('when the payment breaker is open, the order is accepted as payment_pending', async () => {
    const { ports, payment, counters } = fakeShop();
    payment.answer = () => {
      throw new DependencyError('checkout-payment', { retryAfter: 5 });
    };
    expect(await placeOrder(ports, { key: KEY, request })).toMatchObject({ kind: 'payment_pending' });
    expect(counters).toMatchObject({ orders: ['payment_pending'], payments: ['deferred'] });
  });

  test('when the order left payment_pending while being charged, it is answered payment_pending as placed', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    payment.answer = () => {
      for (const o of orders.orders.values()) Object.assign(o, { status: 'placed', paymentId: 'ch-by-the-capture-job' });
      return { kind: 'captured', chargeId: 'ch-0' };
    };
    expect(await placeOrder(ports, { key: KEY, request })).toMatchObject({ kind: 'payment_pending', order: { status: 'payment_pending', paymentId: null } });
    expect(counters).toMatchObject({ orders: ['payment_pending'], payments: ['captured'] });
  });

  test('a payment refusal that is not operational (its bulkhead full) propagates; the order stays for the capture job', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    const full = new AppError({ code: 'OVERLOADED', message: 'too many concurrent calls to checkout-payment', retryAfter: 1 });
    payment.answer = () => {
      throw full;
    };
    await expect(placeOrder(ports, { key: KEY, request })).rejects.toBe(full);
    expect([...orders.orders.values()].map((o) => o.status)).toEqual(['payment_pending']);
    expect(counters).toMatchObject({ orders: [], payments: [] });
  });

  test('when the cart service is down, its DependencyError propagates and no order is attempted', async () => {
    const { ports, orders, cart, payment, counters } = fakeShop();
    const down = new DependencyError('checkout-cart');
    cart.failure = down;
    await expect(placeOrder(ports, { key: KEY, request })).rejects.toBe(down);
    expect(orders.calls).toEqual(['findReplay']);
    expect(payment.charges).toEqual([]);
    expect(counters.orders).toEqual([]);
  });

  test('when the database is down, its DependencyError propagates before the cart is read', async () => {
    const { ports, orders, cart, counters } = fakeShop();
    const down = new DependencyError('checkout-db-read');
    orders.failure = down;
    await expect(placeOrder(ports, { key: KEY, request })).rejects.toBe(down);
    expect(cart.reads).toEqual([]);
    expect(counters.orders).toEqual([]);
  });

  test('when the order transaction fails operationally, the error propagates counted as rejected; nothing charged', async () => {
    const { ports, orders, payment, counters } = fakeShop();
    const down = new DependencyError('checkout-db-order');
    orders.beforePlace = () => {
      throw down;
    };
    await expect(placeOrder(ports, { key: KEY, request })).rejects.toBe(down);
    expect(payment.charges).toEqual([]);
    expect(counters.orders).toEqual(['rejected']);
  });

  test('when the order bulkhead is full, OVERLOADED propagates counted as shed', async () => {
    const { ports, orders, counters } = fakeShop();
    orders.beforePlace = () => {
      throw new AppError({ code: 'OVERLOADED', message: 'too many concurrent calls to checkout-db-order', retryAfter: 1 });
    };
    await expect(placeOrder(ports, { key: KEY, request })).rejects.toMatchObject({ code: 'OVERLOADED' });
    expect(counters.orders).toEqual(['shed']);
  });
});
