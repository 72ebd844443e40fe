import { env, httpShape, loadConfig } from '@surge-lab/kit';
import { z } from 'zod';

export function paymentConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'payment',
    {
      ...httpShape,
      /** The provider's ledger (SQLite), on its own volume: no region's database. */
      PAYMENT_DB_PATH: env.string().default('/var/lib/payment/charges.db'),
      /** Simulated processor latency: log-normal around the median, capped. */
      PAYMENT_LATENCY_MEDIAN_MS: env.int(0, 10_000).default(80),
      PAYMENT_LATENCY_SIGMA: z.coerce.number().min(0).max(3).default(0.5),
      PAYMENT_LATENCY_CAP_MS: env.int(0, 60_000).default(400),
      /** How long a write waits for the ledger's lock (another replica writing). */
      PAYMENT_DB_BUSY_TIMEOUT_MS: env.int(10, 30_000).default(2_000),
    },
    source,
  );
}
export type PaymentConfig = ReturnType<typeof paymentConfig>;
