import { createPgPools, createRedis, createService, pgSettings, prepareSchema, redisSettings, runMain } from '@surge-lab/kit';
import { buildApp, INVALIDATION_CHANNEL } from './app.ts';
import { catalogConfig } from './config.ts';
import { LayeredCache } from './data-access/layered-cache.ts';
import { catalogMigrations } from './data-access/migrations.ts';
import { productsRepo } from './data-access/products-repo.ts';
import { watchReplicaLag } from './data-access/replica-lag.ts';

runMain(async () => {
  const config = catalogConfig();
  const svc = createService('catalog', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const pools = createPgPools('catalog', pgSettings(config), svc.logger, svc.metrics);
  const redis = createRedis(redisSettings(config), svc.logger);
  // Pub/sub needs its own connection, which may queue while Redis is away (it re-subscribes).
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });

  await prepareSchema(pools, config.DB_SCHEMA, 'catalog', catalogMigrations, svc.logger);

  const cache = new LayeredCache(redis, svc.metrics, {
    freshMs: config.CACHE_FRESH_SECONDS * 1000,
    keepSeconds: config.CACHE_KEEP_SECONDS,
    l1Max: config.L1_MAX_ENTRIES,
  });
  await subscriber.subscribe(INVALIDATION_CHANNEL);
  subscriber.on('message', (_channel, id: string) => {
    cache.evictLocal(`product:${id}`);
    cache.evictLocalPrefix('list:');
  });

  // Catalog keeps answering from its caches when the database or Redis is down: neither makes it unready.
  svc.readiness.push({ name: 'postgres-replica', critical: false, check: () => pools.ro.query('SELECT 1') }, { name: 'redis', critical: false, check: () => redis.ping() });
  const lag = watchReplicaLag(pools.ro, svc.metrics);
  const app = buildApp(svc, {
    repo: productsRepo(pools, svc.metrics, { readTimeoutMs: config.DB_READ_TIMEOUT_MS }),
    cache,
    publisher: redis,
    adminToken: config.ADMIN_TOKEN,
    replicaLagSeconds: lag.seconds,
    staleAfterSeconds: config.STALE_AFTER_SECONDS,
  });
  await svc.listen(app, {
    port: config.PORT,
    closers: [
      {
        name: 'redis',
        close: () => {
          subscriber.disconnect();
          return redis.quit();
        },
      },
      {
        name: 'postgres',
        close: () => {
          lag.stop();
          return pools.close();
        },
      },
    ],
  });
});
