import { describe, expect, test } from 'vitest';
import { containerStatus, groupServices, linkState, replicaText, roleLabel, serviceTone, sortContainers, toxicText } from '../../src/health.ts';
import { type ContainerInfo, type ServiceInfo, visibleLinks } from '../../src/types.ts';

const ctr = (name: string, number: number, state: string, health: string, role?: string): ContainerInfo => ({
  name,
  number,
  state,
  health,
  startedAt: '2025-01-01T00:00:00Z',
  ...(role ? { role } : {}),
});
const svc = (name: string, group: string, containers: ContainerInfo[], desired?: number): ServiceInfo => ({
  name,
  group,
  region: 'a',
  containers,
  replicas: {
    running: containers.filter((c) => c.state === 'running').length,
    healthy: containers.filter((c) => c.state === 'running' && c.health === 'healthy').length,
    ...(desired !== undefined ? { desired } : {}),
  },
});

describe('containerStatus: state and health as a word, a mark for tests and a tone', () => {
  test('running containers show their health check', () => {
    expect(containerStatus({ state: 'running', health: 'healthy' })).toEqual({ mark: 'healthy', label: 'healthy', tone: 'ok' });
    expect(containerStatus({ state: 'running', health: 'unhealthy' })).toEqual({ mark: 'unhealthy', label: 'unhealthy', tone: 'bad' });
    expect(containerStatus({ state: 'running', health: 'starting' })).toEqual({ mark: 'starting', label: 'starting', tone: 'warn' });
  });
  test('running without a health check: "running", marked none', () => {
    expect(containerStatus({ state: 'running', health: 'none' })).toEqual({ mark: 'none', label: 'running', tone: 'idle' });
    expect(containerStatus({ state: 'running', health: '' })).toMatchObject({ mark: 'none' });
  });
  test("not running is down, whatever the last health said, and says Docker's state", () => {
    expect(containerStatus({ state: 'exited', health: 'healthy' })).toEqual({ mark: 'down', label: 'exited', tone: 'bad' });
    expect(containerStatus({ state: 'paused', health: 'healthy' })).toEqual({ mark: 'down', label: 'paused', tone: 'warn' });
    expect(containerStatus({ state: 'restarting', health: 'none' })).toEqual({ mark: 'down', label: 'restarting', tone: 'warn' });
    expect(containerStatus({ state: 'dead', health: 'none' })).toMatchObject({ mark: 'down', label: 'dead', tone: 'bad' });
  });
});

describe('roleLabel', () => {
  test('Patroni roles in words', () => {
    expect(roleLabel('leader')).toBe('leader');
    expect(roleLabel('sync_standby')).toBe('sync standby');
    expect(roleLabel('replica')).toBe('replica');
    expect(roleLabel('master')).toBe('leader');
    expect(roleLabel(undefined)).toBeUndefined();
  });
});

describe('replica counts and tones', () => {
  test('running/desired when desired is known', () => {
    expect(replicaText({ running: 2, healthy: 1, desired: 3 })).toBe('2/3 running · 1 healthy');
    expect(replicaText({ running: 3, healthy: 3 })).toBe('3 running · 3 healthy');
  });
  test('a service is ok when all replicas are up and healthy, warn when one is missing or unwell, bad when none runs', () => {
    expect(serviceTone(svc('cart', 'shop', [ctr('c-1', 1, 'running', 'healthy'), ctr('c-2', 2, 'running', 'healthy')]))).toBe('ok');
    expect(serviceTone(svc('cart', 'shop', [ctr('c-1', 1, 'running', 'healthy'), ctr('c-2', 2, 'exited', 'none')]))).toBe('warn');
    expect(serviceTone(svc('cart', 'shop', [ctr('c-1', 1, 'running', 'healthy')], 3))).toBe('warn');
    expect(serviceTone(svc('cart', 'shop', [ctr('c-1', 1, 'running', 'starting')]))).toBe('warn');
    expect(serviceTone(svc('redis', 'data', [ctr('r-1', 1, 'exited', 'none')]))).toBe('bad');
  });
});

describe('groupServices', () => {
  test('shop, data, platform, observability in that order, unknown groups after, services by name', () => {
    const g = groupServices([
      svc('prometheus', 'observability', []),
      svc('redis', 'data', []),
      svc('checkout', 'shop', []),
      svc('cart', 'shop', []),
      svc('toxiproxy', 'platform', []),
      svc('odd', 'elsewhere', []),
      svc('etcd', 'data', []),
    ]);
    expect(g.map((x) => x.group)).toEqual(['shop', 'data', 'platform', 'observability', 'elsewhere']);
    expect(g.map((x) => x.title)).toEqual(['Shop', 'Data', 'Platform', 'Observability', 'elsewhere']);
    expect(g[0]!.services.map((s) => s.name)).toEqual(['cart', 'checkout']);
    expect(g[1]!.services.map((s) => s.name)).toEqual(['etcd', 'redis']);
  });
  test('no services, no groups', () => {
    expect(groupServices([])).toEqual([]);
  });
  test('containers by replica number', () => {
    expect(sortContainers([ctr('c-10', 10, 'running', 'healthy'), ctr('c-2', 2, 'running', 'healthy')]).map((c) => c.number)).toEqual([2, 10]);
  });
});

describe('links', () => {
  test('enabled or cut', () => {
    expect(linkState({ name: 'redis', enabled: true, wan: false, toxics: [] })).toBe('enabled');
    expect(linkState({ name: 'redis', enabled: false, wan: false, toxics: [] })).toBe('cut');
  });

  test("the WAN's links are shown only while region B runs", () => {
    const links = [
      { name: 'redis', enabled: true, wan: false, toxics: [] },
      { name: 'wan-b-pg-1-postgres', enabled: true, wan: true, toxics: [] },
    ];
    const b = (running: number) => ({ ...svc('pg-b1', 'data', []), region: 'b', replicas: { running, healthy: running } });
    expect(visibleLinks({ services: [svc('redis', 'data', [])], links }).map((l) => l.name)).toEqual(['redis']);
    expect(visibleLinks({ services: [b(0)], links }).map((l) => l.name)).toEqual(['redis']);
    expect(visibleLinks({ services: [b(1)], links }).map((l) => l.name)).toEqual(['redis', 'wan-b-pg-1-postgres']);
  });
  test('a toxic in one line', () => {
    expect(toxicText({ name: 'latency_downstream', type: 'latency', attributes: { latency: 200, jitter: 0 } })).toBe('latency (latency_downstream): latency 200, jitter 0');
    expect(toxicText({ name: 'timeout', type: 'timeout', attributes: {} })).toBe('timeout');
  });
});
