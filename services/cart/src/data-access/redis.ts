// Every Redis call of the service is one guarded Lua script: one breaker for the dependency,
// and each script is atomic, so the sweeper and a concurrent write never interleave.

import { AppError, guard, type Metrics } from '@surge-lab/kit';
import type { Redis } from 'ioredis';

export type RedisRun = (script: string, keys: string[], args: (string | number)[]) => Promise<unknown>;

export interface GuardedRedis {
  run: RedisRun;
  ping: () => Promise<unknown>;
}

/**
 * A replica's READONLY: Redis is up and answers at once, only not (yet) the primary, as during a
 * region's failover until its Redis is promoted. Still a 503 (retry shortly), but not a failure of
 * the dependency for the breaker: counted as one, it opened the breaker, and the first carts after
 * the promotion waited out its reset (6.7 s of cart 503s in a partition run).
 */
const readOnly = (cause: Error) =>
  new AppError({ code: 'DEPENDENCY_UNAVAILABLE', message: 'redis is a replica now (READONLY): its region is not taking writes yet', details: { dependency: 'redis' }, retryAfter: 1, cause });

export function guardRedis(redis: Redis, metrics: Metrics, commandTimeoutMs: number): GuardedRedis {
  // Every script the service sends sets absolute values (HSET qty, ZADD score, SET EX), so a
  // retry after a lost reply does no harm: the calls are idempotent.
  const run = guard(metrics, { name: 'redis', timeoutMs: commandTimeoutMs + 50, idempotent: true, retries: 1 }, (_signal, script: string, keys: string[], args: (string | number)[]) =>
    redis.eval(script, keys.length, ...keys, ...args).catch((err: Error) => {
      throw /^READONLY\b/.test(err.message) ? readOnly(err) : err;
    }),
  );
  return { run, ping: () => redis.ping() };
}
