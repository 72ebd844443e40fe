// Runs a scenario against the edge with autocannon's programmatic API: live progress every
// second, a final summary, a JSON result and (for scenarios that buy) a ledger of every
// acknowledged checkout, one JSON line per order, for the integrity audit.

import type { EventEmitter } from 'node:events';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type LedgerEntry, type Phase, SCENARIOS } from './scenarios.ts';
import { CLOSED_LOOP_METHOD, OPEN_MODEL_METHOD, Stats, type Summary } from './stats.ts';

export interface LoadOptions {
  scenario: string;
  target: string;
  durationSeconds: number;
  connections: number;
  /** Open model: requests per second at the base rate. Closed loop when absent. */
  rate?: number;
  reportDir: string;
  adminToken?: string;
  log?: (line: string) => void;
  /** Sends X-Bypass-Edge-Cache: 1 so catalog reads skip the edge cache (to measure the origin). */
  bypassEdgeCache?: boolean;
  /** Stops the run early (Ctrl-C, a chaos stop condition). */
  signal?: AbortSignal;
  /** Told of every product whose stock the scenario sets (the audit's baseline records it). */
  onStockSet?: (productId: string, units: number) => Promise<void>;
  /** Name of this load in a run with several (prefixes its progress lines). */
  label?: string;
}

export interface LoadResult {
  scenario: string;
  label?: string;
  mode: 'open (rate)' | 'closed (connections)';
  options: Omit<LoadOptions, 'log' | 'signal' | 'adminToken'>;
  startedAt: string;
  endedAt: string;
  summary: Summary;
  timeline: { t: number; phase: string; requests: number; errors: number; p50: number; p99: number; byStatus: Record<string, number> }[];
  edgeCache: Record<string, number>;
  ledgerFile?: string;
  acknowledgedOrders: number;
  stock?: { units: number; soldByProduct: Record<string, number>; oversold: string[] };
  resultFile: string;
}

