// `npm run lab:up`: checks the host ports first (a port in use is named), then
// `docker compose up -d --wait`, and prints how long it took and the lab's status.
import { createServer } from 'node:net';
import { labEnv, upWait } from './compose.ts';
import { labReport } from './status.ts';

const PORT_VARS = ['EDGE_PORT', 'GRAFANA_PORT', 'PROMETHEUS_PORT', 'TOXIPROXY_PORT', 'PG_RW_PORT', 'PG_RO_PORT', 'REDIS_PORT', 'KAFKA_PORT', 'PG_ROUTER_STATS_PORT'];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function checkPorts(env: Record<string, string>, owned: Set<number>): Promise<string[]> {
  const problems: string[] = [];
  for (const name of PORT_VARS) {
    const port = Number(env[name]);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      problems.push(`${name} must be a TCP port (1-65535), got ${JSON.stringify(env[name])}`);
    } else if (!owned.has(port) && !(await portFree(port))) {
      problems.push(`port ${port} (${name}) is already in use on 127.0.0.1: stop what uses it or set ${name} in .env`);
    }
  }
  return problems;
}

const { ps } = await import('./compose.ts');
const owned = new Set((await ps()).flatMap((c) => c.publishers.map((p) => p.PublishedPort)));
const problems = await checkPorts(labEnv(), owned);
if (problems.length) {
  for (const p of problems) console.error(`lab:up: ${p}`);
  process.exit(1);
}
const { seconds, skipped } = await upWait((l) => console.log(l));
const rows = await labReport();
const total = rows.reduce((s, r) => s + r.memBytes, 0);
console.log(`lab is up in ${seconds.toFixed(1)} s${skipped.length ? ` (not started: ${skipped.join(', ')})` : ''}`);
console.log(`${rows.length} containers, ${(total / 1024 ** 2).toFixed(0)} MiB in use`);
console.log(`storefront: http://localhost:${labEnv().EDGE_PORT}/   grafana: http://localhost:${labEnv().GRAFANA_PORT}/   prometheus: http://localhost:${labEnv().PROMETHEUS_PORT}/`);
