// `npm run bench`: the shop's speed against ceilings measured in the same run, as ratios
// (absolute numbers drift between machines; ratios much less), and the lab's CPU per operation.
//   1. catalog GET from L1 by one replica        vs  bare Express hello-JSON (same core)
//   2. catalog GET from Redis by one replica     vs  Express + one Redis GET over the same link
//   3. edge-cached catalog GET                   vs  nginx `return 200` (the edge's /healthz)
//   4. lab CPU per operation: browse answered by the edge cache, browse at the origin, journeys
//   5. checkout orders/s through the edge with synchronous replication, and its p99
// Goals are issue #12's. Needs the lab running (docker compose up -d --wait).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupLayout, containerCpuNs, type Lab, waitFor } from '@surge-lab/lab';
import autocannon from 'autocannon';
import { JOURNEY_PRODUCTS, restock, runLoad } from '../load/index.ts';
import { type CostFigure, labMeter } from './lab-cost.ts';
import { writeBenchReport } from './report.ts';

const CONNECTIONS = 32;

/**
 * Starts a container of the app image on the lab's network, pinned to CPU 1 (the load generator
 * runs on CPU 0), and returns its address. Inside the network it reaches Redis the way the
 * replicas do (through Toxiproxy), with no published-port proxy in the way.
 */
