// The console API's door and its validation, on a real HTTP server (no Docker needed: every
// request here is refused or rejected before anything touches the lab).

import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createService, type Door, doorGuard } from '@surge-lab/kit';
import { AutoscalerClient, openLab } from '@surge-lab/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { FaultBoard } from '../../src/faults.ts';
import { Loads, Runs } from '../../src/sessions.ts';

const lab = openLab();

const TOKEN = 'test-token-0123456789abcdef';
const refusals: { reason: string; client: string; path: string }[] = [];
const door: Door = {
  name: 'console',
  hostAddresses: ['172.18.0.1'],
  // In these tests the "edge" is loopback itself, so X-Real-IP decides where a request comes from.
  edgeAddresses: async () => ['127.0.0.1', '::1'],
  token: TOKEN,
  log: {
    warn: (o: { reason: string; client: string; path: string }) => {
      refusals.push(o);
    },
  } as unknown as Door['log'],
};

// A stand-in for the autoscaler's API: what the console forwards, and what it gets back.
const forwarded: { method: string; url: string; auth: string | undefined; requestId: string | undefined; body: string }[] = [];
let autoscalerAnswer: { status: number; body: unknown } = { status: 200, body: {} };
const fakeAutoscaler = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString();
  });
  req.on('end', () => {
    forwarded.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined, body });
    res.writeHead(autoscalerAnswer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(autoscalerAnswer.body));
  });
});

