// Entry: config → pools → migrations → app → listen (closers run after the HTTP drain).
import { createPgPools, createService, migrate, pgSettings, retryUntil, runMain } from '@surge-lab/kit';
import { buildApp } from './app.ts';
import { paymentConfig } from './config.ts';
import { chargesRepo } from './data-access/charges-repo.ts';
import { PAYMENT_MIGRATIONS } from './data-access/migrations.ts';
import { sampleLatencyMs } from './domain/charge.ts';

runMain(async () => {
  const config = paymentConfig();
  const svc = createService('payment', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const pools = createPgPools('payment', pgSettings(config), svc.logger, svc.metrics);
  await retryUntil('migrations', () => migrate(pools.rw, 'payment', PAYMENT_MIGRATIONS, svc.logger), svc.logger);
  const app = buildApp(svc, {
    charges: chargesRepo(pools.rw, svc.metrics, config.DB_TIMEOUT_MS),
    latencyMs: () => sampleLatencyMs(config.PAYMENT_LATENCY_MEDIAN_MS, config.PAYMENT_LATENCY_SIGMA, config.PAYMENT_LATENCY_CAP_MS),
    pingDb: () => pools.rw.query('SELECT 1'),
  });
  await svc.listen(app, { port: config.PORT, closers: [{ name: 'postgres', close: () => pools.close() }] });
});
