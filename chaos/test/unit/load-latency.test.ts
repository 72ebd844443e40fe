// Latency that means what it says: an open-model load against a local server that stalls every
// request for 1 s during 1 s of a 10 s run at 100 req/s. The requests meant to go during the stall
// waited up to a second, so the reported p99 must be at least 900 ms; the raw response times (one
// slow answer per connection, the rest never sent) put it near the fast answers.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runLoad } from '../../load/run.ts';
import { Stats } from '../../load/stats.ts';

let server: Server;
let target: string;
let firstRequestAt: number | undefined;
// Off the second boundary: autocannon sends each connection's share of a second at its start, so every
// connection has exactly one request caught by the stall (the one at 5 s).
const STALL_FROM_MS = 4_500;
const STALL_FOR_MS = 1_000;

beforeAll(async () => {
  server = createServer((req, res) => {
    const now = Date.now();
    firstRequestAt ??= now;
    const sinceStart = now - firstRequestAt;
    const stalled = sinceStart >= STALL_FROM_MS && sinceStart < STALL_FROM_MS + STALL_FOR_MS;
    req.resume();
    setTimeout(
      () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[]}');
      },
      stalled ? STALL_FOR_MS : 0,
    );
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('open-model latency', () => {
  test('a 1 s stall during a 10 s run at 100 req/s puts p99 at ≥ 900 ms, and the report says how it was measured', { timeout: 30_000 }, async () => {
    const r = await runLoad({ scenario: 'browse', target, durationSeconds: 10, connections: 5, rate: 100, reportDir: mkdtempSync(join(tmpdir(), 'load-')), log: () => {} });
    expect(r.summary.requests).toBeGreaterThan(800);
    expect(r.summary.latencyMs.p99).toBeGreaterThanOrEqual(900);
    expect(r.summary.latencyMs.max).toBeGreaterThanOrEqual(STALL_FOR_MS);
    // What the raw response times say: the stall hides behind the requests it kept from being sent.
    expect(r.summary.serviceTimeMs.p99).toBeLessThan(900);
    expect(r.summary.latencyMethod).toMatch(/intended send time/);
  });

  test('the correction: a response slower than its connection’s interval also counts the requests it held back', () => {
    const s = new Stats({ open: true });
    for (let i = 0; i < 90; i++) s.response(200, 5, 100);
    s.response(200, 1_000, 100);
    const sum = s.summary();
    // 91 real answers plus the 9 held back (900, 800, …, 100 ms): 100 values, the 99th is 900 ms.
    expect(sum.latencyMs.p99).toBeGreaterThanOrEqual(899);
    expect(sum.latencyMs.p50).toBeLessThan(6);
    expect(sum.latencyMs.max).toBeGreaterThanOrEqual(999);
    expect(sum.serviceTimeMs.p90).toBeLessThan(6);
    expect(sum.requests).toBe(91);
    expect(new Stats().summary().latencyMethod).toMatch(/closed loop/);
  });
});
