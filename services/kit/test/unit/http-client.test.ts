// The kit's service-to-service HTTP client against a real local server: answers, bodies sent,
// kept-alive connections, aborts with the caller's reason, and answers cut off mid-body.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpRequest } from '../../src/clients/http-client.ts';

let server: http.Server;
let base = '';
let connections = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      return void setTimeout(() => res.destroy(), 20);
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'x-data-stale': 'true' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body, length: req.headers['content-length'] ?? null, budget: req.headers['x-request-budget-ms'] ?? null }));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpRequest', () => {
  test('GET: status, lower-case headers and the JSON body; a 404 is an answer, not an error', async () => {
    const ok = await httpRequest(`${base}/api/products/p-1`, { headers: { 'X-Request-Budget-Ms': '800' } });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-data-stale']).toBe('true');
    expect(ok.json()).toEqual({ method: 'GET', url: '/api/products/p-1', body: '', length: null, budget: '800' });
    expect((await httpRequest(`${base}/missing`)).status).toBe(404);
  });

  test('POST sends the body with its byte length (multi-byte characters included)', async () => {
    const res = await httpRequest(`${base}/charges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"zoë@example.com"}' });
    expect(res.json()).toMatchObject({ method: 'POST', body: '{"email":"zoë@example.com"}', length: '28' });
  });

  test('calls in a row reuse one kept-alive connection', async () => {
    await httpRequest(`${base}/warm`);
    const before = connections;
    for (let i = 0; i < 20; i++) await httpRequest(`${base}/again`);
    expect(connections).toBe(before);
  });

  test("an abort rejects with the signal's reason at once", async () => {
    const started = Date.now();
    const reason = new Error('budget spent');
    const ac = new AbortController();
    setTimeout(() => ac.abort(reason), 50);
    await expect(httpRequest(`${base}/slow`, { signal: ac.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('an answer cut off mid-body rejects instead of resolving with half a document', async () => {
    await expect(httpRequest(`${base}/cut`)).rejects.toThrow();
  });

  test('nothing listening: the connection error rejects', async () => {
    await expect(httpRequest('http://127.0.0.1:1/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
