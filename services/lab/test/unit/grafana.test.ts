// The annotations the lab's tools write (the runner's chaos regions here), as Grafana's HTTP API receives them (a local server that
// records the requests and answers like Grafana), and the quiet fallback when Grafana is absent.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { grafanaAnnotator } from '../../src/clients/grafana.ts';

const received: { method: string; url: string; body: unknown }[] = [];
const read = async (req: IncomingMessage) => {
  let b = '';
  for await (const c of req) b += c;
  return b ? JSON.parse(b) : undefined;
};
const server = createServer(async (req, res) => {
  const body = await read(req);
  received.push({ method: req.method!, url: req.url!, body });
  res.setHeader('content-type', 'application/json');
  if (req.url === '/api/health') res.end('{"database":"ok"}');
  else if (req.method === 'POST' && req.url === '/api/annotations') res.end('{"id":42,"message":"Annotation added"}');
  else if (req.method === 'PATCH' && req.url === '/api/annotations/42') res.end('{"message":"Annotation patched"}');
  else {
    res.statusCode = 404;
    res.end('{}');
  }
});
let base: string;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Grafana annotations', () => {
  test('a fault window is a region: created at injection with its tags, closed with timeEnd at revert', async () => {
    const a = await grafanaAnnotator(base, () => {}, { tags: ['chaos'] });
    expect(a.available).toBe(true);
    const start = new Date('2026-11-28T10:00:00Z');
    const close = await a.region('db-failover: kill -9 the Patroni leader', ['db-failover', 'db-failover-kind'], start);
    await close(new Date('2026-11-28T10:00:30Z'));
    expect(received.filter((r) => r.url !== '/api/health')).toEqual([
      { method: 'POST', url: '/api/annotations', body: { time: start.getTime(), tags: ['surge-lab', 'chaos', 'db-failover', 'db-failover-kind'], text: 'db-failover: kill -9 the Patroni leader' } },
      { method: 'PATCH', url: '/api/annotations/42', body: { timeEnd: start.getTime() + 30_000 } },
    ]);
  });

  test('without Grafana the runner says so once and goes on (no throw, no annotation)', async () => {
    const said: string[] = [];
    const a = await grafanaAnnotator('http://127.0.0.1:1', (l) => said.push(l));
    expect(a.available).toBe(false);
    await (await a.region('x', [], new Date()))(new Date());
    expect(said).toEqual([expect.stringMatching(/not reachable at http:\/\/127\.0\.0\.1:1: no annotations/)]);
  });
});
