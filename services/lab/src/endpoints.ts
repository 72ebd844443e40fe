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

export type Endpoint = keyof typeof HTTP | Exclude<LinkName, 'kafka-host' | 'payment' | `b-${string}`>;

export interface Address {
  host: string;
  port: number;
}

export interface Endpoints {
  address(name: Endpoint): Address;
  url(name: Endpoint): string;
  /** Kafka's bootstrap address: the internal listener inside the lab, the host listener outside. */
  kafkaBroker(): string;
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
    kafkaBroker: () => {
      const a = address('kafka');
      return `${a.host}:${a.port}`;
    },
  };
}
