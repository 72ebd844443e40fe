// The lab console's API through the edge, as the browser reaches it: the door (token, origin),
// the topology, a fault with a duration, and reset all; and the autoscaler's API behind the same
// door, which the console's Scaling section reaches through the console.

import { inject } from '@surge-lab/chaos/faults';
import type { ControllerState } from '@surge-lab/contracts/autoscaler';
import { hostConsoleToken, injectedToxics, type ProxyState, waitFor } from '@surge-lab/lab';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, edgeUrl, faultCtx, lab, labProject, toxiproxyUrl } from './lab.ts';

/**
 * A console answer's JSON as the tests read it when they name no type: each test reads the fields its
 * answer has (services/console/ui/src/types.ts has the answers in full).
 */
interface Body {
  id: string;
  kind: string;
  target: string;
  endsAt: string;
  state: string;
  log: string[];
  reportUrl: string;
  services: { name: string; service: string; replicas: { running: number; healthy: number; desired?: number }; containers: { role?: string; health: string }[] }[];
  links: { name: string }[];
  reverted: string[];
  broughtBack: string[];
  current: { id: string } | null;
  last: { id: string; exitCode: number | null; summary: unknown } | null;
  charts: { id: string; series: { label: string }[]; dashboard: string }[];
  error: { code: string; details: { field: string; problem: string }[] };
}

const token = await hostConsoleToken(lab.root, lab.runtime);
const consoleApi = async <T = Body>(method: string, path: string, body?: unknown, auth: string | null = token) => {
  const r = await fetch(`${edgeUrl()}/lab/api${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(200_000),
  });
  return { status: r.status, body: (await r.json()) as T };
};
const toxics = async (link: string) => (await (await fetch(`${toxiproxyUrl()}/proxies/${link}/toxics`)).json()) as { name: string }[];

afterAll(async () => {
  await consoleApi('POST', '/reset');
});

/** Runs `fetch(url)` with the token inside a container of the lab; prints "<status> <body>". */
const fetchFrom = async (container: string, url: string) =>
  (await docker(['exec', container, 'node', '-e', `fetch('${url}', { headers: { authorization: 'Bearer ${token}' } }).then(async (r) => console.log(r.status, await r.text()))`])).stdout;

describe('the autoscaler API, behind the same door', () => {
  const autoscalerApi = async (path: string, auth: string | null = token) => {
    const r = await fetch(`${edgeUrl()}/lab/autoscaler${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {}, signal: AbortSignal.timeout(30_000) });
    return { status: r.status, body: (await r.json()) as ControllerState };
  };

  it('answers the host through the edge with the token only (401 without, unknown paths too)', async () => {
    expect((await autoscalerApi('/state', null)).status).toBe(401);
    expect((await autoscalerApi('/nope/nothing', null)).status).toBe(401);
    const { status, body } = await autoscalerApi('/state');
    expect(status).toBe(200);
    expect(body.services.map((s: { service: string }) => s.service).sort()).toEqual(['cart', 'catalog', 'checkout']);
    // The client the tools use says the same.
    expect(await lab.autoscaler.state()).toMatchObject({ autoscaling: body.autoscaling, recovery: body.recovery });
  });

  it("answers the console's container, and refuses a shop container with 403, directly or through the edge", async () => {
    expect(await fetchFrom(`${labProject}-console-1`, 'http://autoscaler:8080/lab/autoscaler/state')).toMatch(/^200 /);
    expect(await fetchFrom(`${labProject}-catalog-1`, 'http://autoscaler:8080/lab/autoscaler/state')).toMatch(/^403 .*REQUEST_FORBIDDEN/);
    expect(await fetchFrom(`${labProject}-catalog-1`, 'http://edge:8080/lab/autoscaler/state')).toMatch(/^403 .*REQUEST_FORBIDDEN/);
    const logs = (await docker(['logs', '--since', '2m', `${labProject}-autoscaler-1`])).stdout;
    expect(logs).toMatch(/autoscaler API request refused.*not from this machine|not from this machine.*autoscaler API request refused/);
  });

  it("forwards the console's Scaling routes to it: the same state, and its 400s naming the fields", async () => {
    const viaConsole = await consoleApi('GET', '/scaling');
    expect(viaConsole.status).toBe(200);
    expect(viaConsole.body.services.map((s: { service: string }) => s.service).sort()).toEqual(['cart', 'catalog', 'checkout']);
    const bad = await consoleApi('POST', '/scaling/schedule', { service: 'cart', at: 'noon', 'duration-seconds': 60, 'min-replicas': 99 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['at', 'min-replicas']);
  });

  it('the console keeps serving while the autoscaler is down: its scaling routes answer 503, the topology has no desired counts', async () => {
    const down = await inject(faultCtx(), 'autoscaler-down', { 'grace-seconds': 10 });
    try {
      const scaling = await consoleApi('GET', '/scaling');
      expect(scaling.status).toBe(503);
      expect(scaling.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      await new Promise((r) => setTimeout(r, 1_500)); // past the topology's 1 s cache
      const topo = await consoleApi('GET', '/topology');
      expect(topo.status).toBe(200);
      const catalog = topo.body.services.find((s: { name: string }) => s.name === 'catalog')!;
      expect(catalog.replicas).toEqual({ running: 2, healthy: 2 });
    } finally {
      await down.revert();
    }
    expect((await consoleApi('GET', '/scaling')).status).toBe(200);
  });
});

