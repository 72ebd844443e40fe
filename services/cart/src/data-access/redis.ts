// Every Redis call of the service is one guarded Lua script: one breaker for the dependency,
// and each script is atomic, so the sweeper and a concurrent write never interleave.

import { guard, type Metrics } from '@surge-lab/kit';
import type { Redis } from 'ioredis';

export type RedisRun = (script: string, keys: string[], args: (string | number)[]) => Promise<unknown>;

export interface GuardedRedis {
  run: RedisRun;
  ping: () => Promise<unknown>;
}

export function guardRedis(redis: Redis, metrics: Metrics, commandTimeoutMs: number): GuardedRedis {
  // Every script the service sends sets absolute values (HSET qty, ZADD score, SET EX), so a
  // retry after a lost reply does no harm: the calls are idempotent.
  const run = guard(metrics, { name: 'redis', timeoutMs: commandTimeoutMs + 50, idempotent: true, retries: 1 }, (_signal, script: string, keys: string[], args: (string | number)[]) =>
    redis.eval(script, keys.length, ...keys, ...args),
  );
  return { run, ping: () => redis.ping() };
}
