// The cart service's configuration, validated once at start (see the kit's loadConfig).
import { env, httpShape, loadConfig, redisShape } from '@surge-lab/kit';

export const cartShape = {
  ...httpShape,
  ...redisShape,
  CATALOG_URL: env.url(),
  CATALOG_TIMEOUT_MS: env.int(10, 10_000).default(500),
  /** Bulkhead: catalog calls in flight at once (a cart view fans out one call per line). */
  CATALOG_CAPACITY: env.int(1, 10_000).default(100),
  /** In-process last-known products kept as the fallback when catalog is down. */
  SNAPSHOT_CACHE_MAX: env.int(1, 1_000_000).default(5_000),
  CART_IDLE_DAYS: env.int(1, 365).default(7),
  SWEEP_INTERVAL_MS: env.int(1_000, 86_400_000).default(60_000),
};

export type CartConfig = ReturnType<typeof loadCartConfig>;

export const loadCartConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig('cart', cartShape, source);
