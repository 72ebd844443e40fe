// The catalog's cache against the lab's real Redis (through its Toxiproxy link on 127.0.0.1).
import { randomUUID } from 'node:crypto';
import { createLogger, createMetrics, createRedis, DependencyError } from '@surge-lab/kit';
import { openLab } from '@surge-lab/lab';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const labPort = (name: string) => openLab().settings.port(name);

import { LayeredCache } from '../../src/data-access/layered-cache.ts';

const logger = createLogger('catalog-test', 'silent');
const redis = createRedis({ url: `redis://127.0.0.1:${labPort('REDIS_PORT')}`, commandTimeoutMs: 500, connectTimeoutMs: 1_000 }, logger);
beforeAll(async () => {
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
});
afterAll(() => redis.disconnect());

function cache(now = () => Date.now(), client: Redis = redis) {
  return new LayeredCache(client, createMetrics('catalog-test'), { freshMs: 1_000, keepSeconds: 60, l1Max: 100, now });
}

describe('LayeredCache', () => {
  test('a stampede of 200 concurrent reads of a cold key runs one database load', async () => {
    const c = cache();
    const key = `test:${randomUUID()}`;
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 50));
      return '{"v":1}';
    };
    const results = await Promise.all(Array.from({ length: 200 }, () => c.get(key, load)));
    expect(loads).toBe(1);
    expect(new Set(results.map((r) => r!.body))).toEqual(new Set(['{"v":1}']));
  });

  test('a second replica (another cache, same Redis) is served from Redis without loading', async () => {
    const key = `test:${randomUUID()}`;
    await cache().get(key, async () => '{"v":2}');
    let loads = 0;
    const r = await cache().get(key, async () => {
      loads++;
      return '{"v":"db"}';
    });
    expect(loads).toBe(0);
    expect(r).toMatchObject({ source: 'redis', body: '{"v":2}', stale: false });
  });

  test('when the loader fails after the fresh window, the old copy is served marked stale', async () => {
    let t = Date.now();
    const c = cache(() => t);
    const key = `test:${randomUUID()}`;
    await c.get(key, async () => '{"v":3}');
    t += 5_000;
    const r = await c.get(key, async () => {
      throw new DependencyError('postgres');
    });
    expect(r).toMatchObject({ body: '{"v":3}', stale: true });
  });

  test('with Redis unreachable the cache reads through to the loader', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 100, connectTimeoutMs: 100 }, logger);
    try {
      const r = await cache(Date.now, dead).get(`test:${randomUUID()}`, async () => '{"v":4}');
      expect(r).toMatchObject({ source: 'db', body: '{"v":4}' });
    } finally {
      dead.disconnect();
    }
  });
});
