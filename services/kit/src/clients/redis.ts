// ioredis tuned to fail fast: no offline queue (a command while disconnected fails at once),
// one retry at most, a short command timeout. Reconnection keeps trying in the background.
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

export interface RedisSettings {
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export function createRedis(settings: RedisSettings, logger: Logger): Redis {
  const redis = new Redis(settings.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (err) => { if (!down) logger.warn({ err: err.message }, 'redis connection failed'); down = true; });
  redis.on('ready', () => { if (down) logger.info('redis connection restored'); down = false; });
  return redis;
}
