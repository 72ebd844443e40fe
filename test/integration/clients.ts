// The kit's own clients pointed at a test container, configured as the services configure them.

import { createLogger, createMetrics, createPgPools, createRedis, type PgPools, type PgSettings } from '@surge-lab/kit';
import type { Redis } from 'ioredis';

export const silentLogger = createLogger('integration', 'silent');

/** Both pools (read-write and read-only) on the one server unless `over` says otherwise. */
export function pgPools(url: string, name: string, over: Partial<PgSettings> = {}): PgPools {
  return createPgPools(name, { rwUrl: url, roUrl: url, poolMax: 10, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000, ...over }, silentLogger, createMetrics(name));
}

/** A kit Redis client (no offline queue, fail fast), once it is ready. */
export async function readyRedis(url: string, commandTimeoutMs = 500): Promise<Redis> {
  const redis = createRedis({ url, commandTimeoutMs, connectTimeoutMs: 2_000 }, silentLogger);
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
  return redis;
}

/** A port nothing listens on: a dependency that is down. */
export const DEAD_PG_URL = 'postgres://nobody:nothing@127.0.0.1:1/none';
