import { env, httpShape, loadConfig } from '@surge-lab/kit';

export function regionControllerConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'region-controller',
    {
      ...httpShape,
      /** How often the regions are probed through the WAN. */
      REGION_TICK_MS: env.int(200, 10_000).default(1_000),
      /** The confirmation window: how long the primary region must be out of sight before anything is done. */
      REGION_CONFIRM_MS: env.int(1_000, 120_000).default(5_000),
      /** The replication heartbeat (heartbeat.ts): the shop's database and credentials, how often. */
      PG_DATABASE: env.string(),
      PG_USER: env.string(),
      PG_PASSWORD: env.string(),
      HEARTBEAT_MS: env.int(100, 10_000).default(1_000),
      /** Act (fail over) or only report what it would do. */
      REGION_FAILOVER: env.bool().default(true),
    },
    source,
  );
}
export type RegionControllerConfig = ReturnType<typeof regionControllerConfig>;
