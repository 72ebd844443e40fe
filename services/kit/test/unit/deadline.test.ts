// Latency budgets: a call's timeout is the smaller of its cap and what is left of the request's
// budget; a slow dependency may use the whole budget; retries happen only while budget remains;
// the service answers 503 + Retry-After when the deadline cannot be met, and passes the rest of
// the budget on to the services it calls.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { budgetHeaders, createMetrics, createService, guard, remainingMs, withDeadline } from '../../src/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slowCall = (ms: number) => (signal: AbortSignal) =>
  new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => resolve('answered'), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

describe('a guarded call under a request budget', () => {
  test('a dependency that answers in 450 ms is waited for when the budget allows, though 450 ms is more than a fixed 250 ms timeout would give', async () => {
    const call = guard(createMetrics('t'), { name: 'brownout', timeoutMs: 1_000, idempotent: true }, slowCall(450));
    await expect(withDeadline(Date.now() + 3_000, () => call())).resolves.toBe('answered');
  });

  test('the timeout is what is left of the budget when that is less than the cap: 503 DEADLINE_EXCEEDED with Retry-After, not a 504', async () => {
    const call = guard(createMetrics('t'), { name: 'slow', timeoutMs: 1_000, idempotent: false }, slowCall(400));
    const started = Date.now();
    const err = await withDeadline(Date.now() + 100, () => call()).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(300);
    expect(err).toMatchObject({ code: 'DEADLINE_EXCEEDED', status: 503, retryAfter: 1 });
  });

  test('the cap still holds when the budget is longer: the dependency is slow, a 504', async () => {
    const call = guard(createMetrics('t'), { name: 'slow', timeoutMs: 50, idempotent: false }, slowCall(400));
    await expect(withDeadline(Date.now() + 5_000, () => call())).rejects.toMatchObject({ code: 'DEPENDENCY_TIMEOUT', status: 504 });
  });

  test('retries only while budget remains; none is started after the deadline', async () => {
    let attempts = 0;
    const failing = async () => {
      attempts++;
      await sleep(40);
      throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    };
    const call = guard(createMetrics('t'), { name: 'flaky', timeoutMs: 1_000, idempotent: true, retries: 5, retryBaseMs: 1 }, failing);
    await expect(withDeadline(Date.now() + 100, () => call())).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    attempts = 0;
    const unbounded = guard(createMetrics('t'), { name: 'flaky', timeoutMs: 1_000, idempotent: true, retries: 3, retryBaseMs: 1 }, failing);
    await expect(unbounded()).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' }); // no budget: every attempt
    expect(attempts).toBe(4);
  });

  test('a call is not started when the budget is already spent, and its fallback answers if it has one', async () => {
    let started = false;
    const call = guard(createMetrics('t'), { name: 'cache', timeoutMs: 100, idempotent: true, fallback: () => 'fallback' }, async () => {
      started = true;
      return 'fresh';
    });
    await expect(withDeadline(Date.now() - 1, () => call())).resolves.toBe('fallback');
    expect(started).toBe(false);
  });
});

describe('a service reading the edge-stamped budget', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    const svc = createService('deadline-test', { logLevel: 'silent' });
    const app = svc.app();
    app.get('/budget', async (_req, res) => {
      await sleep(20);
      res.json({ remaining: remainingMs() ?? null, passedOn: budgetHeaders() });
    });
    server = svc.finish(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const get = async (headers: Record<string, string>) => {
    const r = await fetch(`${origin}/budget`, { headers });
    return {
      status: r.status,
      retryAfter: r.headers.get('retry-after'),
      body: (await r.json()) as { remaining: number | null; passedOn: Record<string, string>; error?: { code: string; message: string } },
    };
  };

  test('the deadline is the edge stamp plus the budget; what is left goes on to the next call', async () => {
    const r = await get({ 'x-request-start': (Date.now() / 1000).toFixed(3), 'x-request-budget-ms': '3000' });
    expect(r.status).toBe(200);
    expect(r.body.remaining).toBeGreaterThan(2_800);
    expect(r.body.remaining).toBeLessThanOrEqual(2_985);
    const passed = Number(r.body.passedOn['x-request-budget-ms']);
    expect(passed).toBeLessThanOrEqual(r.body.remaining!);
    expect(passed).toBeGreaterThan(2_800);
  });

  test('a request resent after its budget went (by the balancer, to another replica) is refused at once: 503 with Retry-After', async () => {
    const r = await get({ 'x-request-start': ((Date.now() - 5_000) / 1000).toFixed(3), 'x-request-budget-ms': '3000' });
    expect(r).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'DEADLINE_EXCEEDED' } } });
  });

  test('malformed budget headers are a 400 that names the header', async () => {
    const malformed: Record<string, string>[] = [{ 'x-request-budget-ms': 'soon' }, { 'x-request-budget-ms': '999999999' }, { 'x-request-budget-ms': '100', 'x-request-start': 'yesterday' }];
    for (const headers of malformed) {
      const r = await get(headers);
      expect(r.status).toBe(400);
      expect(r.body.error?.message).toMatch(/x-request-(budget-ms|start)/);
    }
  });

  test('without budget headers nothing changes: no deadline, none passed on', async () => {
    const r = await get({});
    expect(r.body).toEqual({ remaining: null, passedOn: {} });
  });
});
