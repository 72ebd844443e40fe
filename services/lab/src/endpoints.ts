// Each endpoint of the lab as the host sees it (a 127.0.0.1 port from .env) and as a container
// on the lab's network sees it. Data links go through Toxiproxy either way, as the shop's do.
import type { LabSettings } from './settings.ts';
import { LINKS, type LinkName } from './topology.ts';

const HTTP = {
  edge: { portVar: 'EDGE_PORT', host: 'edge', port: 8080 },
  // Region B's front door (the multi-region profile).
  'edge-b': { portVar: 'EDGE_B_PORT', host: 'edge-b', port: 8081 },
  // The global entry (lab plane): a shopper's home region, steered by health.
  'global-entry': { portVar: 'GLOBAL_ENTRY_PORT', host: 'global-entry', port: 8088 },
  prometheus: { portVar: 'PROMETHEUS_PORT', host: 'prometheus', port: 9090 },
  grafana: { portVar: 'GRAFANA_PORT', host: 'grafana', port: 3000 },
  toxiproxy: { portVar: 'TOXIPROXY_PORT', host: 'toxiproxy', port: 8474 },
} as const;

/** Region B's links are its services' own, but for the host's view of region B's database. */
export type Endpoint = keyof typeof HTTP | Exclude<LinkName, 'kafka-host' | 'payment' | `b-${string}`> | 'b-pg-host';

/** Each region's read-write database, for the host's tools (the audit reads the primary region's). */
const REGION_LINKS = { a: { db: 'pg-rw' }, b: { db: 'b-pg-host' } } as const;
type Region = keyof typeof REGION_LINKS;

export interface Address {
  host: string;
  port: number;
}

export interface Endpoints {
  address(name: Endpoint): Address;
  url(name: Endpoint): string;
  /** Kafka's bootstrap address: the internal listener inside the lab, the host listener outside. */
  kafkaBroker(): string;
  /** A region's read-write database (its router: it has a backend only while that region is primary). */
  databaseOf(region: Region): Address;
  /** A region's Kafka bootstrap address. */
  kafkaBrokerOf(region: Region): string;
}

export function endpoints(settings: LabSettings): Endpoints {
  const address = (name: Endpoint): Address => {
    if (name in HTTP) {
      const e = HTTP[name as keyof typeof HTTP];
      return settings.inside ? { host: e.host, port: e.port } : { host: '127.0.0.1', port: settings.port(e.portVar) };
    }
    const link = LINKS[name as LinkName];
    if (name === 'kafka') return settings.inside ? { host: 'toxiproxy', port: link.listen } : { host: '127.0.0.1', port: settings.port(LINKS['kafka-host'].hostPortVar) };
    return settings.inside || !('hostPortVar' in link) ? { host: 'toxiproxy', port: link.listen } : { host: '127.0.0.1', port: settings.port(link.hostPortVar) };
  };
  return {
    address,
    url: (name) => {
      const a = address(name);
      return `http://${a.host}:${a.port}`;
    },
    kafkaBroker: () => hostPort(address('kafka')),
    databaseOf: (region) => address(REGION_LINKS[region].db),
    // Region B's broker advertises its internal listener as its region's link (b-kafka), its
    // external one as the host link (b-kafka-host): a client must dial the one it is told back.
    kafkaBrokerOf: (region) =>
      region === 'a' ? hostPort(address('kafka')) : settings.inside ? `toxiproxy:${LINKS['b-kafka'].listen}` : `127.0.0.1:${settings.port(LINKS['b-kafka-host'].hostPortVar)}`,
  };
}

const hostPort = (a: Address) => `${a.host}:${a.port}`;
