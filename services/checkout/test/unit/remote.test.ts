// The cart and payment adapters against a scripted HTTP server: business answers become values,
// everything else the dependency's failure.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics, DependencyError } from '@surge-lab/kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cartClient, paymentClient } from '../../src/data-access/remote.ts';

let answer: { status: number; body: unknown } = { status: 200, body: {} };
const seen: { url: string; key: string | undefined }[] = [];
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined });
    req.resume().on('end', () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const order = { id: '0b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d', totalCents: 500, email: 'a@example.com' };

describe('cart adapter', () => {
  test('a cart answers its valid lines; a missing cart answers undefined', async () => {
    const cart = cartClient(base, createMetrics('checkout'));
    answer = {
      status: 200,
      body: {
        items: [
          { productId: 'p-00001', quantity: 2 },
          { productId: 'bogus', quantity: 1 },
          { productId: 'p-00002', quantity: 0 },
        ],
      },
    };
    expect(await cart.lines('c1')).toEqual([{ productId: 'p-00001', quantity: 2 }]);
    answer = { status: 404, body: { error: { code: 'CART_NOT_FOUND' } } };
    expect(await cart.lines('c2')).toBeUndefined();
  });
  test('a cart service failing is a DependencyError', async () => {
    answer = { status: 500, body: { error: { code: 'INTERNAL' } } };
    await expect(cartClient(base, createMetrics('checkout')).lines('c3')).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('payment adapter', () => {
  test('a charge is captured with its id, keyed by the order', async () => {
    answer = { status: 201, body: { chargeId: 'ch-9', status: 'captured' } };
    expect(await paymentClient(base, createMetrics('checkout'), 1_000).charge(order)).toEqual({ kind: 'captured', chargeId: 'ch-9' });
    expect(seen.at(-1)).toEqual({ url: '/charges', key: `order-${order.id}` });
  });
  test('402, and any refusal that will not change on retry, is declined', async () => {
    const payment = paymentClient(base, createMetrics('checkout'), 1_000);
    answer = { status: 402, body: { error: { code: 'PAYMENT_DECLINED' } } };
    expect(await payment.charge(order)).toEqual({ kind: 'declined', reason: 'payment declined' });
    answer = { status: 400, body: { error: { code: 'REQUEST_VALIDATION_FAILED' } } };
    expect(await payment.charge(order)).toEqual({ kind: 'declined', reason: 'the payment service refused the charge (400 REQUEST_VALIDATION_FAILED)' });
  });
  test('503 and 429 are the payment service failing, not a decline', async () => {
    const payment = paymentClient(base, createMetrics('checkout'), 1_000);
    for (const status of [503, 429]) {
      answer = { status, body: { error: { code: 'OVERLOADED' } } };
      await expect(payment.charge(order)).rejects.toBeInstanceOf(DependencyError);
    }
  });
});
