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
      /** Added to Patroni's ttl + loop_wait: the time a cut-off leader may still acknowledge writes. */
      // Patroni already demotes a leader that cannot renew its key before the key expires (it keeps
      // ttl >= loop_wait + 2 x retry_timeout): ttl + loop_wait leaves a loop of margin. Measured: the
      // last write a cut-off region acknowledged came 8.9-13.6 s after the cut (bound 22 s).
      REGION_DEMOTE_MARGIN_MS: env.int(0, 60_000).default(0),
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