async function pinnedContainer(lab: Lab, name: string, command: string[], env: Record<string, string>): Promise<Server> {
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
  const { stdout } = await docker(['inspect', '-f', '{{.Id}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);
  const [id, ip] = stdout.trim().split(' ');
  const url = `http://${ip}:8080`;
  await waitFor(`${name} answering`, async () => (await fetch(`${url}/healthz`)).status < 500, { timeoutMs: 60_000, intervalMs: 250 });
  return { url, id: id! };
}

/** A server under test: its address and its container (whose CPU time the kernel accounts). */
interface Server {
  url: string;
  id: string;
}

/**
 * A run and the CPU the server's container spent per request in it. Throughput alone compares
 * the load generator as much as the server on two cores (autocannon's one thread tops out near
 * the bare ceilings); CPU per request compares the servers.
 */
interface Measured {
  result: autocannon.Result;
  cpuUsPerRequest: number;
}

const rps = (r: autocannon.Result) => r.requests.average;
const line = (name: string, r: autocannon.Result) =>
  `${name.padEnd(44)} ${rps(r).toFixed(0).padStart(8)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;

export interface BenchOptions {
  seconds: number;
  /** Seconds of the idle measurement and of each load the CPU per operation is measured over. */
  costSeconds: number;
}

/** One line of the bench's table: a figure, its goal, whether it is met. */
export interface Goal {
  what: string;
  value: number;
  unit: string;
  goal: number;
  /** The figure must be at least (ratios) or at most (costs) the goal. */
  direction: 'at-least' | 'at-most';
}
// A figure lost in the idle rate's noise (NaN) meets nothing.
const met = (g: Goal) => Number.isFinite(g.value) && (g.direction === 'at-least' ? g.value >= g.goal : g.value <= g.goal);
const fmtGoal = (g: Goal) =>
  `${g.what.padEnd(58)} ${g.value.toFixed(g.unit === 'ratio' ? 2 : 2).padStart(8)} ${g.unit.padEnd(12)} goal ${g.direction === 'at-least' ? '≥' : '≤'} ${g.goal} ${met(g) ? 'met' : 'NOT met'}`;
const fmtCost = (c: CostFigure) =>
  `${c.msPerOperation.toFixed(3)} ms per operation (${c.operations} operations; lab ${c.busyMsPerSecond.toFixed(0)} ms/s busy, ${c.idleMsPerSecond.toFixed(0)} ms/s idle); most: ${c.top.map((t) => `${t.name.replace(/^surge-lab-/, '')} ${t.msPerOperation.toFixed(3)}`).join(', ')}`;

/** Runs the bench against the lab; writes reports/bench.json and returns its results. */
export async function runBench(lab: Lab, o: BenchOptions): Promise<Record<string, unknown>> {
  const DURATION = o.seconds;
  const run = (opts: autocannon.Options): Promise<autocannon.Result> =>
    new Promise((resolve, reject) => {
      autocannon({ duration: DURATION, connections: CONNECTIONS, pipelining: 1, ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
    });
  const layout = cgroupLayout();
  const measured = async (containerId: string, opts: autocannon.Options): Promise<Measured> => {
    const before = containerCpuNs(layout, containerId) ?? 0;
    const result = await run(opts);
    const after = containerCpuNs(layout, containerId) ?? 0;
    // A container restarted during the run starts its counter again: that run has no figure.
    const cpuUsPerRequest = after >= before ? (after - before) / 1_000 / Math.max(1, result.requests.total) : Number.NaN;
    return { result, cpuUsPerRequest };
  };
  const efficiency = (ceiling: Measured, m: Measured) => ceiling.cpuUsPerRequest / m.cpuUsPerRequest;
  const cpuLine = (m: Measured) => `    ${m.cpuUsPerRequest.toFixed(1)} µs CPU per request`;
  /** A run against its ceiling: both ratios printed, recorded and added to the goals. */
  const versus = (what: string, ceilingM: Measured, m: Measured, goal: number): Record<string, unknown> => {
    const ratio = rps(m.result) / rps(ceilingM.result);
    const cpuRatio = efficiency(ceilingM, m);
    console.log(`  ratio ${ratio.toFixed(2)} in req/s, ${cpuRatio.toFixed(2)} in CPU per request (goal >= ${goal.toFixed(2)})`);
    goals.push({ what: `${what}, req/s`, value: ratio, unit: 'ratio', goal, direction: 'at-least' }, { what: `${what}, CPU/request`, value: cpuRatio, unit: 'ratio', goal, direction: 'at-least' });
    return {
      reqPerSec: rps(m.result),
      p99: m.result.latency.p99,
      cpuUsPerRequest: m.cpuUsPerRequest,
      ceilingReqPerSec: rps(ceilingM.result),
      ceilingCpuUsPerRequest: ceilingM.cpuUsPerRequest,
      ratio,
      cpuRatio,
      goal,
    };
  };
  const docker = (args: string[]) => lab.runtime.docker(args);
  // The load generator (this process, all its threads) on CPU 0; the servers under test on CPU 1.
  if (process.platform === 'linux') spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const env = lab.settings.values;
  const edge = lab.endpoints.url('edge');
  const results: Record<string, unknown> = {};
  const goals: Goal[] = [];
  console.log(`Surge Lab bench: ${DURATION} s per run, ${CONNECTIONS} connections, load generator on CPU 0; the catalog and ceiling containers pinned to CPU 1\n`);

  // 1-2. Catalog replicas against their ceilings. For "from Redis" L1 is kept tiny and ids cycle
  //    over 2,000 products, so nearly every request misses L1 and is answered from Redis (warmed
  //    first); its ceiling is Express with one Redis GET per request over the same Toxiproxy link.
  const bare = await pinnedContainer(lab, 'surge-bench-bare-express', ['node', 'bench/bare-express.ts'], {});
  const sample = await (await fetch(`${edge}/api/products/p-00001`)).text();
  const redisCeilingServer = await pinnedContainer(lab, 'surge-bench-express-redis', ['node', 'bench/express-redis.ts'], { REDIS_URL: 'redis://toxiproxy:16379', SAMPLE_BODY: sample });
  const catalogEnv = {
    PG_RW_URL: `postgres://${env.APP_DB_USER}:${env.APP_DB_PASSWORD}@toxiproxy:15432/${env.APP_DB_NAME}`,
    PG_RO_URL: `postgres://${env.APP_DB_USER}:${env.APP_DB_PASSWORD}@toxiproxy:15433/${env.APP_DB_NAME}`,
    REDIS_URL: 'redis://toxiproxy:16379',
    ADMIN_TOKEN: env.ADMIN_TOKEN!,
    CACHE_FRESH_SECONDS: '600',
  };
  const catalog = await pinnedContainer(lab, 'surge-bench-catalog', ['node', 'services/catalog/src/start.ts'], { ...catalogEnv, L1_MAX_ENTRIES: '10' });
  try {
    const ids = Array.from({ length: 2_000 }, (_, i) => `p-${String(i + 1).padStart(5, '0')}`);
    const byId = (url: string) => ({ url, requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: `/api/products/${ids[n++ % ids.length]}` }) }] });
    let n = 0;
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => fetch(`${catalog.url}/api/products/${id}`).then((r) => r.arrayBuffer())));
    const ceilingM = await measured(bare.id, { url: `${bare.url}/hello` });
    const redisCeilingM = await measured(redisCeilingServer.id, byId(redisCeilingServer.url));
    const fromRedisM = await measured(catalog.id, byId(catalog.url));
    const [ceiling, redisCeiling, fromRedis] = [ceilingM.result, redisCeilingM.result, fromRedisM.result];
    const metrics = await (await fetch(`${catalog.url}/metrics`)).text();
    const redisHits = Number(/cache_requests_total\{layer="redis",result="hit"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    console.log(line('bare Express 5 hello JSON (ceiling)', ceiling));
    console.log(cpuLine(ceilingM));
    console.log(line('Express 5 + one Redis GET (ceiling)', redisCeiling));
    console.log(cpuLine(redisCeilingM));
    console.log(line('catalog GET /api/products/{id} from Redis', fromRedis));
    console.log(cpuLine(fromRedisM));
    results.catalogFromRedis = { ...versus('catalog from Redis / Express + one Redis GET', redisCeilingM, fromRedisM, 0.8), bareReqPerSec: rps(ceiling), redisHits };
    console.log(`  ${(rps(fromRedis) / rps(ceiling)).toFixed(2)} of bare Express in req/s; ${redisHits} answers came from Redis\n`);

    // The same replica with an L1 large enough for every id: the in-process layer alone.
    await docker(['rm', '-f', 'surge-bench-catalog']);
    const l1 = await pinnedContainer(lab, 'surge-bench-catalog', ['node', 'services/catalog/src/start.ts'], { ...catalogEnv, L1_MAX_ENTRIES: '5000' });
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => fetch(`${l1.url}/api/products/${id}`).then((r) => r.arrayBuffer())));
    const fromL1M = await measured(l1.id, byId(l1.url));
    const fromL1 = fromL1M.result;
    console.log(line('catalog GET /api/products/{id} from L1', fromL1));
    console.log(cpuLine(fromL1M));
    results.catalogFromL1 = versus('catalog from L1 / bare Express 5', ceilingM, fromL1M, 0.85);
    console.log('');
  } finally {
    await docker(['rm', '-f', 'surge-bench-bare-express', 'surge-bench-express-redis', 'surge-bench-catalog']).catch(() => {});
  }

  // 3. Edge-cached catalog page vs nginx answering by itself.
  await fetch(`${edge}/api/products/p-00001`);
  const edgeId = (await lab.runtime.containers()).find((c) => c.service === 'edge')!.id;
  const nginxCeilingM = await measured(edgeId, { url: `${edge}/healthz` });
  const edgeHitM = await measured(edgeId, { url: `${edge}/api/products/p-00001` });
  const [nginxCeiling, edgeHit] = [nginxCeilingM.result, edgeHitM.result];
  console.log(line('nginx return 200 (edge /healthz, ceiling)', nginxCeiling));
  console.log(cpuLine(nginxCeilingM));
  console.log(line('edge-cached GET /api/products/p-00001', edgeHit));
  console.log(cpuLine(edgeHitM));
  results.edgeCached = versus('edge-cached GET / nginx return 200', nginxCeilingM, edgeHitM, 0.7);
  console.log('');

  // 4. The lab's CPU per operation (the bench's own containers are gone): idle, then fixed-rate
  //    loads through the edge after a warm-up, each charged what the lab spent above idle.
  const reportDir = join(tmpdir(), `surge-bench-${Date.now()}`);
  await restock(edge, env.ADMIN_TOKEN!, JOURNEY_PRODUCTS, 1_000_000);
  const meter = await labMeter(lab, o.costSeconds);
  const load = (scenario: string, rate: number, bypassEdgeCache = false, seconds = o.costSeconds) =>
    runLoad({ scenario, target: edge, durationSeconds: seconds, connections: 16, rate, bypassEdgeCache, reportDir, log: () => {} });
  // Each measured load comes after a short one of the same kind (JIT, caches, pools), not counted.
  await load('browse', 400, false, 5);
  const cached = await meter.measure(async () => (await load('browse', 400)).summary.requests);
  await load('browse', 200, true, 5);
  const origin = await meter.measure(async () => (await load('browse', 200, true)).summary.requests);
  await load('journey', 40, false, 5);
  let journey = { requests: 0, orders: 0 };
  const journeyCost = await meter.measure(async () => {
    const r = await load('journey', 40);
    journey = { requests: r.summary.requests, orders: r.acknowledgedOrders };
    return r.summary.requests;
  });
  const perOrder = (journeyCost.msPerOperation * journey.requests) / Math.max(1, journey.orders);
  console.log(
    `lab CPU idle: ${meter.idleMsPerSecond.toFixed(0)} ms per second${meter.machineIdleMsPerSecond !== undefined ? ` (the machine: ${meter.machineIdleMsPerSecond.toFixed(0)} ms/s busy, with runc per healthcheck and the kernel)` : ''}`,
  );
  console.log(`browse answered by the edge cache (400 req/s): ${fmtCost(cached)}`);
  console.log(`browse at the origin (200 req/s, edge cache bypassed): ${fmtCost(origin)}`);
  console.log(`journey (40 req/s, products in stock): ${fmtCost(journeyCost)}; ${perOrder.toFixed(1)} ms per acknowledged order (${journey.orders} orders)\n`);
  results.labCpu = {
    idleMsPerSecond: meter.idleMsPerSecond,
    machineIdleMsPerSecond: meter.machineIdleMsPerSecond,
    browseEdge: cached,
    browseOrigin: origin,
    journey: { ...journeyCost, orders: journey.orders, msPerOrder: perOrder },
  };
  goals.push(
    { what: 'idle lab, ms CPU per second', value: meter.idleMsPerSecond, unit: 'ms/s', goal: 100, direction: 'at-most' },
    { what: 'browse answered by the edge cache, ms CPU per request', value: cached.msPerOperation, unit: 'ms/request', goal: 0.2, direction: 'at-most' },
    { what: 'browse with the edge cache bypassed, ms CPU per request', value: origin.msPerOperation, unit: 'ms/request', goal: 0.4, direction: 'at-most' },
    { what: 'journey, ms CPU per acknowledged order', value: perOrder, unit: 'ms/order', goal: 16, direction: 'at-most' },
    { what: 'journey, ms CPU per request', value: journeyCost.msPerOperation, unit: 'ms/request', goal: 2.2, direction: 'at-most' },
  );

  // 5. Checkouts: each request a fresh Idempotency-Key on one of 64 carts holding one unit.
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
  const statuses = Object.fromEntries(Object.entries(orders.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count: number }).count]));
  console.log(`  answers by status: ${JSON.stringify(statuses)}`);
  console.log('  each answer is a committed order: stock decrement, order, lines, outbox row, synchronous commit on the standby');
  results.checkout = { ordersPerSec: rps(orders), p50: orders.latency.p50, p99: orders.latency.p99, non2xx: orders.non2xx, statuses };

  console.log('\nissue #12 goals, this run:');
  for (const g of goals) console.log(`  ${fmtGoal(g)}`);
  results.goals = goals.map((g) => ({ ...g, met: met(g) }));
  const file = writeBenchReport(lab.root, 'bench', { durationSeconds: DURATION, costSeconds: o.costSeconds, results });
  console.log(`\nwritten: ${file}`);
  return results;
}
