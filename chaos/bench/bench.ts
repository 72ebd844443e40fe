// `npm run bench`: throughput and latency of the shop against ceilings measured in the same run,
// reported as ratios (absolute numbers drift between machines; ratios much less).
//   1. catalog GET served from Redis by one replica  vs  bare Express hello-JSON (same core)
//   2. edge-cached catalog GET                       vs  nginx `return 200` (the edge's /healthz)
//   3. checkout orders/s through the edge with synchronous replication, and its p99
// Needs the lab running (docker compose up -d --wait).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Lab, waitFor } from '@surge-lab/lab';
import autocannon from 'autocannon';

const CONNECTIONS = 32;

/**
 * Starts a container of the app image on the lab's network, pinned to CPU 1 (the load generator
 * runs on CPU 0), and returns its address. Inside the network it reaches Redis the way the
 * replicas do (through Toxiproxy), with no published-port proxy in the way.
 */
async function pinnedContainer(lab: Lab, name: string, command: string[], env: Record<string, string>): Promise<string> {
  const docker = (args: string[]) => lab.runtime.docker(args);
  await docker(['rm', '-f', name]).catch(() => {});
  const envArgs = Object.entries({ ...env, PORT: '8080', LOG_LEVEL: 'warn' }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await docker([
    'run',
    '-d',
    '--rm',
    '--name',
    name,
    '--network',
    `${lab.project}_default`,
    '--cpuset-cpus',
    '1',
    '--memory',
    '256m',
    '-v',
    `${lab.root}/chaos/bench:/app/bench:ro`,
    ...envArgs,
    `surge-lab/app:${lab.settings.get('LAB_TAG')}`,
    ...command,
  ]);
  const { stdout } = await docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);
  const url = `http://${stdout.trim()}:8080`;
  await waitFor(`${name} answering`, async () => (await fetch(`${url}/healthz`)).status < 500, { timeoutMs: 60_000, intervalMs: 250 });
  return url;
}

