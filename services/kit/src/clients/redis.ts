// ioredis tuned to fail fast: no offline queue (a command while disconnected fails at once),
// one retry at most, a short command timeout. Reconnection keeps trying in the background.
// RESP2 on purpose: ioredis 6 speaks RESP3 by default (HELLO 3 on connect, push frames for
// pub/sub, a subscribed connection no longer limited to subscriber commands, RESP3 types mapped
// back to RESP2 shapes). The scripts, the pub/sub connection and the fault timings were written
// and measured on RESP2, so the wire stays what it was with ioredis 5.
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

export interface RedisSettings {
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export function createRedis(settings: RedisSettings, logger: Logger): Redis {
  const redis = new Redis(settings.url, {
    protocol: 2,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down) logger.warn({ err: err.message }, 'redis connection failed');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored');
    down = false;
  });
  return redis;
}
