// The lab's topology manifest: every compose service with its group, whether the autoscaler
// scales it, whether auto-recovery may restart it, whether it holds state, and the links it
// reaches its dependencies through. Every list of services in the project reads this file;
// a unit test checks it against docker-compose.yml and infra/toxiproxy/proxies.json.
import { SITE_NETWORKS, type Site } from './wan.ts';

export type Group = 'shop' | 'data' | 'platform' | 'observability';
/** Where a container runs: region a (the default lab), region b (the `multi-region` profile), or the
 * lab plane, which belongs to neither region and survives either's loss (docker label `region`). */
export type Region = 'a' | 'b' | 'lab';
/** The compose profile that adds region B and the third-site witness. */
export const MULTI_REGION_PROFILE = 'multi-region';

/** A Toxiproxy link: a dependency reached through a proxy, so it can be slowed or cut. */
export interface LinkSpec {
  readonly listen: number;
  /** service:port behind the proxy. */
  readonly upstream: string;
  /** The .env variable of its host port (127.0.0.1), when the host reaches it too. */
  readonly hostPortVar?: string;
  /** Listens only on Toxiproxy's address in this site (a region B link is not region A's to reach). */
  readonly site?: Site;
  readonly summary: string;
}

export interface ServiceSpec {
  readonly group: Group;
  /** The autoscaler sets its replica count. */
  readonly scales: boolean;
  /** Auto-recovery may restart a hung container (stateless: a restart is safe). */
  readonly recoverable: boolean;
  /** Holds data or membership that its own cluster manager heals (never restarted from outside). */
  readonly stateful: boolean;
  /** The Toxiproxy links it reaches its dependencies through. */
  readonly links: readonly LinkName[];
  /** A Patroni member (the database cluster). */
  readonly patroni?: true;
  readonly region: Region;
  /** Started only with this compose profile. */
  readonly profile?: typeof MULTI_REGION_PROFILE;
}

export const LINKS = {
  'pg-rw': { listen: 15432, upstream: 'pg-router:5000', hostPortVar: 'PG_RW_PORT', summary: 'Postgres read-write (the leader)' },
  'pg-ro': { listen: 15433, upstream: 'pg-router:5001', hostPortVar: 'PG_RO_PORT', summary: 'Postgres read-only (a replica, or the leader)' },
  redis: { listen: 16379, upstream: 'redis:6379', hostPortVar: 'REDIS_PORT', summary: 'Redis (cache and carts)' },
  kafka: { listen: 19092, upstream: 'kafka:9092', summary: "Kafka for the lab's containers" },
  'kafka-host': { listen: 29092, upstream: 'kafka:9094', hostPortVar: 'KAFKA_PORT', summary: 'Kafka for host clients' },
  payment: { listen: 18090, upstream: 'payment:8080', summary: 'the payment provider' },
  carrier: { listen: 18091, upstream: 'carrier:8080', hostPortVar: 'CARRIER_PORT', summary: 'the shipping carrier (the audit reads its record too)' },
  // Region B's links: its services reach region B's router, Redis and broker, and the provider.
  'b-pg-rw': { listen: 25432, upstream: 'pg-router-b:5000', site: 'b', summary: 'Postgres read-write in region B (its leader, while region B is primary)' },
  'b-pg-ro': { listen: 25433, upstream: 'pg-router-b:5001', site: 'b', summary: "Postgres read-only in region B (region B's replicas)" },
  'b-redis': { listen: 26379, upstream: 'redis-b:6380', site: 'b', summary: "Region B's Redis (a replica of region A's while region A is primary)" },
  'b-kafka': { listen: 29093, upstream: 'kafka-b:9092', site: 'b', summary: "Region B's Kafka" },
  'b-payment': { listen: 28090, upstream: 'payment:8080', site: 'b', summary: 'the payment provider, from region B' },
  'b-carrier': { listen: 28091, upstream: 'carrier:8080', site: 'b', summary: 'the shipping carrier, from region B' },
  // The host's tools (the audit) read whichever region is primary: region B's router and broker for
  // the host. Listening on every address, as region A's host links do; no shop service is given them.
  'b-pg-host': { listen: 25434, upstream: 'pg-router-b:5000', hostPortVar: 'PG_B_RW_PORT', summary: "Postgres read-write in region B, for the host's tools (the audit)" },
  'b-kafka-host': { listen: 29094, upstream: 'kafka-b:9094', hostPortVar: 'KAFKA_B_PORT', summary: "Region B's Kafka, for host clients (the audit reads both regions' topics)" },
} as const satisfies Record<string, LinkSpec>;
export type LinkName = keyof typeof LINKS;
/** The address a link listens on in Toxiproxy. */
export const linkListen = (link: LinkSpec) => `${link.site === undefined ? '0.0.0.0' : SITE_NETWORKS[link.site].toxiproxy}:${link.listen}`;
export const LINK_NAMES = Object.keys(LINKS) as LinkName[];

