import { ORDERS_DLQ_TOPIC, ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { env, httpShape, kafkaShape, loadConfig, pgShape } from '@surge-lab/kit';

export function fulfilmentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'fulfilment',
    {
      ...httpShape,
      ...pgShape,
      ...kafkaShape,
      KAFKA_CLIENT_ID: env.string().default('fulfilment'),
      KAFKA_CONNECT_TIMEOUT_MS: env.int(100, 60_000).default(3_000),
      KAFKA_REQUEST_TIMEOUT_MS: env.int(100, 120_000).default(10_000),
      /** Configurable so live tests run on topics and a group of their own, beside the lab's consumer. */
      FULFILMENT_GROUP_ID: env.string().default('fulfilment'),
      FULFILMENT_TOPIC: env.string().default(ORDERS_TOPIC),
      FULFILMENT_DLQ_TOPIC: env.string().default(ORDERS_DLQ_TOPIC),
      /** A new group reads the topic from the start: processed_events absorbs what it already applied. */
      FULFILMENT_FROM_BEGINNING: env.bool().default(true),
      FULFILMENT_SHIP_DELAY_MS: env.int(0, 86_400_000).default(3_000),
      FULFILMENT_SHIP_INTERVAL_MS: env.int(50, 60_000).default(500),
      /** Idle, the shipper polls less and less often, up to this; a confirmed order wakes it when due. */
      FULFILMENT_SHIP_IDLE_MAX_MS: env.int(50, 300_000).default(10_000),
      FULFILMENT_SHIP_BATCH: env.int(1, 1_000).default(50),
      FULFILMENT_LAG_INTERVAL_MS: env.int(500, 300_000).default(5_000),
      /** The shipping carrier (lab plane, through its Toxiproxy link) and the region this fulfilment ships for. */
      CARRIER_URL: env.url(),
      CARRIER_TIMEOUT_MS: env.int(50, 30_000).default(2_000),
      LAB_REGION: env.oneOf(['a', 'b'] as const).default('a'),
      /** Per transaction (guard timeout). */
      DB_TIMEOUT_MS: env.int(50, 60_000).default(5_000),
    },
    source,
  );
}
export type FulfilmentConfig = ReturnType<typeof fulfilmentConfig>;
