// Entry: config → pools → migrations → Kafka worker → app → listen. On SIGTERM the kit drains
// HTTP, then the closers stop the consumer and loops before the pools close.
import { createKafka, createPgPools, createService, pgSettings, prepareSchema, runMain } from '@surge-lab/kit';
import { buildApp } from './app.ts';
import { fulfilmentConfig } from './config.ts';
import { FULFILMENT_MIGRATIONS } from './data-access/migrations.ts';
import { startWorker } from './worker.ts';

runMain(async () => {
  const config = fulfilmentConfig();
  const svc = createService('fulfilment', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const pools = createPgPools('fulfilment', pgSettings(config), svc.logger, svc.metrics);
  await prepareSchema(pools, config.DB_SCHEMA, 'fulfilment', FULFILMENT_MIGRATIONS, svc.logger);
  const kafka = createKafka(
    { brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, connectTimeoutMs: config.KAFKA_CONNECT_TIMEOUT_MS, requestTimeoutMs: config.KAFKA_REQUEST_TIMEOUT_MS },
    svc.logger,
  );
  const worker = startWorker(svc, config, pools, kafka);
  const app = buildApp(svc, { pingDb: () => pools.rw.query('SELECT 1'), consumerJoined: () => worker.joined() });
  await svc.listen(app, {
    port: config.PORT,
    closers: [
      { name: 'kafka-worker', close: () => worker.stop() },
      { name: 'postgres', close: () => pools.close() },
    ],
  });
});
