import { describe, expect, test } from 'vitest';
import { AppError, backoffMs, createMetrics, DependencyError, guard } from '../../src/index.ts';

const metricValue = async (m: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>) => {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = metric?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('guard(): timeouts, retries, breaker, bulkhead, fallback', () => {
  test('a call slower than its timeout fails with DEPENDENCY_TIMEOUT and its signal is aborted', async () => {
    const m = createMetrics('t');
    let aborted = false;
    const call = guard(
      m,
      { name: 'slow', timeoutMs: 30, idempotent: false },
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(() => resolve('late'), 200);
        }),
    );
    await expect(call()).rejects.toMatchObject({ code: 'DEPENDENCY_TIMEOUT', status: 504 });
    expect(aborted).toBe(true);
  });

  test('idempotent calls are retried (with a counted retry); non-idempotent calls are not', async () => {
    const m = createMetrics('t');
    let a = 0;
    const flaky = guard(m, { name: 'flaky', timeoutMs: 100, idempotent: true, retries: 2, retryBaseMs: 1 }, async () => {
      if (++a < 3) throw new Error('ECONNRESET');
      return 'ok';
    });
    await expect(flaky()).resolves.toBe('ok');
    expect(a).toBe(3);
    expect(await metricValue(m, 'dependency_retries_total', { dependency: 'flaky' })).toBe(2);

    let b = 0;
    const write = guard(m, { name: 'write', timeoutMs: 100, idempotent: false, retries: 5 }, async () => {
      b++;
      throw new Error('ECONNRESET');
    });
    await expect(write()).rejects.toBeInstanceOf(DependencyError);
    expect(b).toBe(1);
  });

  test('business errors pass through untouched, are not retried and do not open the breaker', async () => {
    const m = createMetrics('t');
    let n = 0;
    const call = guard(m, { name: 'biz', timeoutMs: 100, idempotent: true, retries: 3, volumeThreshold: 1 }, async () => {
      n++;
      throw new AppError({ code: 'PRODUCT_NOT_FOUND', message: 'nope' });
    });
    for (let i = 0; i < 5; i++) await expect(call()).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND' });
    expect(n).toBe(5);
    expect(call.breaker.opened).toBe(false);
  });

  test('repeated failures open the breaker: calls fail fast, the state gauge reads 2, and it half-opens then closes after the reset timeout', async () => {
    const m = createMetrics('t');
    let healthy = false;
    let calls = 0;
    const call = guard(m, { name: 'db', timeoutMs: 50, idempotent: false, volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 100 }, async () => {
      calls++;
      if (!healthy) throw new Error('ECONNREFUSED');
      return 'ok';
    });
    for (let i = 0; i < 4; i++) await call().catch(() => {});
    expect(call.breaker.opened).toBe(true);
    expect(await metricValue(m, 'breaker_state', { breaker: 'db' })).toBe(2);
    const before = calls;
    await expect(call()).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503 });
    expect(calls).toBe(before); // rejected without calling
    healthy = true;
    await sleep(150);
    await expect(call()).resolves.toBe('ok');
    expect(await metricValue(m, 'breaker_state', { breaker: 'db' })).toBe(0);
    expect(await metricValue(m, 'breaker_transitions_total', { breaker: 'db', to: 'open' })).toBe(1);
    expect(await metricValue(m, 'breaker_transitions_total', { breaker: 'db', to: 'closed' })).toBe(1);
  });

  test('the fallback answers an operational failure and is counted', async () => {
    const m = createMetrics('t');
    const call = guard(m, { name: 'cat', timeoutMs: 50, idempotent: true, retries: 0, fallback: (id: string) => `snapshot of ${id}` }, async (_s, _id: string) => {
      throw new Error('ETIMEDOUT');
    });
    await expect(call('p-1')).resolves.toBe('snapshot of p-1');
    expect(await metricValue(m, 'dependency_fallbacks_total', { dependency: 'cat' })).toBe(1);
  });

  test('a full bulkhead sheds at once with OVERLOADED (429) instead of queueing', async () => {
    const m = createMetrics('t');
    const call = guard(m, { name: 'tx', timeoutMs: 500, idempotent: false, capacity: 2 }, () => sleep(100).then(() => 'done'));
    const results = await Promise.allSettled([call(), call(), call(), call()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const shed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(shed).toHaveLength(2);
    for (const r of shed) expect(r.reason).toMatchObject({ code: 'OVERLOADED', status: 429, retryAfter: 1 });
    expect(await metricValue(m, 'dependency_calls_total', { dependency: 'tx', outcome: 'shed' })).toBe(2);
  });

  test('backoff is full-jitter exponential', () => {
    expect(backoffMs(0, 100, () => 1)).toBe(100);
    expect(backoffMs(3, 100, () => 1)).toBe(800);
    expect(backoffMs(3, 100, () => 0)).toBe(0);
  });
});
