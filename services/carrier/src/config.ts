import { env, httpShape, loadConfig } from '@surge-lab/kit';

export function carrierConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'carrier',
    {
      ...httpShape,
      /** The carrier's ledger (SQLite), on its own volume: no region's database. */
      CARRIER_DB_PATH: env.string().default('/var/lib/carrier/shipments.db'),
      CARRIER_DB_BUSY_TIMEOUT_MS: env.int(10, 30_000).default(2_000),
      /** Simulated booking time, uniform in [0, this]. */
      CARRIER_LATENCY_MAX_MS: env.int(0, 10_000).default(20),
    },
    source,
  );
}
export type CarrierConfig = ReturnType<typeof carrierConfig>;
