// A small client of the shop API through the edge, for the live suites.
import { randomUUID } from 'node:crypto';
import { sleep } from '@surge-lab/lab';
import { edgeUrl, env, pgQuery } from './lab.ts';

/**
 * A shop answer's JSON as the suites read it when they name no type: a product, a page, a cart, an
 * order or an error, each test reading the fields its answer has.
 */
export interface ShopBody {
  id: string;
  status: string;
  email: string;
  priceCents: number;
  totalCents: number;
  nextCursor: string;
  items: { id: string; productId: string; quantity: number; priceCents: number }[];
  lines: { productId: string; quantity: number; priceCents: number }[];
  error: { code: string; message: string; details: Record<string, unknown> };
}

export interface Answer<T = ShopBody> {
  status: number;
  headers: Headers;
  body: T;
}

/** A shop call through region A's front door, or through `base` (region B's: lab.endpoints.url('edge-b')). */
export async function api<T = ShopBody>(method: string, path: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string>; base?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const res = await fetch(`${opts.base ?? edgeUrl()}${path}`, { method, headers, body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

export const adminHeaders = () => ({ authorization: `Bearer ${env.ADMIN_TOKEN}` });

/** Sets a product's stock through the admin API (the way an operator would). */
export async function setStock(productId: string, stock: number): Promise<void> {
  const r = await api('PATCH', `/api/products/${productId}`, { body: { stock }, headers: adminHeaders() });
  if (r.status !== 200) throw new Error(`PATCH stock of ${productId}: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function dbStock(productId: string): Promise<number> {
  const [row] = await pgQuery<{ stock: number }>('PG_RW_PORT', 'SELECT stock FROM products WHERE id = $1', [productId]);
  return row!.stock;
}

export async function cartWith(items: Record<string, number>, base?: string): Promise<string> {
  const at = base === undefined ? {} : { base };
  const c = await api<{ id: string }>('POST', '/api/carts', at);
  if (c.status !== 201) throw new Error(`create cart: ${c.status} ${JSON.stringify(c.body)}`);
  for (const [productId, quantity] of Object.entries(items)) {
    const r = await api('PUT', `/api/carts/${c.body.id}/items/${productId}`, { body: { quantity }, ...at });
    if (r.status !== 200) throw new Error(`add ${productId}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return c.body.id;
}

export const newKey = () => `test-${randomUUID()}`;

export function checkout(cartId: string, key = newKey(), email = 'shopper@example.com', base?: string) {
  return api('POST', '/api/checkout', { body: { cartId, email }, headers: { 'idempotency-key': key }, ...(base === undefined ? {} : { base }) });
}

/**
 * A checkout as a shopper's client sends it: a replica whose event loop is late sheds with 429
 * OVERLOADED and Retry-After before doing any work (as it may right after a heavier suite), and the
 * client sends the same request (same Idempotency-Key) again after that wait, up to three times.
 */
export async function checkoutRetryingShed(cartId: string, key = newKey()) {
  let a = await checkout(cartId, key);
  for (let i = 0; i < 3 && a.status === 429 && a.body.error?.code === 'OVERLOADED'; i++) {
    await sleep(Number(a.headers.get('retry-after') ?? 1) * 1_000);
    a = await checkout(cartId, key);
  }
  return a;
}
