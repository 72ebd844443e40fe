import { describe, expect, test } from 'vitest';
import { pgQuery } from './lab.ts';
import { api, cartWith, checkout, checkoutRetryingShed, dbStock, newKey, setStock } from './shop.ts';

describe('POST /api/checkout under contention', () => {
  test('1 unit left and 50 concurrent checkouts: exactly 1 order, 49 answered 409 naming the product, stock 0', async () => {
    const product = 'p-04901';
    await setStock(product, 1);
    const carts = await Promise.all(Array.from({ length: 50 }, () => cartWith({ [product]: 1 })));
    const answers = await Promise.all(carts.map((c) => checkoutRetryingShed(c)));
    const won = answers.filter((a) => a.status === 201 || a.status === 202);
    const lost = answers.filter((a) => a.status === 409);
    const others = answers.filter((a) => a.status !== 409).map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 160)}`);
    expect(won, `the answers that were not 409: ${others.join('; ')}`).toHaveLength(1);
    expect(lost, `the answers that were not 409: ${others.join('; ')}`).toHaveLength(49);
    for (const a of lost) {
      expect(a.body.error.code).toBe('OUT_OF_STOCK');
      expect(a.body.error.details.productId).toBe(product);
    }
    expect(await dbStock(product)).toBe(0);
    const [{ n }] = (await pgQuery<{ n: number }>('PG_RW_PORT', 'SELECT count(*)::int AS n FROM order_items WHERE product_id = $1 AND order_id = $2', [product, won[0]!.body.id])) as [{ n: number }];
    expect(n).toBe(1);
  });

  test('the same Idempotency-Key sent 20 times at once makes exactly 1 order, and every answer is that order', async () => {
    const product = 'p-04902';
    await setStock(product, 100);
    const cart = await cartWith({ [product]: 2 });
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkoutRetryingShed(cart, key)));
    expect(answers.every((a) => [200, 201, 202].includes(a.status))).toBe(true);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    const rows = await pgQuery('PG_RW_PORT', 'SELECT order_id FROM idempotency_keys WHERE key = $1', [key]);
    expect(rows).toHaveLength(1);
    expect(await dbStock(product)).toBe(98);
  });

  test('the same key with a different body is refused with 422 and writes nothing', async () => {
    const product = 'p-04903';
    await setStock(product, 10);
    const cart = await cartWith({ [product]: 1 });
    const key = newKey();
    expect((await checkout(cart, key, 'first@example.com')).status).toBeLessThan(300);
    const again = await checkout(cart, key, 'second@example.com');
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await dbStock(product)).toBe(9);
  });

  test('stock is never negative, whatever the orders did', async () => {
    const rows = await pgQuery<{ n: number }>('PG_RW_PORT', 'SELECT count(*)::int AS n FROM products WHERE stock < 0');
    expect(rows[0]!.n).toBe(0);
  });

  test('GET /api/orders/{id} returns the order with its lines and total', async () => {
    const product = 'p-04904';
    await setStock(product, 10);
    const cart = await cartWith({ [product]: 3 });
    const placed = await checkout(cart);
    const order = await api('GET', `/api/orders/${placed.body.id}`);
    expect(order.status).toBe(200);
    expect(order.body.lines).toEqual([expect.objectContaining({ productId: product, quantity: 3 })]);
    expect(order.body.totalCents).toBe(3 * order.body.lines[0]!.priceCents);
  });

  test('a declined payment (test address +decline) answers 402, cancels the order and puts its units back', async () => {
    const product = 'p-04905';
    await setStock(product, 10);
    const cart = await cartWith({ [product]: 3 });
    const key = newKey();
    const declined = await checkout(cart, key, 'shopper+decline@example.com');
    expect(declined.status).toBe(402);
    expect(declined.body.error.code).toBe('PAYMENT_DECLINED');
    const orderId = declined.body.error.details.orderId as string;
    expect((await api('GET', `/api/orders/${orderId}`)).body.status).toBe('cancelled');
    expect(await dbStock(product)).toBe(10);
    // The order's event is never released: nothing to fulfil.
    expect(await pgQuery('PG_RW_PORT', 'SELECT released_at FROM outbox WHERE order_id = $1', [orderId])).toEqual([{ released_at: null }]);
    // A retry with the same key is answered with the cancelled order, not a second attempt.
    const retry = await checkout(cart, key, 'shopper+decline@example.com');
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: orderId, status: 'cancelled' });
  });

  test('an address with an apostrophe, a plus and Unicode letters is accepted and paid (checkout and payment agree)', async () => {
    const product = 'p-04906';
    await setStock(product, 10);
    const placed = await checkout(await cartWith({ [product]: 1 }), newKey(), "o'brien+ünïcödé@example.com");
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('placed');
  });
});
