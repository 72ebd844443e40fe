// Shedding by event-loop delay: a replica whose event loop runs late (CPU starved) answers 429
// with Retry-After at once, and serves again when its loop catches up.
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { createService } from '../../src/index.ts';

const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* the CPU is taken */
  }
};

describe('shedding by event-loop delay', () => {
  test('a starved replica answers 429 OVERLOADED with Retry-After, then 200 once its loop is on time again', async () => {
    const svc = createService('shed-test', { logLevel: 'silent', shedEventLoopDelayMs: 50 });
    const app = svc.app();
    app.get('/work', (_req, res) => {
      res.json({ ok: true });
    });
    const server = svc.finish(app).listen(0);
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/work`;
    try {
      expect((await fetch(url)).status).toBe(200);
      // Starve the loop: 150 ms blocks, again and again, for a second.
      const until = Date.now() + 1_000;
      await new Promise<void>((resolve) => {
        const tick = () => {
          busy(150);
          if (Date.now() < until) setTimeout(tick, 5);
          else resolve();
        };
        tick();
      });
      const starved = await fetch(url);
      expect(starved.status).toBe(429);
      expect(starved.headers.get('retry-after')).toBe('1');
      expect(((await starved.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'OVERLOADED', message: expect.stringMatching(/starved/) });
      // Back on time: after a quiet window the replica serves again.
      await new Promise((r) => setTimeout(r, 600));
      expect((await fetch(url)).status).toBe(200);
      expect(await svc.metrics.registry.getSingleMetricAsString('http_requests_shed_total')).toMatch(/http_requests_shed_total\{service="shed-test"\} [1-9]/);
    } finally {
      server.close();
    }
  });
});

describe('requests in flight', () => {
  test('the gauge counts requests being handled, and drops back when they end', async () => {
    const svc = createService('inflight-test', { logLevel: 'silent' });
    const app = svc.app();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    app.get('/slow', async (_req, res) => {
      await held;
      res.json({ ok: true });
    });
    const server = svc.finish(app).listen(0);
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    const gauge = async () => Number(/http_requests_in_flight\{service="inflight-test"\} (\d+)/.exec(await svc.metrics.registry.getSingleMetricAsString('http_requests_in_flight'))?.[1]);
    try {
      expect(await gauge()).toBe(0);
      const answers = [fetch(url), fetch(url), fetch(url)];
      await expect.poll(gauge).toBe(3);
      release();
      await Promise.all(answers);
      await expect.poll(gauge).toBe(0);
    } finally {
      server.close();
    }
  });
});
