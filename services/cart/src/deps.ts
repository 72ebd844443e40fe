// Wires the data-access layer and the sweeper from config and a Redis client; shared by
// start.ts and the live test, so the test runs exactly the production wiring.

import type { Service } from '@surge-lab/kit';
import type { Redis } from 'ioredis';
import type { CartDeps } from './app.ts';
import type { CartConfig } from './config.ts';
import { createCartStore } from './data-access/cart-store.ts';
import { createCatalogClient } from './data-access/catalog.ts';
import { guardRedis } from './data-access/redis.ts';
import { type Sweeper, startSweeper } from './sweeper.ts';

export function createDeps(svc: Service, config: CartConfig, redis: Redis): CartDeps & { sweeper: Sweeper } {
  const { run, ping } = guardRedis(redis, svc.metrics, config.REDIS_COMMAND_TIMEOUT_MS);
  const carts = createCartStore(run, { idleMs: config.CART_IDLE_DAYS * 86_400_000 });
  const catalog = createCatalogClient(
    { baseUrl: config.CATALOG_URL, timeoutMs: config.CATALOG_TIMEOUT_MS, capacity: config.CATALOG_CAPACITY, snapshotMax: config.SNAPSHOT_CACHE_MAX },
    run,
    svc.metrics,
    (err) => svc.logger.warn({ err: String(err) }, 'product snapshot write failed'),
  );
  const sweeper = startSweeper(carts, { intervalMs: config.SWEEP_INTERVAL_MS, logger: svc.logger, metrics: svc.metrics });
  return { carts, catalog, pingRedis: ping, sweeper };
}