const rps = (r: autocannon.Result) => r.requests.average;
const line = (name: string, r: autocannon.Result) =>
  `${name.padEnd(44)} ${rps(r).toFixed(0).padStart(8)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;

export interface BenchOptions {
  seconds: number;
}

/** Runs the bench against the lab; writes reports/bench.json and returns its results. */
export async function runBench(lab: Lab, o: BenchOptions): Promise<Record<string, unknown>> {
  const DURATION = o.seconds;
  const run = (opts: autocannon.Options): Promise<autocannon.Result> =>
    new Promise((resolve, reject) => {
      autocannon({ duration: DURATION, connections: CONNECTIONS, pipelining: 1, ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
    });
  const docker = (args: string[]) => lab.runtime.docker(args);
  // The load generator (this process, all its threads) on CPU 0; the servers under test on CPU 1.
  if (process.platform === 'linux') spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const env = lab.settings.values;
  const edge = lab.endpoints.url('edge');
  const results: Record<string, unknown> = {};
  console.log(`Surge Lab bench: ${DURATION} s per run, ${CONNECTIONS} connections, load generator on CPU 0; the catalog and bare-Express containers pinned to CPU 1\n`);

  // 1. Catalog from Redis vs bare Express. L1 is kept tiny and ids cycle over 2,000 products,
  //    so nearly every request misses L1 and is answered from Redis (warmed first).
  const bareUrl = await pinnedContainer(lab, 'surge-bench-bare-express', ['node', 'bench/bare-express.ts'], {});
  const catalogEnv = {
    PG_RW_URL: `postgres://${env.APP_DB_USER}:${env.APP_DB_PASSWORD}@toxiproxy:15432/${env.APP_DB_NAME}`,
    PG_RO_URL: `postgres://${env.APP_DB_USER}:${env.APP_DB_PASSWORD}@toxiproxy:15433/${env.APP_DB_NAME}`,
    REDIS_URL: 'redis://toxiproxy:16379',
    ADMIN_TOKEN: env.ADMIN_TOKEN!,
    CACHE_FRESH_SECONDS: '600',
  };
  const catalogUrl = await pinnedContainer(lab, 'surge-bench-catalog', ['node', 'services/catalog/src/start.ts'], { ...catalogEnv, L1_MAX_ENTRIES: '10' });
  try {
    const ids = Array.from({ length: 2_000 }, (_, i) => `p-${String(i + 1).padStart(5, '0')}`);
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => fetch(`${catalogUrl}/api/products/${id}`).then((r) => r.arrayBuffer())));
    let n = 0;
    const ceiling = await run({ url: `${bareUrl}/hello` });
    const fromRedis = await run({ url: catalogUrl, requests: [{ setupRequest: (req) => ({ ...req, path: `/api/products/${ids[n++ % ids.length]}` }) }] });
    const metrics = await (await fetch(`${catalogUrl}/metrics`)).text();
    const redisHits = Number(/cache_requests_total\{layer="redis",result="hit"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    console.log(line('bare Express 5 hello JSON (ceiling)', ceiling));
    console.log(line('catalog GET /api/products/{id} from Redis', fromRedis));
    const ratio1 = rps(fromRedis) / rps(ceiling);
    console.log(`  ratio ${ratio1.toFixed(2)} (goal >= 0.80); ${redisHits} answers came from Redis`);
    results.catalogFromRedis = { reqPerSec: rps(fromRedis), p99: fromRedis.latency.p99, ceilingReqPerSec: rps(ceiling), ratio: ratio1, goal: 0.8, redisHits };

    // The same replica with an L1 large enough for every id: the in-process layer alone.
    await docker(['rm', '-f', 'surge-bench-catalog']);
    const l1Url = await pinnedContainer(lab, 'surge-bench-catalog', ['node', 'services/catalog/src/start.ts'], { ...catalogEnv, L1_MAX_ENTRIES: '5000' });
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => fetch(`${l1Url}/api/products/${id}`).then((r) => r.arrayBuffer())));
    const fromL1 = await run({ url: l1Url, requests: [{ setupRequest: (req) => ({ ...req, path: `/api/products/${ids[n++ % ids.length]}` }) }] });
    console.log(line('catalog GET /api/products/{id} from L1', fromL1));
    const ratioL1 = rps(fromL1) / rps(ceiling);
    console.log(`  ratio ${ratioL1.toFixed(2)} (the in-process layer alone)\n`);
    results.catalogFromL1 = { reqPerSec: rps(fromL1), p99: fromL1.latency.p99, ratio: ratioL1 };
  } finally {
    await docker(['rm', '-f', 'surge-bench-bare-express', 'surge-bench-catalog']).catch(() => {});
  }

  // 2. Edge-cached catalog page vs nginx answering by itself.
  await fetch(`${edge}/api/products/p-00001`);
  const nginxCeiling = await run({ url: `${edge}/healthz` });
  const edgeHit = await run({ url: `${edge}/api/products/p-00001` });
  console.log(line('nginx return 200 (edge /healthz, ceiling)', nginxCeiling));
  console.log(line('edge-cached GET /api/products/p-00001', edgeHit));
  const ratio2 = rps(edgeHit) / rps(nginxCeiling);
  console.log(`  ratio ${ratio2.toFixed(2)} (goal >= 0.50)\n`);
  results.edgeCached = { reqPerSec: rps(edgeHit), p99: edgeHit.latency.p99, ceilingReqPerSec: rps(nginxCeiling), ratio: ratio2, goal: 0.5 };

  // 3. Checkouts: each request a fresh Idempotency-Key on one of 64 carts holding one unit.
  const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
  // 64 carts on 64 different products: orders do not queue on one stock row (flash-sale covers that).
  const carts: string[] = [];
  for (let i = 0; i < 64; i++) {
    const product = `p-0${4800 + i}`;
    await fetch(`${edge}/api/products/${product}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ stock: 1_000_000 }) });
    const c = (await (await fetch(`${edge}/api/carts`, { method: 'POST' })).json()) as { id: string };
    await fetch(`${edge}/api/carts/${c.id}/items/${product}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1 }) });
    carts.push(c.id);
  }
  let k = 0;
  const orders = await run({
    url: edge,
    connections: 16,
    requests: [
      {
        method: 'POST',
        path: '/api/checkout',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${randomUUID()}` },
          body: JSON.stringify({ cartId: carts[k++ % carts.length], email: 'bench@example.com' }),
        }),
      },
    ],
  });
  console.log(line('checkout POST /api/checkout (16 connections)', orders));
  console.log('  each answer is a committed order: stock decrement, order, lines, outbox row, synchronous commit on the standby');
  results.checkout = { ordersPerSec: rps(orders), p50: orders.latency.p50, p99: orders.latency.p99, non2xx: orders.non2xx };

  mkdirSync(join(lab.root, 'reports'), { recursive: true });
  writeFileSync(join(lab.root, 'reports', 'bench.json'), JSON.stringify({ at: new Date().toISOString(), durationSeconds: DURATION, results }, null, 2));
  console.log('\nwritten: reports/bench.json');
  return results;
}
