// `npm run lab:up`: checks the host ports first (a port in use is named), then
// `docker compose up -d --wait`, and prints how long it took, the lab's memory and the lab
// console's address with its token (kept in .lab/console-token).
import { labEnv, ps, upWait } from './compose.ts';
import { consoleToken, consoleUrl, ensureConsoleToken } from './console-token.ts';
import { portProblems } from './ports.ts';
import { labReport } from './status.ts';

const env = labEnv();
const owned = new Set((await ps()).flatMap((c) => c.publishers.map((p) => p.PublishedPort)));
const problems = await portProblems(env, owned);
if (problems.length) {
  for (const p of problems) console.error(`lab:up: ${p}`);
  process.exit(1);
}
ensureConsoleToken();
const { seconds, skipped } = await upWait((l) => console.log(l));
const rows = await labReport();
const total = rows.reduce((s, r) => s + r.memBytes, 0);
console.log(`lab is up in ${seconds.toFixed(1)} s${skipped.length ? ` (not started: ${skipped.join(', ')})` : ''}`);
console.log(`${rows.length} containers, ${(total / 1024 ** 2).toFixed(0)} MiB in use`);
console.log(`lab console: ${consoleUrl(await consoleToken())}`);
console.log(`storefront: http://localhost:${env.EDGE_PORT}/   grafana: http://localhost:${env.GRAFANA_PORT}/   prometheus: http://localhost:${env.PROMETHEUS_PORT}/`);
