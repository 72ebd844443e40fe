import { env, httpShape, loadConfig, pgShape } from '@surge-lab/kit';
import { z } from 'zod';

export function paymentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'payment',
    {
      ...httpShape,
      ...pgShape,
      /** Simulated processor latency: log-normal around the median, capped. */
      PAYMENT_LATENCY_MEDIAN_MS: env.int(0, 10_000).default(80),
      PAYMENT_LATENCY_SIGMA: z.coerce.number().min(0).max(3).default(0.5),
      PAYMENT_LATENCY_CAP_MS: env.int(0, 60_000).default(400),
      /** Per database call (guard timeout); above the pool's connect timeout is pointless. */
      DB_TIMEOUT_MS: env.int(50, 30_000).default(1_500),
    },
    source,
  );
}
export type PaymentConfig = ReturnType<typeof paymentConfig>;
