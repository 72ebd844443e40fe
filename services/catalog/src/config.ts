import { env, httpShape, loadConfig, pgShape, redisShape } from '@surge-lab/kit';

export function catalogConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'catalog',
    {
      ...httpShape,
      ...pgShape,
      ...redisShape,
      ADMIN_TOKEN: env.string().min(12, 'must be at least 12 characters'),
      /** A cached product is served as fresh this long; older copies only when the database fails. */
      CACHE_FRESH_SECONDS: env.int(1, 3_600).default(30),
      /** Hard lifetime of a Redis copy (kept long so it can be served stale during an outage). */
      CACHE_KEEP_SECONDS: env.int(60, 86_400).default(3_600),
      L1_MAX_ENTRIES: env.int(10, 1_000_000).default(5_000),
      DB_READ_TIMEOUT_MS: env.int(50, 10_000).default(300),
      /** Reads are marked X-Data-Stale while the read replica lags the leader by more than this. */
      STALE_AFTER_SECONDS: env.int(1, 3_600).default(5),
    },
    source,
  );
}
export type CatalogConfig = ReturnType<typeof catalogConfig>;
