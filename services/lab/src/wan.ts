// The WAN between the sites of the multi-region lab: region A (the default lab's network), region B
// and the lab plane's own site (the etcd witness; later the global entry and the region controller,
// which must see a region the way shoppers do: through the WAN). Each site is its own Docker network, and Toxiproxy, attached to all
// three, is the only thing that joins them: a cut is a real partition. Every host another site
// reaches has a global name (`<host>.surge`): in its own site the name is the host itself, in every
// other site it is Toxiproxy, which listens there on that host's port (on the address it has in that
// site) and carries the connection over a proxy of the `wan` group, `wan-<from site>-<host>-<port>`.
// Hosts that a name must always resolve to the same address for (Patroni caches DNS for 10 minutes)
// have fixed addresses; so has Toxiproxy, whose WAN listeners bind one address per site.
// docker-compose.yml, infra/toxiproxy/wan.json and the members' settings are checked against this file.

export type Site = 'a' | 'b' | 'lab';
export const SITES: readonly Site[] = ['a', 'b', 'lab'];

export interface SiteSpec {
  /** The compose network of the site. */
  readonly network: string;
  readonly subnet: string;
  /** Docker hands out addresses only from here: the fixed ones below stay free. */
  readonly dynamicRange: string;
  /** Toxiproxy's address in this site: its WAN listeners for this site bind it. */
  readonly toxiproxy: string;
}

export const SITE_NETWORKS = {
  a: { network: 'default', subnet: '10.231.0.0/24', dynamicRange: '10.231.0.128/25', toxiproxy: '10.231.0.2' },
  b: { network: 'region-b', subnet: '10.231.1.0/24', dynamicRange: '10.231.1.128/25', toxiproxy: '10.231.1.2' },
  lab: { network: 'lab-plane', subnet: '10.231.2.0/24', dynamicRange: '10.231.2.128/25', toxiproxy: '10.231.2.2' },
} as const satisfies Record<Site, SiteSpec>;

export interface WanHost {
  readonly site: Site;
  readonly address: string;
  /** The ports other sites reach it on (unique across hosts: one Toxiproxy address per site). */
  readonly ports: Readonly<Record<string, number>>;
  /** The sites that reach it (default: every other site). */
  readonly reachedFrom?: readonly Site[];
}

const ETCD_SITES: readonly Site[] = ['a', 'b', 'lab'];
export const WAN_HOSTS = {
  etcd: { site: 'a', address: '10.231.0.10', ports: { client: 2379, peer: 2380 } },
  'pg-1': { site: 'a', address: '10.231.0.11', ports: { postgres: 5432, patroni: 8008 }, reachedFrom: ['b', 'lab'] },
  'pg-2': { site: 'a', address: '10.231.0.12', ports: { postgres: 5433, patroni: 8009 }, reachedFrom: ['b', 'lab'] },
  redis: { site: 'a', address: '10.231.0.13', ports: { redis: 6379 }, reachedFrom: ['b'] },
  'etcd-b': { site: 'b', address: '10.231.1.10', ports: { client: 2389, peer: 2390 } },
  'pg-b1': { site: 'b', address: '10.231.1.11', ports: { postgres: 5434, patroni: 8010 }, reachedFrom: ['a', 'lab'] },
  'pg-b2': { site: 'b', address: '10.231.1.12', ports: { postgres: 5435, patroni: 8011 }, reachedFrom: ['a', 'lab'] },
  'redis-b': { site: 'b', address: '10.231.1.13', ports: { redis: 6380 }, reachedFrom: ['a'] },
  'etcd-witness': { site: 'lab', address: '10.231.2.10', ports: { client: 2399, peer: 2400 } },
  // The front doors: a region's edge forwards writes to the primary region's (HTTP, never SQL, across
  // the WAN), and the lab plane (the global entry, the region controller) reaches both as shoppers do.
  edge: { site: 'a', address: '10.231.0.14', ports: { http: 8080 }, reachedFrom: ['b', 'lab'] },
  'edge-b': { site: 'b', address: '10.231.1.14', ports: { http: 8081 }, reachedFrom: ['a', 'lab'] },
} as const satisfies Record<string, WanHost>;
export type WanHostName = keyof typeof WAN_HOSTS;

/** A continental link, each way (the `wan` group's standing toxics; chaos adds to them). */
export const WAN_LATENCY = { latency: 35, jitter: 3 } as const;
/** The toxics every WAN proxy carries while nothing is injected, both directions. */
export const WAN_BASELINE_TOXIC = 'wan-latency';

export const globalName = (host: WanHostName) => `${host}.surge`;

export interface WanProxy {
  readonly name: string;
  readonly from: Site;
  readonly host: WanHostName;
  readonly listen: string;
  readonly upstream: string;
}

/** Every WAN proxy: one per (site, remote host, port) that the site reaches. */
export const WAN_PROXIES: readonly WanProxy[] = SITES.flatMap((from) =>
  (Object.entries(WAN_HOSTS) as [WanHostName, WanHost][])
    .filter(([, h]) => h.site !== from && (h.reachedFrom ?? ETCD_SITES).includes(from))
    .flatMap(([host, h]) =>
      Object.entries(h.ports).map(([what, port]) => ({
        name: `wan-${from}-${host}-${what}`,
        from,
        host,
        listen: `${SITE_NETWORKS[from].toxiproxy}:${port}`,
        upstream: `${host}:${port}`,
      })),
    ),
);

/** The WAN proxies of traffic that leaves or reaches `site`: what cutting the site off disables. */
export const wanProxiesOf = (site: Site) => WAN_PROXIES.filter((p) => p.from === site || WAN_HOSTS[p.host].site === site);

export const isWanProxy = (name: string) => WAN_PROXIES.some((p) => p.name === name);

/** proxies.json's WAN entries: Toxiproxy loads the proxies, toxiproxy-exporter adds their baseline. */
export const wanProxiesConfig = () => WAN_PROXIES.map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: true, baseline: { name: WAN_BASELINE_TOXIC, ...WAN_LATENCY } }));

/** The global names Toxiproxy answers for in a site: every remote host that site reaches. */
export const toxiproxyAliasesIn = (site: Site) => [...new Set(WAN_PROXIES.filter((p) => p.from === site).map((p) => globalName(p.host)))];
