import { waitFor } from '@surge-lab/lab';
import { afterEach, describe, expect, test } from 'vitest';
import { compose, redisClient, toxiproxyUrl } from './lab.ts';

async function toxiproxy(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${toxiproxyUrl()}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok && res.status !== 404) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** Median of `n` timed PINGs on one connection, in milliseconds. */
async function medianPingMs(n = 5): Promise<number> {
  const r = redisClient();
  await r.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await r.ping();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  } finally {
    r.disconnect();
  }
}

describe('Redis', () => {
  test('a cart key survives `docker compose restart redis` (AOF)', async () => {
    const r = redisClient();
    await r.connect();
    const key = `cart:test-${Date.now()}`;
    await r.hset(key, { 'sku-1': '2', 'sku-2': '1' });
    r.disconnect();

    await compose(['restart', 'redis']);
    await compose(['up', '-d', '--wait', 'redis']);

    const after = await waitFor(
      'redis answering after restart',
      async () => {
        const c = redisClient();
        try {
          await c.connect();
          return await c.hgetall(key);
        } finally {
          c.disconnect();
        }
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(after).toEqual({ 'sku-1': '2', 'sku-2': '1' });
  });

  test('memory pressure evicts cache keys (with a TTL) and never a cart key (without one)', async () => {
    const r = redisClient();
    await r.connect();
    try {
      const cart = `cart:pressure-${Date.now()}`;
      await r.hset(cart, { 'sku-9': '1' });
      const evictedBefore = Number(/evicted_keys:(\d+)/.exec(await r.info('stats'))![1]);
      // 1,500 x 100 KB of cache entries = ~150 MB, well past maxmemory (96 MB).
      const value = 'x'.repeat(100 * 1024);
      for (let batch = 0; batch < 15; batch++) {
        const p = r.pipeline();
        for (let i = 0; i < 100; i++) p.set(`cachetest:${batch}:${i}`, value, 'EX', 600);
        await p.exec();
      }
      const evictedAfter = Number(/evicted_keys:(\d+)/.exec(await r.info('stats'))![1]);
      expect(evictedAfter - evictedBefore).toBeGreaterThan(100);
      expect(await r.hgetall(cart)).toEqual({ 'sku-9': '1' });
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', 'cachetest:*', 'COUNT', 500);
        if (keys.length) await r.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      r.disconnect();
    }
  });
});

describe('Toxiproxy on the redis link', () => {
  afterEach(async () => {
    await toxiproxy('DELETE', '/proxies/redis/toxics/test_latency');
  });

  test('a 300 ms latency toxic shows in a timed Redis call, and removing it restores the speed', async () => {
    const before = await medianPingMs();
    await toxiproxy('POST', '/proxies/redis/toxics', { name: 'test_latency', type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 0 } });
    const during = await medianPingMs();
    await toxiproxy('DELETE', '/proxies/redis/toxics/test_latency');
    const after = await medianPingMs();
    console.log(`[toxiproxy] redis PING median: before ${before.toFixed(1)} ms, with 300 ms toxic ${during.toFixed(1)} ms, after ${after.toFixed(1)} ms`);
    expect(before).toBeLessThan(50);
    expect(during).toBeGreaterThanOrEqual(300);
    expect(during).toBeLessThan(600);
    expect(after).toBeLessThan(50);
  });

  test('every dependency link has a proxy', async () => {
    const proxies = (await (await toxiproxy('GET', '/proxies')).json()) as Record<string, { upstream: string; enabled: boolean }>;
    for (const name of ['pg-rw', 'pg-ro', 'redis', 'kafka', 'payment', 'carrier']) {
      expect(proxies[name], `proxy ${name}`).toBeDefined();
      expect(proxies[name]!.enabled).toBe(true);
    }
  });
});

describe('toxics as metrics', () => {
  afterEach(async () => {
    await toxiproxy('DELETE', '/proxies/redis/toxics/metric_probe');
  });

  test('an active toxic shows in Prometheus as toxiproxy_toxics_active, and goes back to 0 when removed', async () => {
    const { prometheusUrl } = await import('./lab.ts');
    const value = async (q: string) => {
      const body = (await (await fetch(`${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0] ? Number(body.data.result[0].value[1]) : undefined;
    };
    const q = 'sum(toxiproxy_toxics_active{proxy="redis",type="latency",stream="downstream"}) or vector(0)';
    await toxiproxy('POST', '/proxies/redis/toxics', { name: 'metric_probe', type: 'latency', stream: 'downstream', attributes: { latency: 1 } });
    await waitFor('the toxic in Prometheus', async () => (await value(q)) === 1, { timeoutMs: 30_000, intervalMs: 1_000 });
    await toxiproxy('DELETE', '/proxies/redis/toxics/metric_probe');
    await waitFor('the toxic gone from Prometheus', async () => (await value(q)) === 0, { timeoutMs: 30_000, intervalMs: 1_000 });
  });
});
