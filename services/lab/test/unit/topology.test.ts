// The topology manifest against the files it describes: every compose service is in it (and
// nothing else), every Toxiproxy link it names is the proxy Toxiproxy loads, and the services an
// app reaches through a link really are given that link's address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../src/settings.ts';
import { DEFAULT_SERVICES, LINK_NAMES, LINKS, linkListen, MULTI_REGION_PROFILE, RECOVERABLE_SERVICES, SCALABLE_SERVICES, SERVICE_NAMES, SERVICES } from '../../src/topology.ts';
import { globalName, SITE_NETWORKS, SITES, toxiproxyAliasesIn, WAN_BASELINE_TOXIC, WAN_HOSTS, WAN_LATENCY, wanProxiesConfig, wanProxiesOf } from '../../src/wan.ts';

interface ComposeService {
  environment?: Record<string, string | number>;
  labels?: Record<string, string>;
  profiles?: string[];
  networks?: Record<string, { ipv4_address?: string; aliases?: string[] }>;
}
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true, maxAliasCount: -1 }) as {
  services: Record<string, ComposeService>;
  networks: Record<string, { ipam: { config: { subnet: string; ip_range: string }[] } }>;
};
const proxies = JSON.parse(readFileSync(join(repoRoot, 'infra/toxiproxy/proxies.json'), 'utf8')) as { name: string; listen: string; upstream: string; baseline?: unknown }[];
const isWan = (p: { name: string }) => p.name.startsWith('wan-');

describe('the topology manifest', () => {
  test('names exactly the services of docker-compose.yml', () => {
    expect([...SERVICE_NAMES].sort()).toEqual(Object.keys(compose.services).sort());
  });

  test('every Toxiproxy link is a proxy of proxies.json with the same port and upstream', () => {
    expect(
      proxies
        .filter((p) => !isWan(p))
        .map((p) => p.name)
        .sort(),
    ).toEqual([...LINK_NAMES].sort());
    for (const p of proxies.filter((p) => !isWan(p))) {
      const link = LINKS[p.name as keyof typeof LINKS];
      expect({ listen: p.listen, upstream: p.upstream }).toEqual({ listen: linkListen(link), upstream: link.upstream });
    }
  });

  test("a shop service that reaches a dependency through a link is configured with the link's address", () => {
    for (const name of SERVICE_NAMES) {
      const env = Object.values(compose.services[name]?.environment ?? {}).join(' ');
      for (const link of SERVICES[name].links) expect(env, `${name} → ${link}`).toContain(`toxiproxy:${LINKS[link].listen}`);
    }
  });

  test('only stateless services scale or are restarted by auto-recovery', () => {
    for (const s of [...SCALABLE_SERVICES, ...RECOVERABLE_SERVICES]) expect(SERVICES[s].stateful, s).toBe(false);
    expect(SCALABLE_SERVICES).toEqual(['catalog', 'cart', 'checkout']);
  });

  test('every container says its region, and region B is exactly the multi-region profile', () => {
    for (const name of SERVICE_NAMES) {
      expect(compose.services[name]?.labels?.region, name).toBe(SERVICES[name].region);
      expect(compose.services[name]?.profiles ?? [], name).toEqual('profile' in SERVICES[name] ? [MULTI_REGION_PROFILE] : []);
    }
    expect(SERVICE_NAMES.filter((n) => SERVICES[n].region === 'b').every((n) => !DEFAULT_SERVICES.includes(n))).toBe(true);
  });
});

