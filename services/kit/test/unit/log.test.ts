// Request logs a user can rely on without a line per request: every error and every refusal is
// logged, one success in N, and the debug level (the debug switch) shows every request.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { requestLogging } from '../../src/log.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function logsOf(level: string, successEvery: number, calls: number[]): Promise<{ level: number; status: number }[]> {
  const lines: { level: number; res?: { status: number } }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const app = express();
  app.use(requestLogging(pino({ level }, sink), successEvery));
  app.get('/status/:code', (req, res) => {
    res.status(Number(req.params.code)).json({});
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server!.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const code of calls) await (await fetch(`${origin}/status/${code}`)).arrayBuffer();
  await new Promise((r) => setImmediate(r));
  return lines.filter((l) => l.res).map((l) => ({ level: l.level, status: l.res!.status }));
}

describe('request logs', () => {
  test('one success in ten is logged; every 4xx (warn) and 5xx (error) is', async () => {
    const logs = await logsOf('info', 10, [...Array(30).fill(200), 404, 409, 503, 500]);
    expect(logs.filter((l) => l.status === 200)).toHaveLength(3);
    expect(logs.filter((l) => l.status >= 400)).toEqual([
      { level: 40, status: 404 },
      { level: 40, status: 409 },
      { level: 50, status: 503 },
      { level: 50, status: 500 },
    ]);
  });

  test('at LOG_LEVEL=debug every request is logged', async () => {
    const logs = await logsOf('debug', 10, Array(25).fill(200));
    expect(logs).toHaveLength(25);
  });

  test('0 logs no success, and still every error', async () => {
    const logs = await logsOf('info', 0, [200, 200, 500]);
    expect(logs).toEqual([{ level: 50, status: 500 }]);
  });
});
