// Entry: config → ledger → app → listen (the ledger closes after the HTTP drain).
import { createService, runMain } from '@surge-lab/kit';
import { buildApp } from './app.ts';
import { paymentConfig } from './config.ts';
import { chargesRepo } from './data-access/charges-repo.ts';
import { sampleLatencyMs } from './domain/charge.ts';

runMain(async () => {
  const config = paymentConfig();
  const svc = createService('payment', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const charges = chargesRepo(config.PAYMENT_DB_PATH, { busyTimeoutMs: config.PAYMENT_DB_BUSY_TIMEOUT_MS });
  const app = buildApp(svc, {
    charges,
    latencyMs: () => sampleLatencyMs(config.PAYMENT_LATENCY_MEDIAN_MS, config.PAYMENT_LATENCY_SIGMA, config.PAYMENT_LATENCY_CAP_MS),
  });
  await svc.listen(app, { port: config.PORT, closers: [{ name: 'ledger', close: async () => charges.close() }] });
});
