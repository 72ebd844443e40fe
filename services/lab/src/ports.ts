// Host ports of the lab: every one must be a TCP port and free on 127.0.0.1 (unless the lab
// itself already holds it), or `lab:up` stops before Compose does, naming the port and its variable.
import { createServer } from 'node:net';

export const PORT_VARS = [
  'EDGE_PORT',
  'EDGE_B_PORT',
  'GLOBAL_ENTRY_PORT',
  'GRAFANA_PORT',
  'PROMETHEUS_PORT',
  'TOXIPROXY_PORT',
  'PG_RW_PORT',
  'PG_RO_PORT',
  'REDIS_PORT',
  'KAFKA_PORT',
  'CARRIER_PORT',
  'PG_B_RW_PORT',
  'KAFKA_B_PORT',
  'PG_ROUTER_STATS_PORT',
] as const;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function portProblems(env: Record<string, string | undefined>, ownedByLab: Set<number>): Promise<string[]> {
  const problems: string[] = [];
  for (const name of PORT_VARS) {
    const port = Number(env[name]);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      problems.push(`${name} must be a TCP port (1-65535), got ${JSON.stringify(env[name] ?? '')}`);
    } else if (!ownedByLab.has(port) && !(await portFree(port))) {
      problems.push(`port ${port} (${name}) is already in use on 127.0.0.1: stop what uses it or set ${name} in .env`);
    }
  }
  return problems;
}
