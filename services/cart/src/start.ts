// Process entry: config, clients, app, listen; shutdown stops the sweeper, then closes Redis.
import { createRedis, createService, redisSettings, runMain } from '@surge-lab/kit';
import { buildApp } from './app.ts';
import { loadCartConfig } from './config.ts';
import { createDeps } from './deps.ts';

runMain(async () => {
  const config = loadCartConfig();
  const svc = createService('cart', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const redis = createRedis(redisSettings(config), svc.logger);
  const deps = createDeps(svc, config, redis);
  await svc.listen(buildApp(svc, deps), {
    port: config.PORT,
    closers: [
      { name: 'sweeper', close: () => deps.sweeper.close() },
      { name: 'redis', close: () => redis.quit() },
    ],
  });
});
