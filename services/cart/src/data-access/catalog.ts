// Products from catalog over HTTP, guarded (timeout, idempotent retries, breaker, bulkhead).
// Every answer is kept as a last-known snapshot (in-process LRU, then Redis `cart:snap:{id}`
// with a one-day TTL so Redis may evict it); when catalog is down or slow the snapshot answers
// and the result is marked stale. A catalog 404 is a business answer, never a breaker failure.

import { Product } from '@surge-lab/contracts/products';
import { AppError, budgetHeaders, DependencyError, guard, httpRequest, Lru, type Metrics } from '@surge-lab/kit';
import type { ProductLookup } from '../domain/cart.ts';
import type { RedisRun } from './redis.ts';

export const snapshotKey = (productId: string) => `cart:snap:${productId}`;
const SNAPSHOT_TTL_S = 86_400;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  } // a corrupt snapshot is no snapshot
}

export interface CatalogClient {
  /** The product, possibly stale; throws AppError PRODUCT_NOT_FOUND or DependencyError. */
  product(productId: string): Promise<{ product: Product; stale: boolean }>;
  /** Like product(), but a product catalog no longer has is `{ missing: true }`. */
  lookup(productId: string): Promise<ProductLookup>;
  ping(signal: AbortSignal): Promise<unknown>;
}

export interface CatalogOptions {
  baseUrl: string;
  timeoutMs: number;
  capacity: number;
  snapshotMax: number;
}

export function createCatalogClient(opts: CatalogOptions, redis: RedisRun, metrics: Metrics, onError: (err: unknown) => void): CatalogClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const lru = new Lru<Product>(opts.snapshotMax);

  async function remember(p: Product): Promise<void> {
    const known = lru.get(p.id);
    lru.set(p.id, p);
    // Only a new or changed product is written to Redis: one write per change, not per read.
    if (known?.version === p.version) return;
    await redis(`return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])`, [snapshotKey(p.id)], [JSON.stringify(p), SNAPSHOT_TTL_S]);
  }

  async function snapshot(productId: string): Promise<{ product: Product; stale: boolean }> {
    const cached = lru.get(productId);
    if (cached) return { product: cached, stale: true };
    const raw = await redis(`return redis.call('GET', KEYS[1])`, [snapshotKey(productId)], []);
    const parsed = typeof raw === 'string' ? Product.safeParse(parseJson(raw)) : undefined;
    if (!parsed?.success) throw new DependencyError('catalog'); // down, and nothing known to fall back on
    lru.set(productId, parsed.data);
    return { product: parsed.data, stale: true };
  }

  const fetchProduct = guard(
    metrics,
    {
      name: 'catalog',
      timeoutMs: opts.timeoutMs,
      idempotent: true,
      capacity: opts.capacity,
      fallback: snapshot,
    },
    async (signal, productId: string) => {
      const res = await httpRequest(`${base}/api/products/${encodeURIComponent(productId)}`, { signal, headers: { accept: 'application/json', ...budgetHeaders() } });
      if (res.status === 404) throw new AppError({ code: 'PRODUCT_NOT_FOUND', message: `no product ${productId}`, details: { productId } });
      if (res.status < 200 || res.status > 299) throw new Error(`catalog answered ${res.status}`); // operational: counts against the breaker
      const product = Product.parse(res.json());
      remember(product).catch(onError); // the snapshot is best effort; the answer does not wait for it
      // Catalog itself may be answering from its caches while its database is down.
      return { product, stale: res.headers['x-data-stale'] === 'true' };
    },
  );

  return {
    product: fetchProduct,
    async lookup(productId) {
      try {
        return await fetchProduct(productId);
      } catch (err) {
        if (err instanceof AppError && err.code === 'PRODUCT_NOT_FOUND') return { missing: true };
        throw err;
      }
    },
    async ping(signal) {
      const res = await httpRequest(`${base}/healthz`, { signal });
      if (res.status !== 200) throw new Error(`catalog /healthz answered ${res.status}`);
    },
  };
}