const A = { region: 'a' } as const;
const B = { region: 'b', profile: MULTI_REGION_PROFILE } as const;
const LAB = { region: 'lab' } as const;
const shop = <S extends boolean>(links: readonly LinkName[], scales: S) => ({ group: 'shop' as const, scales, recoverable: true, stateful: false, links, ...A });
const shopB = (links: readonly LinkName[]) => ({ ...shop(links, false), ...B });
const data = (extra: Partial<ServiceSpec> = {}): ServiceSpec => ({ group: 'data', scales: false, recoverable: false, stateful: true, links: [], ...A, ...extra });
const plain = (group: Group, where: Pick<ServiceSpec, 'region'> = LAB): ServiceSpec => ({ group, scales: false, recoverable: false, stateful: false, links: [], ...where });

export const SERVICES = {
  edge: shop([], false),
  catalog: shop(['pg-ro', 'pg-rw', 'redis'], true),
  cart: shop(['redis'], true),
  checkout: shop(['pg-rw', 'kafka', 'payment'], true),
  // The card processor is an external provider: it belongs to neither region (its ledger is its own).
  payment: { ...shop([], false), ...LAB },
  // The shipping carrier, the other external provider: ships an order once, whichever region asks.
  carrier: { ...shop([], false), ...LAB },
  fulfilment: shop(['pg-rw', 'kafka', 'carrier'], false),
  etcd: data(),
  'pg-1': data({ patroni: true }),
  'pg-2': data({ patroni: true }),
  'pg-router': { ...data(), stateful: false },
  redis: data(),
  kafka: data(),
  // Region B's database member (async replica of region A's leader, through the WAN) and the
  // DCS in three places: region A's etcd, region B's, and a witness on a third site.
  'etcd-b': data(B),
  'pg-b1': data({ ...B, patroni: true }),
  'pg-b2': data({ ...B, patroni: true }),
  // Region B's Redis: a replica of region A's through the WAN (carts and the cache).
  'redis-b': data(B),
  'etcd-witness': data({ ...LAB, profile: MULTI_REGION_PROFILE }),
  'region-controller': { ...plain('platform'), profile: MULTI_REGION_PROFILE },
  'global-entry': { ...plain('platform'), profile: MULTI_REGION_PROFILE },
  // Region B's shop: reads served from region B's replica and caches, writes forwarded by its edge
  // to the primary region's (docs/regions.md). One replica each; `--scale catalog-b=2` adds more.
  'edge-b': shopB([]),
  'catalog-b': shopB(['b-pg-ro', 'b-pg-rw', 'b-redis']),
  'cart-b': shopB(['b-redis']),
  'checkout-b': shopB(['b-pg-rw', 'b-kafka', 'b-payment']),
  'fulfilment-b': shopB(['b-pg-rw', 'b-kafka', 'b-carrier']),
  'pg-router-b': { ...data(B), stateful: false },
  'kafka-b': data(B),
  toxiproxy: plain('platform'),
  console: plain('platform'),
  autoscaler: plain('platform'),
  prometheus: { ...plain('observability'), stateful: true },
  grafana: plain('observability'),
  'pg-1-exporter': plain('observability', A),
  'pg-2-exporter': plain('observability', A),
  'redis-exporter': plain('observability', A),
  'edge-exporter': plain('observability', A),
} as const satisfies Record<string, ServiceSpec>;
export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

const where = (test: (s: ServiceSpec) => boolean) => SERVICE_NAMES.filter((n) => test(SERVICES[n]));

/** The services the autoscaler sets the replica count of (the type is read off the manifest too). */
export type ScalableService = { [K in ServiceName]: (typeof SERVICES)[K]['scales'] extends true ? K : never }[ServiceName];
export const SCALABLE_SERVICES = where((s) => s.scales) as readonly ScalableService[];
/** The services auto-recovery may restart when hung. */
export const RECOVERABLE_SERVICES = where((s) => s.recoverable);
/** Region A's Patroni members, in order: the default lab's database cluster. */
export const PATRONI_MEMBERS = where((s) => s.patroni === true && s.region === 'a');
/** Every Patroni member of the stretched cluster, region B's included. */
export const ALL_PATRONI_MEMBERS = where((s) => s.patroni === true);
/** The services of the default lab (no profile). */
export const DEFAULT_SERVICES = where((s) => s.profile === undefined);

export const isServiceName = (name: string): name is ServiceName => Object.hasOwn(SERVICES, name);
export const isScalable = (name: string): name is ScalableService => (SCALABLE_SERVICES as readonly string[]).includes(name);
export const isLinkName = (name: string): name is LinkName => Object.hasOwn(LINKS, name);

/** The group of a service; a replica made by hand (or a service not in the manifest) is observability's. */
export const groupOf = (service: string): Group => (isServiceName(service) ? SERVICES[service].group : 'observability');
/** The region of a service (a replica made by hand is the lab plane's). */
export const regionOf = (service: string): Region => (isServiceName(service) ? SERVICES[service].region : 'lab');
