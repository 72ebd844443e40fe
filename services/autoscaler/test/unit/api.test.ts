// The autoscaler's API on a real HTTP server, with a controller that is not started (no Docker
// needed): its door (403 for anyone but this machine and the console, 401 without the token,
// both before routing or parsing), its validation (400 naming each field), and its routes.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createService, type Door, doorGuard } from '@surge-lab/kit';
import { openLab } from '@surge-lab/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATH, buildApp } from '../../src/app.ts';
import { Controller } from '../../src/controller.ts';
import { parsePolicy } from '../../src/domain/policy.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const lab = openLab();
const TOKEN = 'test-token-0123456789abcdef';
const CONSOLE = '172.18.0.7';
const refusals: { reason: string; client: string; path: string }[] = [];
const door: Door = {
  name: 'autoscaler',
  answers: 'this machine and the console only',
  hostAddresses: ['172.18.0.1'],
  // In these tests the "edge" is loopback itself, so X-Real-IP decides where a request comes from.
  edgeAddresses: async () => ['127.0.0.1', '::1'],
  trustedAddresses: async () => [CONSOLE],
  token: () => TOKEN,
  log: {
    warn: (o: { reason: string; client: string; path: string }) => {
      refusals.push(o);
    },
  } as unknown as Door['log'],
};

let server: Server;
let origin: string;
beforeAll(async () => {
  const svc = createService('autoscaler', { logLevel: 'silent', guards: [{ path: API_PATH, handler: doorGuard(() => door) }] });
  const policy = parsePolicy(readFileSync(join(root, 'infra', 'autoscaler', 'scaling.yaml'), 'utf8'));
  const controller = new Controller(lab, policy, svc.logger, svc.metrics);
  server = buildApp(svc, { controller }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const call = (path: string, init: RequestInit & { token?: string | null; from?: string; json?: unknown } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
  if (init.from) headers.set('x-real-ip', init.from);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${origin}${API_PATH}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
};
const fields = async (r: Response) => ((await r.json()).error.details as { field: string }[]).map((d) => d.field);

describe('the autoscaler API door', () => {
  it('refuses a request without the token with 401, on a known path and an unknown one alike, and logs it', async () => {
    for (const path of ['/state', '/no-such-thing', '/schedule']) {
      const r = await call(path, { token: null });
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe('REQUEST_UNAUTHORIZED');
    }
    expect(refusals.filter((x) => x.reason === 'no token').map((x) => x.path)).toEqual(expect.arrayContaining(['/lab/autoscaler/no-such-thing']));
  });

  it('checks the token before parsing: a malformed body without the token is a 401, not a 400', async () => {
    const r = await call('/schedule', { method: 'POST', token: null, headers: { 'content-type': 'application/json' }, body: '{"service": ' });
    expect(r.status).toBe(401);
  });

  it('refuses a wrong token with 401', async () => {
    const r = await call('/state', { token: 'not-the-token-at-all' });
    expect(r.status).toBe(401);
    expect((await r.json()).error.message).toMatch(/wrong console token/);
  });

  it('refuses another machine and another container with 403 even with the right token', async () => {
    for (const from of ['192.168.1.50', '172.18.0.12']) {
      const r = await call('/state', { from });
      expect(r.status).toBe(403);
      const body = await r.json();
      expect(body.error.code).toBe('REQUEST_FORBIDDEN');
      expect(body.error.message).toMatch(/answers this machine and the console only/);
      expect(refusals.at(-1)).toMatchObject({ reason: 'not from this machine', client: from });
    }
  });

  it("accepts the host (loopback, or the network's gateway seen through the edge) and the console's container, with the token", async () => {
    expect((await call('/state')).status).toBe(200);
    expect((await call('/state', { from: '172.18.0.1' })).status).toBe(200);
    expect((await call('/state', { from: CONSOLE })).status).toBe(200);
    expect((await call('/no-such-thing')).status).toBe(404);
  });

  it("leaves health and metrics open (Prometheus scrapes them); the metrics are the controller's", async () => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toMatch(/autoscaler_enabled\{part="autoscaling",service="autoscaler"\} 1/);
    expect(metrics).toMatch(/autoscaler_scaling_events_total\{service="catalog",direction="in"\} 0/);
    expect(metrics).toMatch(/autorecovery_restarts_total\{service="catalog"\} 0/);
  });
});

describe('state and modes', () => {
  it("answers the state: modes, interval, the policy file's schedule, the predictive and recovery policies", async () => {
    const s = await (await call('/state')).json();
    expect(s).toMatchObject({
      autoscaling: true,
      recovery: true,
      scheduleFloors: true,
      forecastFloors: true,
      intervalSeconds: 5,
      lastTickAt: null,
      lastError: null,
      services: [],
      predictive: { enabled: true },
      recoveryPolicy: { enabled: true },
    });
    expect(s.schedule.map((w: { entry: string }) => w.entry)).toContain('flash sale');
  });

  const ALL_ON = { autoscaling: true, recovery: true, scheduleFloors: true, forecastFloors: true };
  const reasons = async (n: number) => ((await (await call('/state')).json()).events as { reason: string }[]).slice(0, n).map((e) => e.reason);

  it('switches a part off and on, answering every mode, and records the change as an event', async () => {
    const off = await call('/modes', { method: 'PUT', json: { autoscaling: false } });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ ...ALL_ON, autoscaling: false });
    expect(await (await call('/modes', { method: 'PUT', json: { autoscaling: true } })).json()).toEqual(ALL_ON);
    expect(await reasons(2)).toEqual(['autoscaling on', 'autoscaling off (decisions are still computed and shown)']);
  });

  it('switches the schedule and forecast floors off together, the other modes untouched, and says what that means', async () => {
    const r = await call('/modes', { method: 'PUT', json: { scheduleFloors: false, forecastFloors: false } });
    expect(await r.json()).toEqual({ ...ALL_ON, scheduleFloors: false, forecastFloors: false });
    expect(await reasons(2)).toEqual(['forecast floors off (computed and shown, not applied)', 'schedule floors off (computed and shown, not applied)']);
    expect(await (await call('/state')).json()).toMatchObject({ scheduleFloors: false, forecastFloors: false, autoscaling: true });
    expect(await (await fetch(`${origin}/metrics`)).text()).toMatch(/autoscaler_enabled\{part="schedule-floors",service="autoscaler"\} 0/);
    await call('/modes', { method: 'PUT', json: { scheduleFloors: true, forecastFloors: true } });
  });

  it('names a bad mode and an unknown field in a 400', async () => {
    const r = await call('/modes', { method: 'PUT', json: { autoscaling: 'yes', colour: 'red' } });
    expect(r.status).toBe(400);
    expect(await fields(r)).toEqual(expect.arrayContaining(['autoscaling', 'colour']));
  });
});