describe('lab console API', () => {
  it('refuses requests without the token (401, unknown paths too) and requests from another container (403)', async () => {
    expect((await consoleApi('GET', '/topology', undefined, null)).status).toBe(401);
    expect((await consoleApi('GET', '/nope/nothing', undefined, null)).status).toBe(401);
    // From inside the lab (a catalog replica) through the edge, with the right token: not this machine.
    const { stdout } = await docker([
      'exec',
      `${labProject}-catalog-1`,
      'node',
      '-e',
      `fetch('http://edge:8080/lab/api/meta', { headers: { authorization: 'Bearer ${token}' } }).then(async (r) => console.log(r.status, await r.text()))`,
    ]);
    expect(stdout).toMatch(/^403 .*REQUEST_FORBIDDEN/);
    const logs = (await docker(['logs', '--since', '2m', `${labProject}-console-1`])).stdout;
    expect(logs).toMatch(/console API request refused.*not from this machine|not from this machine.*console API request refused/);
  });

  it('shows every service with its replicas and health, and the Patroni roles', async () => {
    const { status, body } = await consoleApi('GET', '/topology');
    expect(status).toBe(200);
    const byName = new Map((body.services as { name: string; replicas: { running: number; healthy: number }; containers: { role?: string; health: string }[] }[]).map((s) => [s.name, s]));
    // The desired count is the autoscaler's decision (it observes during the live suites: 2).
    expect(byName.get('catalog')!.replicas).toMatchObject({ running: 2, healthy: 2, desired: 2 });
    expect(byName.get('console')!.containers[0]!.health).toBe('healthy');
    expect(byName.get('autoscaler')!.containers[0]!.health).toBe('healthy');
    const roles = [...byName.get('pg-1')!.containers, ...byName.get('pg-2')!.containers].map((c) => c.role).sort();
    expect(roles).toEqual(['leader', 'sync_standby']);
    expect((body.links as { name: string }[]).map((l) => l.name)).toEqual(expect.arrayContaining(['pg-rw', 'redis', 'payment']));
  });

  it('names bad fault parameters in a 400 and injects nothing', async () => {
    const r = await consoleApi('POST', '/faults', { fault: 'link-latency', args: { link: 'redis', 'latency-ms': 'lots' }, durationSeconds: -1 });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['durationSeconds']));
    const r2 = await consoleApi('POST', '/faults', { fault: 'container-kill', args: { service: 'warehouse' } });
    expect(r2.status).toBe(400);
    expect(r2.body.error.details).toEqual([expect.objectContaining({ field: 'args.service', problem: expect.stringMatching(/no service "warehouse"/) })]);
    expect(await toxics('redis')).toEqual([]);
  });

  it('holds a fault for its duration, then reverts it by itself', async () => {
    const r = await consoleApi('POST', '/faults', { fault: 'link-latency', args: { link: 'redis', 'latency-ms': 50 }, durationSeconds: 3 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'link-latency', target: 'redis', endsAt: expect.any(String) });
    expect(await toxics('redis')).toHaveLength(1);
    expect((await consoleApi<{ id: string }[]>('GET', '/faults')).body.map((f: { id: string }) => f.id)).toContain(r.body.id);
    await waitFor('the latency reverted', async () => (await toxics('redis')).length === 0, { timeoutMs: 15_000, intervalMs: 250 });
    expect((await consoleApi('GET', '/faults')).body).toEqual([]);
  });

  it('reset all removes every toxic, enables every link and starts a stopped container', async () => {
    await consoleApi('POST', '/faults', { fault: 'link-latency', args: { link: 'pg-ro', 'latency-ms': 100 } });
    await consoleApi('POST', '/faults', { fault: 'link-down', args: { link: 'payment' } });
    // A toxic added behind the console's back goes too.
    await fetch(`${toxiproxyUrl()}/proxies/redis/toxics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'by-hand', type: 'latency', attributes: { latency: 10 } }),
    });
    await docker(['stop', '--time', '5', `${labProject}-cart-2`]);
    const r = await consoleApi('POST', '/reset');
    expect(r.status).toBe(200);
    expect(r.body.reverted).toHaveLength(2);
    expect(r.body.broughtBack).toContain(`${labProject}-cart-2`);
    const proxies = Object.values((await (await fetch(`${toxiproxyUrl()}/proxies`)).json()) as Record<string, ProxyState>);
    expect(proxies.every((p) => p.enabled && injectedToxics(p).length === 0)).toBe(true);
    const topo = (await consoleApi('GET', '/topology')).body;
    expect(topo.services.find((s: { name: string }) => s.name === 'cart')!.replicas).toMatchObject({ running: 2, healthy: 2 });
  });

  it('runs a load from the console, one at a time, and keeps its summary', async () => {
    const started = await consoleApi('POST', '/load', { scenario: 'browse', durationSeconds: 5, connections: 4 });
    expect(started.status).toBe(202);
    const again = await consoleApi('POST', '/load', { scenario: 'browse', durationSeconds: 5 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LOAD_RUNNING');
    const last = await waitFor(
      'the load to end',
      async () => {
        const b = (await consoleApi('GET', '/load')).body;
        return b.current === null && b.last?.id === started.body.id ? b.last : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(last.exitCode).toBe(0);
    expect(last.summary).toMatch(/requests/);
  });

  it('runs a game day from the console: progress, a pass verdict and its HTML report', async () => {
    const started = await consoleApi('POST', '/runs', { experiment: 'replica-kill' });
    expect(started.status).toBe(202);
    expect((await consoleApi('POST', '/runs', { experiment: 'replica-kill' })).body.error.code).toBe('RUN_IN_PROGRESS');
    await waitFor('progress lines', async () => (await consoleApi('GET', `/runs/${started.body.id}`)).body.log.some((l: string) => /fault\s+container-kill/.test(l)), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
    });
    const run = await waitFor(
      'the verdict',
      async () => {
        const b = (await consoleApi('GET', `/runs/${started.body.id}`)).body;
        return b.state === 'running' ? undefined : b;
      },
      { timeoutMs: 240_000, intervalMs: 2_000 },
    );
    expect({ state: run.state, tail: run.log.slice(-3) }).toMatchObject({ state: 'passed' });
    expect(run.log.join('\n')).toMatch(/verdict\s+PASS/);
    const report = await fetch(`${edgeUrl()}/lab/api${run.reportUrl.replace('/lab/api', '')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(report.status).toBe(200);
    expect(await report.text()).toMatch(/Killing one catalog replica/);
  });

  it('serves live charts from Prometheus and links each to its Grafana dashboard', async () => {
    const { status, body } = await consoleApi('GET', '/charts?minutes=5');
    expect(status).toBe(200);
    const rps = body.charts.find((c: { id: string }) => c.id === 'rps')!;
    expect(rps.series.map((s: { label: string }) => s.label)).toEqual(expect.arrayContaining(['catalog', 'cart', 'checkout']));
    expect(rps.dashboard).toMatch(/\/d\/surge-overview$/);
    expect(body.charts.map((c: { id: string }) => c.id)).toEqual(['rps', 'errors', 'p99', 'cache', 'replication-lag', 'consumer-lag', 'breakers']);
    expect((await consoleApi('GET', '/charts?minutes=lots')).status).toBe(400);
  });
});