export async function setStock(target: string, token: string, id: string, stock: number): Promise<void> {
  const r = await fetch(`${target}/api/products/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ stock }) });
  if (!r.ok) throw new Error(`setting the stock of ${id}: ${r.status} ${await r.text()}`);
}

/** Sets the stock of every product in `ids` (admin API, `concurrency` at a time: within the catalog's write bulkhead). */
export async function restock(target: string, token: string, ids: readonly string[], stock: number, concurrency = 8): Promise<void> {
  for (let i = 0; i < ids.length; i += concurrency) await Promise.all(ids.slice(i, i + concurrency).map((id) => setStock(target, token, id, stock)));
}

function runPhase(o: LoadOptions, phase: Phase, stats: Stats, onLedger: (e: LedgerEntry) => void, cache: Record<string, number>): Promise<void> {
  const totalShare = phase.parts.reduce((s, p) => s + p.share, 0);
  const instances = phase.parts.map((part) => {
    const share = part.share / totalShare;
    const wanted = Math.max(1, Math.round(o.connections * share * (o.rate ? 1 : phase.rateFactor)));
    const rate = o.rate ? Math.max(1, Math.round(o.rate * phase.rateFactor * share)) : undefined;
    // autocannon gives each connection its share of the rate (and never more connections than req/s).
    const connections = rate ? Math.min(rate, Math.max(wanted, Math.min(512, Math.ceil(rate / 20)))) : wanted;
    const expectedIntervalMs = rate ? (1000 * connections) / rate : undefined;
    const inst = (autocannon as unknown as (o: object) => EventEmitter & { stop(): void })({
      url: o.target,
      duration: phase.seconds,
      timeout: 10,
      connections,
      ...(rate ? { overallRate: rate } : {}),
      ...(o.bypassEdgeCache ? { headers: { 'x-bypass-edge-cache': '1' } } : {}),
      requests: part.requests({
        ledger: onLedger,
        cacheStatus: (s) => {
          cache[s] = (cache[s] ?? 0) + 1;
        },
      }),
    });
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => stats.response(status, ms, expectedIntervalMs));
    inst.on('reqError', (err: NodeJS.ErrnoException) => stats.networkError(err.code ?? 'network-error'));
    inst.on('timeout', () => stats.networkError('timeout'));
    o.signal?.addEventListener('abort', () => inst.stop(), { once: true });
    return new Promise<void>((resolve) => inst.on('done', () => resolve()));
  });
  return Promise.all(instances).then(() => undefined);
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const scenario = SCENARIOS[o.scenario];
  if (!scenario) throw new Error(`unknown scenario "${o.scenario}" (one of: ${Object.keys(SCENARIOS).join(', ')})`);
  const log = o.log ?? ((l: string) => console.log(l));
  mkdirSync(o.reportDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = join(o.reportDir, `${scenario.name}-${stamp}`);
  const ledgerFile = scenario.writesLedger ? `${base}.ledger.jsonl` : undefined;
  if (ledgerFile) writeFileSync(ledgerFile, '');

  if (scenario.stock) {
    if (!o.adminToken) throw new Error(`${scenario.name} sets the stock of its hot products: give the admin token (ADMIN_TOKEN)`);
    for (const id of scenario.stock.products) {
      await setStock(o.target, o.adminToken, id, scenario.stock.units);
      await o.onStockSet?.(id, scenario.stock.units);
    }
  }

  const mode = o.rate ? 'open (rate)' : 'closed (connections)';
  log(`${scenario.name}: ${scenario.summary}`);
  log(
    `target ${o.target}, ${o.durationSeconds} s, ${o.connections} connections, ${o.rate ? `${o.rate} req/s base rate (open model)` : 'closed loop (no --rate: use --rate for latency claims)'}; latency: ${o.rate ? OPEN_MODEL_METHOD : CLOSED_LOOP_METHOD}`,
  );

  const stats = new Stats({ open: o.rate !== undefined });
  const timeline: LoadResult['timeline'] = [];
  const cache: Record<string, number> = {};
  let acknowledged = 0;
  const sold: Record<string, number> = {};
  const onLedger = (e: LedgerEntry) => {
    acknowledged++;
    for (const i of e.items) sold[i.productId] = (sold[i.productId] ?? 0) + i.quantity;
    if (ledgerFile) appendFileSync(ledgerFile, `${JSON.stringify(e)}\n`);
  };
  const startedAt = new Date();
  let phaseLabel = '';
  const ticker = setInterval(() => {
    const s = stats.tick();
    const t = Math.round((Date.now() - startedAt.getTime()) / 1000);
    timeline.push({ t, phase: phaseLabel, ...s });
    const non2xx =
      Object.entries(s.byStatus)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ') || '-';
    log(
      `${o.label ? `${o.label} ` : ''}[${String(t).padStart(4)}s ${phaseLabel.padEnd(9)}] ${String(s.requests).padStart(6)} req/s  p50 ${s.p50.toFixed(1).padStart(6)} ms  p99 ${s.p99.toFixed(1).padStart(7)} ms  errors ${s.errors}  non-2xx ${non2xx}`,
    );
  }, 1_000);
  try {
    for (const phase of scenario.phases(o.durationSeconds)) {
      if (o.signal?.aborted) break;
      phaseLabel = phase.label;
      await runPhase(o, phase, stats, onLedger, cache);
    }
  } finally {
    clearInterval(ticker);
  }
  const summary = stats.summary();
  const result: LoadResult = {
    scenario: scenario.name,
    ...(o.label ? { label: o.label } : {}),
    mode,
    options: {
      scenario: o.scenario,
      target: o.target,
      durationSeconds: o.durationSeconds,
      connections: o.connections,
      ...(o.rate ? { rate: o.rate } : {}),
      ...(o.bypassEdgeCache ? { bypassEdgeCache: true } : {}),
      reportDir: o.reportDir,
    },
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    summary,
    timeline,
    edgeCache: cache,
    ...(ledgerFile ? { ledgerFile } : {}),
    acknowledgedOrders: acknowledged,
    resultFile: `${base}.json`,
    ...(scenario.stock
      ? {
          stock: {
            units: scenario.stock.units,
            soldByProduct: sold,
            oversold: Object.entries(sold)
              .filter(([, n]) => n > scenario.stock!.units)
              .map(([p]) => p),
          },
        }
      : {}),
  };
  writeFileSync(result.resultFile, JSON.stringify(result, null, 2));
  return result;
}

export function formatSummary(r: LoadResult): string {
  const s = r.summary;
  const rows = [
    ['mode', r.mode],
    ['requests', `${s.requests} in ${s.durationSeconds.toFixed(1)} s (${s.throughput.toFixed(0)} req/s)`],
    ['latency p50 / p90 / p99 / p99.9 / max', `${s.latencyMs.p50} / ${s.latencyMs.p90} / ${s.latencyMs.p99} / ${s.latencyMs.p999} / ${s.latencyMs.max} ms`],
    ['latency measured', s.latencyMethod],
    ['service time p50 / p99 / max (raw response times)', `${s.serviceTimeMs.p50} / ${s.serviceTimeMs.p99} / ${s.serviceTimeMs.max} ms`],
    [
      'by status',
      Object.entries(s.byStatus)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || '-',
    ],
    ['rejected (409, e.g. out of stock)', String(s.rejected)],
    [
      'errors by kind',
      Object.entries(s.errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || 'none',
    ],
  ];
  const hits = r.edgeCache.HIT ?? 0;
  const cacheTotal = Object.values(r.edgeCache).reduce((a, b) => a + b, 0);
  if (cacheTotal)
    rows.push([
      'edge cache',
      `${((hits / cacheTotal) * 100).toFixed(1)}% HIT (${Object.entries(r.edgeCache)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    ]);
  if (r.ledgerFile) rows.push(['acknowledged orders', `${r.acknowledgedOrders} (ledger ${r.ledgerFile})`]);
  if (r.stock)
    rows.push([
      'hot-product stock',
      `${r.stock.units} units each; sold ${JSON.stringify(r.stock.soldByProduct)}; ${r.stock.oversold.length ? `OVERSOLD: ${r.stock.oversold.join(', ')}` : 'no oversell'}`,
    ]);
  rows.push(['result', r.resultFile]);
  const w = Math.max(...rows.map(([k]) => k!.length));
  return rows.map(([k, v]) => `${k!.padEnd(w)}  ${v}`).join('\n');
}
