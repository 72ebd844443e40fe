// The console API's door and its validation, on a real HTTP server (no Docker needed: every
// request here is refused or rejected before anything touches the lab).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '@surge-lab/kit';
import { buildApp } from '../../src/app.ts';
import { clientAddress, consoleGuard, defaultGateways, type Door } from '../../src/auth.ts';
import { FaultBoard } from '../../src/faults.ts';
import { Loads, Runs } from '../../src/sessions.ts';
import { openLab } from '@surge-lab/lab';

const lab = openLab();

const TOKEN = 'test-token-0123456789abcdef';
const refusals: { reason: string; client: string; path: string }[] = [];
const door: Door = {
  hostAddresses: ['172.18.0.1'],
  // In these tests the "edge" is loopback itself, so X-Real-IP decides where a request comes from.
  edgeAddresses: async () => ['127.0.0.1', '::1'],
  token: TOKEN,
  log: { warn: (o: { reason: string; client: string; path: string }) => { refusals.push(o); } } as unknown as Door['log'],
};

let server: Server;
let base: string;
beforeAll(async () => {
  const svc = createService('console', { logLevel: 'silent', guards: [{ path: '/lab/api', handler: consoleGuard(() => door) }] });
  const app = buildApp(svc, { lab, root: lab.root, grafanaUrl: 'http://localhost:3000', faults: new FaultBoard(lab, svc.logger), loads: new Loads(lab), runs: new Runs(lab) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lab/api`;
});
afterAll(() => new Promise((r) => server.close(r)));

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
    const r = await call('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'link-latency', args: { link: 'nope', 'latency-ms': -5, colour: 'red' } }) });
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

describe('addresses', () => {
  it('reads the default gateway from /proc/net/route', () => {
    const table = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n';
    expect(defaultGateways(table)).toEqual(['172.18.0.1']);
  });

  it('believes X-Real-IP only from the edge', async () => {
    const edge = { edgeAddresses: async () => ['172.18.0.9'] };
    expect(await clientAddress('::ffff:172.18.0.9', '172.18.0.1', edge)).toBe('172.18.0.1');
    expect(await clientAddress('172.18.0.4', '127.0.0.1', edge)).toBe('172.18.0.4');
  });
});
