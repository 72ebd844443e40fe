import { describe, expect, test } from 'vitest';
import { Stats } from '../../load/stats.ts';
import { productId, zipfSampler } from '../../load/zipf.ts';

describe('zipf popularity', () => {
  test('the most popular item is picked far more often than the tail, and every pick is in range', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const next = zipfSampler(1000, 1.1, random);
    const counts = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const k = next();
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(Math.min(...counts.keys())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts.keys())).toBeLessThanOrEqual(1000);
    const top = counts.get(1)!;
    const tail = [...counts].filter(([k]) => k > 500).reduce((s, [, n]) => s + n, 0) / 500;
    expect(top / tail).toBeGreaterThan(100);
  });
  test("product ids are zero-padded like the catalog's", () => {
    expect(productId(42)).toBe('p-00042');
  });
});

describe('load statistics', () => {
  test('percentiles, 409s as rejections and errors by kind', () => {
    const s = new Stats();
    for (let i = 1; i <= 100; i++) s.response(200, i);
    s.response(409, 5);
    s.response(503, 5);
    s.networkError('ECONNRESET');
    const sum = s.summary();
    expect(sum.requests).toBe(103);
    expect(sum.ok).toBe(100);
    expect(sum.rejected).toBe(1);
    expect(sum.errors).toEqual({ 503: 1, ECONNRESET: 1 });
    // 102 latencies: 1..100 ms plus two of 5 ms.
    expect(sum.latencyMs.p50).toBeGreaterThanOrEqual(48);
    expect(sum.latencyMs.p50).toBeLessThanOrEqual(50);
    expect(sum.latencyMs.p99).toBeGreaterThanOrEqual(98);
  });
});
