import { env, httpShape, kafkaShape, loadConfig, pgShape } from '@surge-lab/kit';

export function checkoutConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'checkout',
    {
      ...httpShape,
      ...pgShape,
      ...kafkaShape,
      CART_URL: env.url(),
      PAYMENT_URL: env.url(),
      PAYMENT_TIMEOUT_MS: env.int(50, 30_000).default(1_000),
      MAX_IN_FLIGHT: env.int(1, 10_000).default(128),
      /** Shed new requests while the event loop runs this late (p99 ms; 0: off): a CPU-starved replica answers 429 at once. */
      SHED_EVENT_LOOP_DELAY_MS: env.int(0, 10_000).default(200),
      /** Concurrent order transactions per replica; more wait no longer than the bulkhead allows. */
      ORDER_TX_CAPACITY: env.int(1, 1_000).default(64),
      RELAY_INTERVAL_MS: env.int(20, 60_000).default(200),
      CAPTURE_INTERVAL_MS: env.int(100, 60_000).default(1_000),
      /** The region this replica runs in: the outbox records which region's broker an event went to. */
      LAB_REGION: env.oneOf(['a', 'b'] as const).default('a'),
      /**
       * Events published through the other region's broker this recently are published again here:
       * that broker may be lost with events fulfilment never read (fulfilment applies an event once).
       */
      OUTBOX_RECLAIM_SECONDS: env.int(0, 3_600).default(120),
    },
    source,
  );
}
export type CheckoutConfig = ReturnType<typeof checkoutConfig>;
