import { openApiDocument } from '@surge-lab/contracts/openapi';
import { AppError, type Service } from '@surge-lab/kit';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { CacheResult, LayeredCache } from './data-access/layered-cache.ts';
import type { ProductsRepo } from './data-access/products-repo.ts';
import { encodeCursor, ListQuery, listKey, ProductIdParam, ProductPatch, productSvg, toProduct } from './domain/products.ts';

export interface CatalogDeps {
  repo: ProductsRepo;
  cache: LayeredCache;
  /** Publishes invalidations to every replica (pub/sub). */
  publisher: Pick<Redis, 'publish'>;
  adminToken: string;
  /** How far behind the replica reads come from is (seconds; undefined: unknown). */
  replicaLagSeconds?: () => number | undefined;
  /** Reads are marked stale while the replica is further behind than this. */
  staleAfterSeconds?: number;
}

export const INVALIDATION_CHANNEL = 'catalog:invalidate';

// The edge may keep a page for 15 s, revalidate in the background for 30 s more, and serve its
// copy for 10 minutes when the origin fails. Stale answers are not to be cached again.
const CACHEABLE = 'public, max-age=5, s-maxage=15, stale-while-revalidate=30, stale-if-error=600';
const STALE = 'public, max-age=0, s-maxage=1';

// A read is stale when it came from a cache past its freshness (the database failed), or when the
// replica behind it lags the leader by more than the limit (a region far behind, or cut off).
function sendCached(req: Request, res: Response, r: CacheResult, lagSeconds?: number): void {
  const stale = r.stale || lagSeconds !== undefined;
  res.setHeader('ETag', r.etag);
  res.setHeader('Cache-Control', stale ? STALE : CACHEABLE);
  res.setHeader('X-Cache-Layer', r.source);
  if (lagSeconds !== undefined) res.setHeader('X-Replication-Lag', lagSeconds.toFixed(1));
  if (stale) {
    res.setHeader('X-Data-Stale', 'true');
    res.setHeader('Warning', '110 - "Response is Stale"');
  }
  if (req.headers['if-none-match'] === r.etag) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(r.body);
}

export function buildApp(svc: Service, deps: CatalogDeps) {
  const app = svc.app();
  const { repo, cache } = deps;
  const laggingBy = () => {
    const lag = deps.replicaLagSeconds?.();
    return lag !== undefined && lag > (deps.staleAfterSeconds ?? 5) ? lag : undefined;
  };
  const productBody = (id: string) =>
    cache.get(`product:${id}`, async () => {
      const row = await repo.byId(id);
      return row ? JSON.stringify(toProduct(row)) : undefined;
    });
  const notFound = (id: string) => new AppError({ code: 'PRODUCT_NOT_FOUND', message: `no product ${id}`, details: { productId: id } });

  const openApi = JSON.stringify(openApiDocument);
  app.get('/api/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/json').send(openApi);
  });

  app.get('/api/products', async (req, res) => {
    const q = ListQuery.parse(req.query);
    const r = await cache.get(listKey(q), async () => {
      const rows = await repo.list(q);
      const page = rows.slice(0, q.limit);
      const nextCursor = rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null;
      return JSON.stringify({ items: page.map(toProduct), nextCursor });
    });
    sendCached(req, res, r!, laggingBy());
  });

  app.get('/api/categories', async (req, res) => {
    const r = await cache.get('categories', async () => JSON.stringify({ categories: await repo.categories() }));
    sendCached(req, res, r!, laggingBy());
  });

  app.get('/api/products/:id', async (req, res) => {
    const { id } = ProductIdParam.parse(req.params);
    const r = await productBody(id);
    if (!r) throw notFound(id);
    sendCached(req, res, r, laggingBy());
  });

  app.get('/api/products/:id/image.svg', async (req, res) => {
    const { id } = ProductIdParam.parse(req.params);
    const r = await productBody(id);
    if (!r) throw notFound(id);
    res.setHeader('Cache-Control', 'public, max-age=86400, immutable');
    res.type('image/svg+xml').send(productSvg(JSON.parse(r.body)));
  });

  app.patch('/api/products/:id', async (req, res) => {
    if (req.headers.authorization !== `Bearer ${deps.adminToken}`) {
      throw new AppError({ code: 'REQUEST_UNAUTHORIZED', message: 'admin token required (Authorization: Bearer <token>)' });
    }
    const { id } = ProductIdParam.parse(req.params);
    const patch = ProductPatch.parse(req.body ?? {});
    const row = await repo.patch(id, patch);
    // Invalidate: Redis copy now, every replica's L1 through pub/sub. A Redis outage here leaves
    // caches to expire by themselves (fresh window), which the response says.
    let invalidated = true;
    try {
      await cache.evictShared(`product:${id}`);
      await deps.publisher.publish(INVALIDATION_CHANNEL, id);
    } catch (err) {
      invalidated = false;
      svc.logger.warn({ err: (err as Error).message, productId: id }, 'cache invalidation failed');
    }
    cache.evictLocal(`product:${id}`);
    cache.evictLocalPrefix('list:');
    res.setHeader('Cache-Control', 'no-store');
    if (!invalidated) res.setHeader('X-Cache-Invalidation', 'deferred');
    res.json(toProduct(row));
  });

  return svc.finish(app);
}