describe('run-time schedule entries', () => {
  const entry = { name: 'api-test', service: 'cart', at: '2099-01-01T12:00:00Z', 'lead-seconds': 60, 'duration-seconds': 600, 'min-replicas': 3 };

  it('names every bad field of an entry in a 400 and adds nothing', async () => {
    const r = await call('/schedule', { method: 'POST', json: { service: 'warehouse', at: 'noon', 'duration-seconds': -1, 'min-replicas': 99, colour: 'red' } });
    expect(r.status).toBe(400);
    expect(await fields(r)).toEqual(expect.arrayContaining(['service', 'at', 'duration-seconds', 'min-replicas', 'colour']));
    const above = await call('/schedule', { method: 'POST', json: { ...entry, 'min-replicas': 9 } });
    expect(above.status).toBe(400);
    expect((await above.json()).error.details).toEqual([{ field: 'min-replicas', problem: "is above cart's max (4)" }]);
  });

  it('adds an entry (201, as added), shows it, refuses its name twice, and removes it', async () => {
    const r = await call('/schedule', { method: 'POST', json: entry });
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ name: 'api-test', service: 'cart', at: '2099-01-01T12:00:00Z', leadSeconds: 60, durationSeconds: 600, minReplicas: 3 });
    const again = await call('/schedule', { method: 'POST', json: entry });
    expect(again.status).toBe(400);
    expect(await fields(again)).toEqual(['name']);
    const del = await call('/schedule/api-test', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ removed: 'api-test' });
    expect((await call('/schedule/api-test', { method: 'DELETE' })).status).toBe(404);
  });

  it("keeps the policy file's entries: removing one is a 404", async () => {
    const r = await call(`/schedule/${encodeURIComponent('flash sale')}`, { method: 'DELETE' });
    expect(r.status).toBe(404);
    expect((await r.json()).error.message).toMatch(/entries of the policy file stay/);
  });
});
