// Entry: config → ledger → app → listen (the ledger closes after the HTTP drain).
import { createService, runMain } from '@surge-lab/kit';
import { buildApp } from './app.ts';
import { carrierConfig } from './config.ts';
import { shipmentsRepo } from './data-access/shipments-repo.ts';

runMain(async () => {
  const config = carrierConfig();
  const svc = createService('carrier', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const shipments = shipmentsRepo(config.CARRIER_DB_PATH, { busyTimeoutMs: config.CARRIER_DB_BUSY_TIMEOUT_MS });
  const app = buildApp(svc, { shipments, latencyMs: () => Math.random() * config.CARRIER_LATENCY_MAX_MS });
  await svc.listen(app, { port: config.PORT, closers: [{ name: 'ledger', close: async () => shipments.close() }] });
});