let server: Server;
let downServer: Server;
let base: string;
let downBase: string;
beforeAll(async () => {
  fakeAutoscaler.listen(0, '127.0.0.1');
  await new Promise((r) => fakeAutoscaler.once('listening', r));
  const autoscaler = new AutoscalerClient({ base: `http://127.0.0.1:${(fakeAutoscaler.address() as AddressInfo).port}/lab/autoscaler`, token: async () => TOKEN });
  const start = async (client: AutoscalerClient) => {
    const svc = createService('console', { logLevel: 'silent', guards: [{ path: '/lab/api', handler: doorGuard(() => door) }] });
    const app = buildApp(svc, { lab, root: lab.root, grafanaUrl: 'http://localhost:3000', faults: new FaultBoard(lab, svc.logger), loads: new Loads(lab), runs: new Runs(lab), autoscaler: client });
    const s = app.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    return { s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}/lab/api` };
  };
  ({ s: server, base } = await start(autoscaler));
  // A console whose autoscaler is down (nothing listens on port 9 of loopback).
  ({ s: downServer, base: downBase } = await start(new AutoscalerClient({ base: 'http://127.0.0.1:9/lab/autoscaler', token: async () => TOKEN })));
});
afterAll(async () => {
  for (const s of [server, downServer, fakeAutoscaler]) await new Promise((r) => s.close(r));
});

const call = (path: string, init: RequestInit & { token?: string | null; from?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
  if (init.from) headers.set('x-real-ip', init.from);
  return fetch(`${base}${path}`, { ...init, headers });
};

describe('the console API door', () => {
  it('refuses a request without the token with 401, on a known path and an unknown one alike, and logs it', async () => {
    for (const path of ['/topology', '/no-such-thing', '/faults']) {
      const r = await call(path, { token: null });
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe('REQUEST_UNAUTHORIZED');
    }
    expect(refusals.filter((x) => x.reason === 'no token').map((x) => x.path)).toEqual(expect.arrayContaining(['/lab/api/no-such-thing']));
  });

  it('checks the token before parsing: a malformed body without the token is a 401, not a 400', async () => {
    const r = await call('/faults', { method: 'POST', token: null, headers: { 'content-type': 'application/json' }, body: '{"fault": ' });
    expect(r.status).toBe(401);
  });

  it('refuses a wrong token with 401', async () => {
    const r = await call('/meta', { token: 'not-the-token-at-all' });
    expect(r.status).toBe(401);
    expect((await r.json()).error.message).toMatch(/wrong console token/);
  });

  it('refuses a request from another machine with 403 even with the right token', async () => {
    const r = await call('/meta', { from: '192.168.1.50' });
    expect(r.status).toBe(403);
    expect((await r.json()).error.code).toBe('REQUEST_FORBIDDEN');
    expect(refusals.at(-1)).toMatchObject({ reason: 'not from this machine', client: '192.168.1.50' });
  });

  it("accepts the host (loopback, or the network's gateway seen through the edge) with the token", async () => {
    expect((await call('/meta')).status).toBe(200);
    expect((await call('/meta', { from: '172.18.0.1' })).status).toBe(200);
    const unknown = await call('/no-such-thing');
    expect(unknown.status).toBe(404);
  });
});

describe('fault requests', () => {
  it('names every bad parameter in a 400', async () => {
    const r = await call('/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'link-latency', args: { link: 'nope', 'latency-ms': -5, colour: 'red' } }),
    });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe('REQUEST_VALIDATION_FAILED');
    const fields = body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['args.link', 'args.latency-ms', 'args']));
    expect(JSON.stringify(body.error.details)).toMatch(/colour/);
  });

  it('rejects an unknown fault, a bad duration and unknown fields by name', async () => {
    const r = await call('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'meteor-strike', durationSeconds: 0, extra: 1 }) });
    expect(r.status).toBe(400);
    const fields = (await r.json()).error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['fault', 'durationSeconds', 'extra']));
  });

  it('lists the faults it offers with a JSON schema of their arguments, without the host-only disaster', async () => {
    const catalog = (await (await call('/faults/catalog')).json()) as { name: string; target: string | null; args: { properties: Record<string, unknown>; required?: string[] } }[];
    const latency = catalog.find((f) => f.name === 'link-latency')!;
    expect(latency.target).toBe('link');
    expect(latency.args.required).toEqual(['link', 'latency-ms']);
    expect(catalog.map((f) => f.name)).not.toContain('db-disaster');
    expect(catalog.map((f) => f.name)).toEqual(expect.arrayContaining(['container-kill', 'db-failover', 'cpu-squeeze', 'link-down']));
  });

  it('answers 404 for a fault that is not in place', async () => {
    const r = await call('/faults/0000', { method: 'DELETE' });
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('FAULT_NOT_FOUND');
  });
});

describe('loads and game days', () => {
  it('validates a load request by field', async () => {
    const r = await call('/load', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'stampede', durationSeconds: 2 }) });
    expect(r.status).toBe(400);
    const fields = (await r.json()).error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(['scenario', 'durationSeconds']);
  });

  it('lists the experiments, with the one that needs the host marked not runnable', async () => {
    const list = (await (await call('/experiments')).json()) as { file: string; runnable: boolean; why?: string }[];
    expect(list.find((e) => e.file === 'replica-kill')).toMatchObject({ runnable: true });
    expect(list.find((e) => e.file === 'dr-restore')).toMatchObject({ runnable: false, why: expect.stringMatching(/npm run gameday/) });
    const r = await call('/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment: 'no-such-experiment' }) });
    expect(r.status).toBe(404);
  });
});

describe('the scaling routes, forwarded to the autoscaler', () => {
  const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('passes each route on with the token and the request id, and the answer back as it came', async () => {
    forwarded.length = 0;
    autoscalerAnswer = { status: 200, body: { autoscaling: true, recovery: false, services: [] } };
    const r = await call('/scaling', { headers: { 'x-request-id': 'req-scaling-1' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(autoscalerAnswer.body);
    autoscalerAnswer = { status: 200, body: { autoscaling: false, recovery: false } };
    expect((await call('/scaling', json('PUT', { autoscaling: false }))).status).toBe(200);
    autoscalerAnswer = { status: 201, body: { name: 'sale' } };
    expect((await call('/scaling/schedule', json('POST', { name: 'sale', service: 'cart', at: '12:00', 'duration-seconds': 60, 'min-replicas': 3 }))).status).toBe(201);
    autoscalerAnswer = { status: 200, body: { removed: 'sale day' } };
    expect((await call('/scaling/schedule/sale%20day', { method: 'DELETE' })).status).toBe(200);
    expect(forwarded.map((f) => `${f.method} ${f.url}`)).toEqual([
      'GET /lab/autoscaler/state',
      'PUT /lab/autoscaler/modes',
      'POST /lab/autoscaler/schedule',
      'DELETE /lab/autoscaler/schedule/sale%20day',
    ]);
    expect(forwarded.every((f) => f.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(forwarded[0]!.requestId).toBe('req-scaling-1');
    expect(JSON.parse(forwarded[1]!.body)).toEqual({ autoscaling: false });
  });

  it("passes the autoscaler's 400 on with the fields it names, for the page's form", async () => {
    const error = { error: { code: 'REQUEST_VALIDATION_FAILED', message: 'invalid schedule entry', details: [{ field: 'min-replicas', problem: "is above cart's max (4)" }], requestId: 'x' } };
    autoscalerAnswer = { status: 400, body: error };
    const r = await call('/scaling/schedule', json('POST', { service: 'cart', at: '12:00', 'duration-seconds': 60, 'min-replicas': 9 }));
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual(error);
  });

  it("answers 503 when the autoscaler refuses the console (not a 401: the page's token is fine)", async () => {
    autoscalerAnswer = { status: 401, body: { error: { code: 'REQUEST_UNAUTHORIZED', message: 'wrong console token' } } };
    const r = await call('/scaling');
    expect(r.status).toBe(503);
    expect((await r.json()).error.message).toMatch(/autoscaler refused the console \(401\)/);
  });

  it('keeps serving when the autoscaler is down: the scaling routes answer 503 with Retry-After, the rest as before', async () => {
    const down = (path: string, init: RequestInit = {}) => fetch(`${downBase}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } });
    const r = await down('/scaling');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('2');
    const body = await r.json();
    expect(body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(body.error.message).toMatch(/autoscaler is not reachable/);
    expect((await down('/meta')).status).toBe(200);
    expect((await down('/faults/catalog')).status).toBe(200);
  });
});