describe('the WAN', () => {
  test('proxies.json has every WAN proxy, on its site address, with the standing latency', () => {
    // Regenerate with `npm run wan:proxies` after changing services/lab/src/wan.ts.
    expect(proxies.filter(isWan)).toEqual(wanProxiesConfig());
    expect(wanProxiesConfig().every((p) => p.baseline.name === WAN_BASELINE_TOXIC && p.baseline.latency === WAN_LATENCY.latency)).toBe(true);
  });

  test("each site is a network of its own and Toxiproxy, on all of them, answers for the other sites' hosts", () => {
    for (const site of SITES) {
      const n = SITE_NETWORKS[site];
      expect(compose.networks[n.network]?.ipam.config).toEqual([{ subnet: n.subnet, ip_range: n.dynamicRange }]);
      const tp = compose.services.toxiproxy?.networks?.[n.network];
      expect(tp?.ipv4_address, site).toBe(n.toxiproxy);
      expect([...(tp?.aliases ?? [])].sort(), site).toEqual(toxiproxyAliasesIn(site).sort());
    }
  });

  test('every WAN host sits on its fixed address in its own site only, under its global name', () => {
    for (const [host, h] of Object.entries(WAN_HOSTS)) {
      const nets = compose.services[host]?.networks ?? {};
      expect(Object.keys(nets), host).toEqual([SITE_NETWORKS[h.site].network]);
      const net = nets[SITE_NETWORKS[h.site].network];
      expect(net?.aliases, host).toEqual([globalName(host as keyof typeof WAN_HOSTS)]);
      if (host !== 'redis') expect(net?.ipv4_address, host).toBe(h.address);
    }
  });

  test("a Patroni member listens on the WAN host's ports, for Postgres, pgBackRest and Patroni", () => {
    for (const [host, h] of Object.entries(WAN_HOSTS)) {
      if (!('postgres' in h.ports)) continue;
      const env = compose.services[host]?.environment ?? {};
      expect({ PGPORT: Number(env.PGPORT), PGBACKREST_PG1_PORT: Number(env.PGBACKREST_PG1_PORT), PATRONI_PORT: Number(env.PATRONI_PORT) }, host).toEqual({
        PGPORT: h.ports.postgres,
        PGBACKREST_PG1_PORT: h.ports.postgres,
        PATRONI_PORT: h.ports.patroni,
      });
    }
  });

  test("each region's router reaches its own region's two members, on their ports", () => {
    for (const [router, members] of [
      ['pg-router', ['pg-1', 'pg-2']],
      ['pg-router-b', ['pg-b1', 'pg-b2']],
    ] as const) {
      const env = compose.services[router]?.environment ?? {};
      members.forEach((m, i) => {
        const ports = WAN_HOSTS[m].ports;
        expect([env[`PG_MEMBER_${i + 1}`], Number(env[`PG_MEMBER_${i + 1}_PORT`]), Number(env[`PG_MEMBER_${i + 1}_API`])], router).toEqual([m, ports.postgres, ports.patroni]);
      });
    }
  });

  test("each front door forwards to the other's global name and port, and region B's shop answers under region A's names", () => {
    const door = (s: string) => compose.services[s]?.environment ?? {};
    expect([door('edge').LAB_REGION, door('edge').PEER_FRONT_DOOR, Number(door('edge').EDGE_LISTEN_PORT)]).toEqual([
      'a',
      `${globalName('edge-b')}:${WAN_HOSTS['edge-b'].ports.http}`,
      WAN_HOSTS.edge.ports.http,
    ]);
    expect([door('edge-b').LAB_REGION, door('edge-b').PEER_FRONT_DOOR, Number(door('edge-b').EDGE_LISTEN_PORT)]).toEqual([
      'b',
      `${globalName('edge')}:${WAN_HOSTS.edge.ports.http}`,
      WAN_HOSTS['edge-b'].ports.http,
    ]);
    for (const s of ['catalog', 'cart', 'checkout', 'fulfilment']) expect(compose.services[`${s}-b`]?.networks?.['region-b']?.aliases, s).toEqual([s]);
  });

  test('cutting a site off disables every proxy into and out of it, and none between the others', () => {
    const a = wanProxiesOf('a').map((p) => p.name);
    expect(a).toContain('wan-b-pg-1-postgres');
    expect(a).toContain('wan-a-etcd-witness-peer');
    expect(a.some((n) => n.startsWith('wan-b-etcd-witness') || n.startsWith('wan-lab-etcd-b'))).toBe(false);
  });
});
