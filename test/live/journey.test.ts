import { waitFor } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { api, cartWith, checkout, setStock } from './shop.ts';

describe("a shopper's journey through the edge", () => {
  test('browse → cart → checkout → the order is placed, confirmed and shipped', async () => {
    const page = await api('GET', '/api/products?category=kitchen&limit=5');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(5);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await api('GET', `/api/products?category=kitchen&limit=5&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0]!.id > page.body.items[4]!.id).toBe(true);

    const [a, b] = page.body.items as { id: string; priceCents: number }[];
    await setStock(a!.id, 50);
    await setStock(b!.id, 50);
    const detail = await api('GET', `/api/products/${a!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.headers.get('etag')).toBeTruthy();

    const cart = await cartWith({ [a!.id]: 2, [b!.id]: 1 });
    const view = await api('GET', `/api/carts/${cart}`);
    expect(view.body.totalCents).toBe(2 * a!.priceCents + b!.priceCents);

    const placed = await checkout(cart);
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('placed');
    expect(placed.body.totalCents).toBe(2 * a!.priceCents + b!.priceCents);

    const seen = new Set<string>();
    await waitFor(
      'the order to ship',
      async () => {
        const o = await api('GET', `/api/orders/${placed.body.id}`);
        seen.add(o.body.status);
        return o.body.status === 'shipped';
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(seen.has('shipped')).toBe(true);
    expect([...seen].every((s) => ['placed', 'confirmed', 'shipped'].includes(s))).toBe(true);
  });
});
