// The storefront's client of the shop API (same origin, through the edge). One fetch wrapper:
// JSON in and out, the services' error format parsed into an ApiError, Retry-After read, network
// failures and timeouts turned into errors of their own kind, and the "stale data" markers read
// from the headers. No DOM here: the unit tests run it in Node against a local HTTP server.
// Types only (erased at build time): the bundle carries no zod.
import type { Order, OrderLine, OrderStatus } from '@surge-lab/contracts/orders';
import type { Product } from '@surge-lab/contracts/products';
import { ApiError, anySignal, type ErrorKind, errorFields } from '@surge-lab/web-kit/http';

export type { Order, OrderLine, OrderStatus, Product };

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}
export interface Category {
  name: string;
  count: number;
}
export interface CartItem {
  productId: string;
  name: string;
  priceCents: number;
  quantity: number;
  lineTotalCents: number;
  imageUrl: string;
}
export interface Cart {
  id: string;
  createdAt: string;
  items: CartItem[];
  itemCount: number;
  totalCents: number;
  stale: boolean;
  unavailable: string[];
}

export { ApiError, type ErrorKind };

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
  /** The data may be a few seconds old (served from a cache because its source is down). */
  stale: boolean;
  /** Checkout answered a retry of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * Seconds to wait from a Retry-After value: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; otherwise at least 1 and at most `max`.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now(), max = 300): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  let seconds: number;
  if (/^\d+$/.test(v)) seconds = Number(v);
  else {
    // HTTP-date (IMF-fixdate, RFC 850 or asctime): all start with a day name.
    if (!/^[A-Za-z]{3}/.test(v)) return undefined;
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(max, Math.max(1, seconds));
}

/**
 * Whether an answer's data is marked stale: the catalog and the cart set `X-Data-Stale: true`
 * when they answer from a cache because the database (or the catalog) is down. The edge's
 * `X-Cache-Status: STALE` is not used: nginx also reports it for its normal stale-while-revalidate
 * answers (measured: the first request after s-maxage), so it would show the notice on a healthy shop.
 */
export function isStale(headers: Headers): boolean {
  return headers.get('x-data-stale') === 'true';
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** '' in the browser (same origin); an absolute origin in tests. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Abort a call that has had no answer after this long (default 15 s, the edge's read timeout). */
  timeoutMs?: number;
  /** Told the region that served each answer (its X-Region header), errors included. */
  onRegion?: (region: string) => void;
}

export class ApiClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #onRegion: ((region: string) => void) | undefined;

  constructor(opts: ApiClientOptions = {}) {
    this.#onRegion = opts.onRegion;
    this.#baseUrl = opts.baseUrl ?? '';
    this.#fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = opts.signal ? anySignal(opts.signal, timeout) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(`${this.#baseUrl}${path}`, { method, headers, signal, body: opts.body === undefined ? null : JSON.stringify(opts.body) });
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted) throw err; // the caller gave up (left the page): not an error to show
      if (timeout.aborted) throw new ApiError({ kind: 'timeout', status: 0, code: 'TIMEOUT', message: `${method} ${path}: no answer within ${this.#timeoutMs} ms` });
      throw new ApiError({ kind: 'network', status: 0, code: 'NETWORK', message: `${method} ${path}: ${(err as Error).message}` });
    }
    const region = res.headers.get('x-region');
    if (region) this.#onRegion?.(region);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) throw errorFrom(res, body);
    return { status: res.status, body: body as T, headers: res.headers, stale: isStale(res.headers), replayed: res.headers.get('idempotent-replayed') === 'true' };
  }

  listProducts(q: { category?: string | undefined; q?: string | undefined; cursor?: string | undefined; limit?: number }, signal?: AbortSignal) {
    const params = new URLSearchParams();
    if (q.category) params.set('category', q.category);
    if (q.q) params.set('q', q.q);
    if (q.cursor) params.set('cursor', q.cursor);
    params.set('limit', String(q.limit ?? 12));
    return this.request<ProductPage>('GET', `/api/products?${params}`, signal ? { signal } : {});
  }

  categories(signal?: AbortSignal) {
    return this.request<{ categories: Category[] }>('GET', '/api/categories', signal ? { signal } : {});
  }

  product(id: string, signal?: AbortSignal) {
    return this.request<Product>('GET', `/api/products/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }

  createCart() {
    return this.request<Cart>('POST', '/api/carts');
  }

  cart(id: string, signal?: AbortSignal) {
    return this.request<Cart>('GET', `/api/carts/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }

  setQuantity(cartId: string, productId: string, quantity: number) {
    return this.request<Cart>('PUT', `/api/carts/${encodeURIComponent(cartId)}/items/${encodeURIComponent(productId)}`, { body: { quantity } });
  }

  removeItem(cartId: string, productId: string) {
    return this.request<Cart>('DELETE', `/api/carts/${encodeURIComponent(cartId)}/items/${encodeURIComponent(productId)}`);
  }

  checkout(cartId: string, email: string, idempotencyKey: string) {
    return this.request<Order>('POST', '/api/checkout', { body: { cartId, email }, headers: { 'idempotency-key': idempotencyKey } });
  }

  order(id: string, signal?: AbortSignal) {
    return this.request<Order>('GET', `/api/orders/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }
}

function errorFrom(res: Response, body: unknown): ApiError {
  return new ApiError({ kind: 'http', ...errorFields(res, body), retryAfterS: parseRetryAfter(res.headers.get('retry-after')) });
}
