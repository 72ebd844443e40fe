// Unknown routes and wrong methods, as every service answers them: a path no route has is a 404
// ROUTE_NOT_FOUND; a path a route has, asked with another method, is a 405 METHOD_NOT_ALLOWED
// with Allow naming the methods it does answer (what the API fuzzer's unsupported-method check
// expects), mounted routers included.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createService } from '../../src/index.ts';

let server: Server;
let origin: string;
beforeAll(async () => {
  const svc = createService('routes-test', { logLevel: 'silent' });
  const app = svc.app();
  app.get('/api/things/:id', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/api/things', (_req, res) => {
    res.status(201).json({ ok: true });
  });
  const mounted = Router();
  mounted.put('/modes', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/lab/x', mounted);
  server = svc.finish(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const call = async (method: string, path: string) => {
  const r = await fetch(`${origin}${path}`, { method });
  return { status: r.status, allow: r.headers.get('allow'), body: (await r.json()) as { error?: { code: string; message: string } } };
};

describe('unknown routes and methods', () => {
  test('another method on a known path: 405 with Allow, in the error format', async () => {
    const r = await call('DELETE', '/api/things/42');
    expect(r).toMatchObject({ status: 405, allow: 'GET, HEAD, OPTIONS', body: { error: { code: 'METHOD_NOT_ALLOWED' } } });
    expect(r.body.error!.message).toMatch(/DELETE is not allowed on \/api\/things\/42/);
    expect(await call('QUERY', '/api/things')).toMatchObject({ status: 405, allow: 'OPTIONS, POST' });
  });
  test('a route of a mounted router counts too', async () => {
    expect(await call('GET', '/lab/x/modes')).toMatchObject({ status: 405, allow: 'OPTIONS, PUT' });
  });
  test('a path no route has: 404 ROUTE_NOT_FOUND, no Allow', async () => {
    expect(await call('GET', '/api/nothing')).toMatchObject({ status: 404, allow: null, body: { error: { code: 'ROUTE_NOT_FOUND' } } });
    expect(await call('DELETE', '/lab/x/other')).toMatchObject({ status: 404, allow: null });
  });
});
