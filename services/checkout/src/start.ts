import { createKafka, createPgPools, createPublisher, createService, pgSettings, prepareSchema, retryUntil, runMain } from '@surge-lab/kit';
import { buildApp } from './app.ts';
import { checkoutConfig } from './config.ts';
import { checkoutMigrations } from './data-access/migrations.ts';
import { ordersRepo } from './data-access/orders-repo.ts';
import { cartClient, paymentClient } from './data-access/remote.ts';
import { startJobs } from './jobs.ts';

runMain(async () => {
  const config = checkoutConfig();
  const svc = createService('checkout', {
    logLevel: config.LOG_LEVEL,
    logSuccessEvery: config.LOG_SUCCESS_EVERY,
    maxInFlight: config.MAX_IN_FLIGHT,
    shedEventLoopDelayMs: config.SHED_EVENT_LOOP_DELAY_MS,
  });
  const pools = createPgPools('checkout', pgSettings(config), svc.logger, svc.metrics);
  // Orders reference catalog's products: wait until catalog created them (or they replicated here).
  const schemaPool = config.DB_SCHEMA === 'apply' ? pools.rw : pools.ro;
  await retryUntil('products table', () => schemaPool.query('SELECT 1 FROM products LIMIT 1'), svc.logger, 300_000);
  await prepareSchema(pools, config.DB_SCHEMA, 'checkout', checkoutMigrations, svc.logger);

  const payment = paymentClient(config.PAYMENT_URL, svc.metrics, config.PAYMENT_TIMEOUT_MS);
  const publisher = createPublisher(createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'checkout', connectTimeoutMs: 2_000, requestTimeoutMs: 5_000 }, svc.logger), svc.logger);
  const jobs = startJobs({
    pool: pools.rw,
    publisher,
    logger: svc.logger,
    metrics: svc.metrics,
    payment,
    relayIntervalMs: config.RELAY_INTERVAL_MS,
    captureIntervalMs: config.CAPTURE_INTERVAL_MS,
    region: config.LAB_REGION,
    reclaimSeconds: config.OUTBOX_RECLAIM_SECONDS,
  });

  // Orders need the leader; payment and Kafka outages degrade (payment_pending, outbox backlog) instead.
  svc.readiness.push({ name: 'postgres-primary', check: () => pools.rw.query('SELECT 1') });
  const app = buildApp(svc, {
    orders: ordersRepo(pools.rw, svc.metrics, { orderTxCapacity: config.ORDER_TX_CAPACITY }),
    cart: cartClient(config.CART_URL, svc.metrics),
    payment,
    onOrderCommitted: () => jobs.orderCommitted(),
  });
  await svc.listen(app, {
    port: config.PORT,
    closers: [
      { name: 'jobs', close: () => jobs.stop() },
      { name: 'postgres', close: () => pools.close() },
    ],
  });
});
