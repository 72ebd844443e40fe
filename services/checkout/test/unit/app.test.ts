// The checkout routes through buildApp on port 0 against fakes of the ports: each outcome's
// status, error code and headers, and the counters the dashboards read. No Docker.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createService, DependencyError } from '@surge-lab/kit';
import { afterEach, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { fingerprint } from '../../src/domain/checkout.ts';
import { CART_ID, EMPTY_CART_ID, fakeShop } from './fakes.ts';

/** The answer's body as the tests read it: an order's id, or the error (present in what each test checks). */
interface Answer {
  id: string;
  error: { code: string; message: string; details: unknown };
}

let server: Server | undefined;
afterEach(
  () =>
    new Promise<void>((r) => {
      if (server) server.close(() => r());
      else r();
      server = undefined;
    }),
);

async function start() {
  const shop = fakeShop();
  const app = buildApp(createService('checkout', { logLevel: 'silent' }), { orders: shop.orders, cart: shop.cart, payment: shop.payment });
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (b: unknown, key: string | null = 'order-key-0001') => {
    const res = await fetch(`${base}/api/checkout`, {
      method: 'POST',
      body: JSON.stringify(b),
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer };
  };
  const metric = async (name: string, label: string) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return { ...shop, base, post, metric };
}

const body = { cartId: CART_ID, email: 'shopper@example.com' };

describe('POST /api/checkout (in-memory)', () => {
  test('placed → 201 with Location and the paid order; counted placed and captured', async () => {
    const s = await start();
    const res = await s.post(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'placed', paymentId: 'ch-1', totalCents: 4_100 });
    expect(res.headers.get('location')).toBe(`/api/orders/${res.body.id}`);
    expect(await s.metric('orders_total', 'outcome="placed"')).toBe(1);
    expect(await s.metric('payments_total', 'result="captured"')).toBe(1);
  });

  test('replayed → 200 with Idempotent-Replayed and the same order, no Location', async () => {
    const s = await start();
    const first = await s.post(body);
    const again = await s.post(body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBeNull();
    expect(again.body.id).toBe(first.body.id);
    expect(await s.metric('orders_total', 'outcome="replayed"')).toBe(1);
  });

  test('key reused with a different body → 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const s = await start();
    await s.post(body);
    const res = await s.post({ ...body, email: 'other@example.com' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: { header: 'Idempotency-Key' } });
  });

  test('key in progress → 409 IDEMPOTENCY_IN_PROGRESS with Retry-After: 1', async () => {
    const s = await start();
    s.orders.keys.set('order-key-0001', { fingerprint: fingerprint(body), orderId: null });
    const res = await s.post(body);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(res.headers.get('retry-after')).toBe('1');
  });

  test('out of stock → 409 OUT_OF_STOCK naming the product, wanted and left; counted out_of_stock', async () => {
    const s = await start();
    s.cart.carts.set(CART_ID, [{ productId: 'p-00002', quantity: 5 }]);
    const res = await s.post(body);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'OUT_OF_STOCK', message: 'not enough stock of p-00002: 5 wanted, 3 left', details: { productId: 'p-00002', requested: 5, available: 3 } });
    expect(await s.metric('orders_total', 'outcome="out_of_stock"')).toBe(1);
  });

  test('a product gone from the catalogue → 404 PRODUCT_NOT_FOUND', async () => {
    const s = await start();
    s.cart.carts.set(CART_ID, [{ productId: 'p-09999', quantity: 1 }]);
    const res = await s.post(body);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'PRODUCT_NOT_FOUND', details: { productId: 'p-09999' } });
  });

  test('declined → 402 PAYMENT_DECLINED with the order id; counted payment_declined and declined', async () => {
    const s = await start();
    s.payment.answer = () => ({ kind: 'declined', reason: 'payment declined' });
    const res = await s.post(body);
    expect(res.status).toBe(402);
    const [order] = [...s.orders.orders.values()];
    expect(res.body.error).toMatchObject({ code: 'PAYMENT_DECLINED', message: 'payment declined', details: { orderId: order!.id } });
    expect(await s.metric('orders_total', 'outcome="payment_declined"')).toBe(1);
    expect(await s.metric('payments_total', 'result="declined"')).toBe(1);
  });

  test('payment times out → 202 payment_pending with Location; counted payment_pending and deferred', async () => {
    const s = await start();
    s.payment.answer = () => {
      throw new DependencyError('checkout-payment', { timeout: true });
    };
    const res = await s.post(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'payment_pending', paymentId: null });
    expect(res.headers.get('location')).toBe(`/api/orders/${res.body.id}`);
    expect(await s.metric('orders_total', 'outcome="payment_pending"')).toBe(1);
    expect(await s.metric('payments_total', 'result="deferred"')).toBe(1);
  });

  test('cart empty → 409 CART_EMPTY; cart not found → 404 CART_NOT_FOUND', async () => {
    const s = await start();
    const empty = await s.post({ ...body, cartId: EMPTY_CART_ID });
    expect(empty.status).toBe(409);
    expect(empty.body.error).toMatchObject({ code: 'CART_EMPTY', details: { cartId: EMPTY_CART_ID } });
    const missing = await s.post({ ...body, cartId: '4f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f' }, 'order-key-0002');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CART_NOT_FOUND');
  });

  test('cart service down → 503 DEPENDENCY_UNAVAILABLE with Retry-After', async () => {
    const s = await start();
    s.cart.failure = new DependencyError('checkout-cart');
    const res = await s.post(body);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', details: { dependency: 'checkout-cart' } });
    expect(res.headers.get('retry-after')).toBe('2');
  });

  test('database down → 503 DEPENDENCY_UNAVAILABLE; the order transaction failing → 503 counted rejected', async () => {
    const s = await start();
    s.orders.failure = new DependencyError('checkout-db-read');
    expect((await s.post(body)).status).toBe(503);
    s.orders.failure = undefined;
    s.orders.beforePlace = () => {
      throw new DependencyError('checkout-db-order');
    };
    const res = await s.post(body);
    expect(res.status).toBe(503);
    expect(res.body.error.details).toEqual({ dependency: 'checkout-db-order' });
    expect(await s.metric('orders_total', 'outcome="rejected"')).toBe(1);
  });

  test('a missing Idempotency-Key → 400; an invalid body → 400 REQUEST_VALIDATION_FAILED; nothing read', async () => {
    const s = await start();
    const noKey = await s.post(body, null);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('REQUEST_MISSING_IDEMPOTENCY_KEY');
    const bad = await s.post({ ...body, coupon: 'FREE' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
    expect(s.orders.calls).toEqual([]);
  });
});

describe('GET /api/orders/{id} (in-memory)', () => {
  test('an order → 200 with Cache-Control: no-store; unknown → 404 ORDER_NOT_FOUND; malformed → 400', async () => {
    const s = await start();
    const placed = await s.post(body);
    const res = await fetch(`${s.base}/api/orders/${placed.body.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ id: placed.body.id, status: 'placed' });
    const unknown = await fetch(`${s.base}/api/orders/6b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('ORDER_NOT_FOUND');
    expect((await fetch(`${s.base}/api/orders/nope`)).status).toBe(400);
  });
});
