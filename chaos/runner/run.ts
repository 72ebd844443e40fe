// The experiment runner: checks the steady-state hypothesis, runs the method (background load
// and monitors, faults with pauses, probes during faults) while watching the stop conditions,
// rolls every fault back (also on abort and Ctrl-C), checks the hypothesis again, audits the
// ledger, and ends with a verdict. Its dependencies come in through `RunnerDeps` so the logic
// is unit-tested without a lab.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Baseline } from '../audit/baseline.ts';
import type { FaultName } from '../faults/registry.ts';
import type { ActiveFault, FaultContext } from '../faults/types.ts';
import type { LoadOptions, LoadResult } from '../load/run.ts';
import type { LedgerEntry } from '../load/scenarios.ts';
import { LOAD_METRICS, type ActionStepDef, type ExperimentDef, type LoadStepDef, type MonitorStepDef, type Probe } from './experiment.ts';
import type { Annotator } from './grafana.ts';
import type { AuditReport, FaultWindow, Journal, LoadRecord, MonitorRecord, Phase, ProbeResult, Status } from './journal.ts';
import type { RunningMonitor } from './monitors.ts';
import type { HttpRequest } from './probes.ts';
import { describeTolerance, describeValue, withinTolerance, type HttpValue, type Measured } from './tolerance.ts';

export interface RunnerDeps {
  inject(ctx: FaultContext, fault: FaultName, args: Record<string, unknown>): Promise<ActiveFault>;
  runLoad(o: LoadOptions): Promise<LoadResult>;
  startMonitor(def: MonitorStepDef, ledger: (e: LedgerEntry) => void): RunningMonitor;
  http(r: HttpRequest): Promise<HttpValue & { ms: number; error?: string }>;
  promql(expr: string): Promise<number | null>;
  firingAlerts(): Promise<string[]>;
  takeBaseline(): Promise<Baseline>;
  recordOverride(b: Baseline, productId: string, units: number): Promise<void>;
  setStock(productId: string, units: number): Promise<void>;
  audit(ledger: LedgerEntry[], b: Baseline, o: { settleSeconds: number; log: (l: string) => void; restoredUpTo?: string }): Promise<AuditReport>;
  rollback(action: 'reset-links' | 'start-all' | 'wait-db-healthy', log: (l: string) => void): Promise<void>;
  annotator: Annotator;
  target: string;
  adminToken?: string;
}

export interface RunOptions {
  file: string;
  reportDir: string;
  deps: RunnerDeps;
  log?: (line: string) => void;
  /** Aborts the run (Ctrl-C): faults are rolled back and the verdict is "aborted". */
  signal?: AbortSignal;
  stopConditionPollMs?: number;
  /** How long to wait for stop conditions that hold at the start to clear (default 240 s). */
  clearWaitSeconds?: number;
}

export interface RunOutcome { journal: Journal; exitCode: 0 | 1 | 2; journalFile: string; ledgerFile: string }

/** One figure of a finished load, as probes name it. */
export function loadFigure(l: Pick<LoadRecord, 'summary' | 'acknowledgedOrders'>, metric: (typeof LOAD_METRICS)[number]): number {
  const s = l.summary;
  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
  // 503 and 504 are the shop saying "unavailable, retry": anything else 5xx is a bug.
  const unexpected5xx = Object.entries(s.byStatus).filter(([k]) => /^5/.test(k) && k !== '503' && k !== '504').reduce((a, [, v]) => a + v, 0);
  // Timeouts: the client gave up, or the edge did (504) - what shedding is meant to prevent.
  const timeouts = (s.errors.timeout ?? 0) + (s.byStatus['504'] ?? 0);
  const figures: Record<(typeof LOAD_METRICS)[number], number> = {
    requests: s.requests, errors, 'unexpected-5xx': unexpected5xx, timeouts, shed: s.byStatus['429'] ?? 0, 'error-ratio': s.requests ? errors / s.requests : 0,
    'p50-ms': s.latencyMs.p50, 'p99-ms': s.latencyMs.p99, 'max-ms': s.latencyMs.max, throughput: s.throughput, 'acknowledged-orders': l.acknowledgedOrders,
  };
  return figures[metric];
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
  });
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
const exitCodeOf = (s: Status): 0 | 1 | 2 => (s === 'pass' ? 0 : s === 'aborted' ? 2 : 1);

export async function runExperiment(exp: ExperimentDef, o: RunOptions): Promise<RunOutcome> {
  const d = o.deps;
  const startedAt = new Date();
  const log = o.log ?? ((l: string) => console.log(l));
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(o.reportDir, { recursive: true });
  const base = join(o.reportDir, `${slug(exp.title)}-${stamp}`);
  const ledgerFile = `${base}.ledger.jsonl`;
  writeFileSync(ledgerFile, '');
  const ledger: LedgerEntry[] = [];
  const addToLedger = (e: LedgerEntry) => { ledger.push(e); appendFileSync(ledgerFile, `${JSON.stringify(e)}\n`); };

  const journal: Journal = {
    experiment: { title: exp.title, ...(exp.description ? { description: exp.description } : {}), file: o.file },
    startedAt: startedAt.toISOString(), endedAt: '', status: 'pass', verdict: '',
    events: [], probes: [], faults: [], monitors: [], measurements: {},
  };
  const loads: LoadRecord[] = [];
  const elapsed = () => ((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6);
  const event = (kind: string, message: string, data?: unknown) => {
    journal.events.push({ at: new Date().toISOString(), kind, message, ...(data === undefined ? {} : { data }) });
    log(`[${elapsed()}s] ${kind.padEnd(8)} ${message}`);
  };
  const ctx: FaultContext = { log: (l) => event('fault', l.replace(/^\[fault\] /, '')) };

  // Abort: Ctrl-C from outside, or a stop condition from inside.
  const abort = new AbortController();
  const onExternalAbort = () => abortRun(String(o.signal?.reason ?? 'interrupted'));
  o.signal?.addEventListener('abort', onExternalAbort, { once: true });
  if (o.signal?.aborted) onExternalAbort();
  function abortRun(reason: string) {
    if (abort.signal.aborted) return;
    journal.abort = { reason, at: new Date().toISOString() };
    event('abort', `${reason}: stopping the method and rolling back`);
    abort.abort(reason);
  }

  const active: { fault: ActiveFault; window: FaultWindow; closeAnnotation: (end: Date) => Promise<void> }[] = [];
  const failures: string[] = [];
  let baseline: Baseline | undefined;
  const background: Promise<unknown>[] = [];
  const monitors: RunningMonitor[] = [];
  const actionWindows = new Map<string, { start: number; end?: number }>();

  async function revert(entry: (typeof active)[number]) {
    const i = active.indexOf(entry);
    if (i >= 0) active.splice(i, 1);
    try {
      await entry.fault.revert();
      const end = new Date();
      entry.window.end = end.toISOString();
      Object.assign(journal.measurements, entry.fault.measurements ?? {});
      await entry.closeAnnotation(end);
    } catch (err) {
      failures.push(`rolling back "${entry.window.name}" failed: ${(err as Error).message}`);
      event('rollback', `FAILED to revert ${entry.window.name}: ${(err as Error).message}`);
    }
  }

  async function evaluate(p: Probe, phase: Phase, quiet = false): Promise<ProbeResult> {
    let value: Measured = null;
    let detail: string | undefined;
    try {
      if (p.http) {
        const r = await d.http(p.http);
        value = { status: r.status, headers: r.headers };
        detail = r.error ? `error: ${r.error}` : `${r.ms.toFixed(0)} ms`;
      } else if (p.promql) {
        value = await d.promql(p.promql);
        if (value === null && p['empty-as'] !== undefined) { value = p['empty-as']; detail = 'no series (empty-as)'; }
      } else if (p.load) {
        const l = p.load.name ? loads.find((x) => x.name === p.load!.name) : loads[0];
        const base = p.load['relative-to'] === undefined ? undefined : loads.find((x) => x.name === p.load!['relative-to']);
        if (l && p.load['relative-to'] !== undefined) {
          if (!base) detail = `the load ${p.load['relative-to']} did not run`;
          else {
            const a = loadFigure(l, p.load.metric);
            const b = loadFigure(base, p.load.metric);
            // A ratio: below 1 means this load did better on the figure than the other one.
            value = b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b;
            detail = `${p.load.metric}: ${l.name} ${+a.toFixed(1)} vs ${base.name} ${+b.toFixed(1)}`;
          }
        } else if (l) {
          const s = l.summary;
          const errors = Object.values(s.errors).reduce((x, y) => x + y, 0);
          value = loadFigure(l, p.load.metric);
          detail = `${l.name}: ${Object.entries(s.byStatus).map(([k, v]) => `${k}×${v}`).join(' ')}${errors ? `; errors ${JSON.stringify(s.errors)}` : ''}`;
        } else detail = 'the load did not run';
      } else if (p.monitor) {
        const m = journal.monitors.find((x) => x.name === p.monitor!.name);
        if (m) {
          if (p.monitor.metric === 'longest-outage-seconds' && p.monitor.action) {
            const w = actionWindows.get(p.monitor.action);
            const inWindow = m.outages.filter((x) => w && Date.parse(x.end) >= w.start && Date.parse(x.start) <= (w.end ?? Date.now()) + 60_000);
            value = Math.max(0, ...inWindow.map((x) => x.seconds));
            detail = `${inWindow.length} outage(s) around "${p.monitor.action}"`;
          } else {
            value = { failures: m.failures, 'longest-outage-seconds': m.longestOutageSeconds, attempts: m.attempts }[p.monitor.metric];
            detail = `${m.attempts} attempts, ${m.failures} failed`;
          }
        } else detail = 'the monitor did not run';
      }
    } catch (err) {
      detail = `probe failed: ${(err as Error).message}`;
    }
    const result: ProbeResult = { name: p.name, type: p.http ? 'http' : p.promql ? 'promql' : p.load ? 'load' : 'monitor', phase, value: describeValue(value), tolerance: describeTolerance(p.tolerance), ok: withinTolerance(p.tolerance, value), ...(detail ? { detail } : {}), at: new Date().toISOString() };
    journal.probes.push(result);
    if (!quiet) event('probe', `${result.ok ? '✔' : '✘'} [${phase}] ${p.name}: ${result.value} (want ${result.tolerance})${detail ? ` — ${detail}` : ''}`);
    return result;
  }

  const hypothesis = exp['steady-state-hypothesis'];
  const whenOf = (p: Probe): Phase[] => p.when ?? (p.load || p.monitor ? ['after'] : ['before', 'after']);
  const duringProbes = hypothesis.probes.filter((p) => whenOf(p).includes('during'));

  /** The stop condition that holds now, in words, or undefined. */
  async function stopConditionHolding(): Promise<string | undefined> {
    const conditions = exp['stop-conditions'];
    const firing = conditions.some((c) => 'alert' in c) ? await d.firingAlerts() : [];
    for (const c of conditions) {
      if ('alert' in c && firing.includes(c.alert)) return `alert ${c.alert} is firing`;
      if ('promql' in c) {
        const v = await d.promql(c.promql);
        if (v !== null && v > c.above) return `"${c.name}" (${v.toPrecision(4)} > ${c.above})`;
      }
    }
    return undefined;
  }

  async function watchStopConditions() {
    while (!abort.signal.aborted && exp['stop-conditions'].length) {
      try {
        const holding = await stopConditionHolding();
        if (holding) return abortRun(`stop condition: ${holding}`);
      } catch (err) {
        event('note', `stop conditions not checked: ${(err as Error).message}`);
      }
      await sleep(o.stopConditionPollMs ?? 2_000, abort.signal);
    }
  }

  /** Like AWS FIS, an experiment does not start while a stop condition holds (e.g. an alert left by the previous run). */
  async function waitStopConditionsClear(): Promise<string | undefined> {
    const deadline = Date.now() + (o.clearWaitSeconds ?? 240) * 1_000;
    let holding = await stopConditionHolding();
    if (holding) event('run', `waiting for the stop conditions to clear before starting: ${holding}`);
    while (holding && Date.now() < deadline && !abort.signal.aborted) {
      await sleep(5_000, abort.signal);
      holding = await stopConditionHolding();
    }
    return holding;
  }

  async function runAction(step: ActionStepDef) {
    await sleep(step.pauses.before * 1_000, abort.signal);
    if (abort.signal.aborted) return;
    event('action', `${step.name}: ${step.fault} ${JSON.stringify(step.arguments)}${step.duration !== undefined ? ` for ${step.duration} s` : ''}`);
    const fault = await d.inject(ctx, step.fault, step.arguments);
    const window: FaultWindow = { name: step.name, kind: fault.kind, target: fault.target, start: fault.startedAt.toISOString() };
    journal.faults.push(window);
    actionWindows.set(step.name, { start: fault.startedAt.getTime() });
    const closeAnnotation = await d.annotator.region(`${exp.title}: ${step.name} (${fault.name})`, [slug(exp.title), fault.kind], fault.startedAt);
    const entry = { fault, window, closeAnnotation };
    active.push(entry);
    const during = (async () => {
      if (!duringProbes.length) return;
      await sleep(step['probe-after'] * 1_000, abort.signal);
      if (abort.signal.aborted || !active.includes(entry)) return;
      for (const p of duringProbes) if (!(await evaluate(p, 'during')).ok) failures.push(`during "${step.name}": ${p.name}`);
    })();
    const rest = (async () => {
      await sleep((step.duration ?? 0) * 1_000, abort.signal);
      await during;
      await revert(entry);
      actionWindows.get(step.name)!.end = Date.now();
      await sleep(step.pauses.after * 1_000, abort.signal);
    })();
    if (step.background) background.push(rest);
    else await rest;
  }

  function startLoad(step: LoadStepDef, index: number) {
    const name = step.name ?? `load-${index}`;
    event('load', `${name}: ${step.scenario} for ${step.duration} s${step.rate ? ` at ${step.rate} req/s (open model)` : ` with ${step.connections} connections (closed loop)`}`);
    let tick = 0;
    background.push(d.runLoad({
      scenario: step.scenario, target: d.target, durationSeconds: step.duration, connections: step.connections, ...(step.rate ? { rate: step.rate } : {}),
      bypassEdgeCache: step['no-edge-cache'], reportDir: join(o.reportDir, 'load'), ...(d.adminToken ? { adminToken: d.adminToken } : {}), label: name,
      signal: abort.signal,
      ...(baseline ? { onStockSet: (id: string, units: number) => d.recordOverride(baseline!, id, units) } : {}),
      // A progress line every 5 s per load keeps the display readable.
      log: (l) => { if (/^\S+ \[/.test(l) && tick++ % 5 !== 4) return; log(`[${elapsed()}s] load     ${l}`); },
    }).then((r) => {
      // The load's own ledger also goes into the run's ledger, for the audit.
      loads.push({ name, scenario: r.scenario, startedAt: r.startedAt, summary: r.summary, timeline: r.timeline, ...(r.ledgerFile ? { ledgerFile: r.ledgerFile } : {}), acknowledgedOrders: r.acknowledgedOrders });
      event('load', `${name} done: ${r.summary.requests} requests, ${r.summary.throughput.toFixed(0)} req/s, p99 ${r.summary.latencyMs.p99} ms, errors ${JSON.stringify(r.summary.errors)}`);
      return r;
    }).catch((err: Error) => { failures.push(`load ${name}: ${err.message}`); event('load', `${name} failed: ${err.message}`); }));
  }

  let status: Status = 'pass';
  let verdict = '';
  let stopWatch: Promise<void> | undefined;
  // The whole experiment is one annotation region too; each fault window is another inside it.
  const closeRun = await d.annotator.region(`experiment: ${exp.title}`, [slug(exp.title), 'experiment'], startedAt);
  try {
    event('run', `${exp.title} (${o.file})`);
    const holding = await waitStopConditionsClear();
    if (holding) {
      status = 'fail';
      verdict = `A stop condition held before the experiment could start (${holding}); the method was not run.`;
      return await finish();
    }
    // 1. Steady state before: if it does not hold, the experiment proves nothing.
    const before = [];
    for (const p of hypothesis.probes.filter((p) => whenOf(p).includes('before'))) before.push(await evaluate(p, 'before'));
    if (before.some((r) => !r.ok)) {
      status = 'fail';
      verdict = `The steady state did not hold before the experiment (${before.filter((r) => !r.ok).map((r) => r.name).join(', ')}); the method was not run.`;
      return await finish();
    }
    if (exp.audit !== false) baseline = await d.takeBaseline();

    // 2. The method, watched by the stop conditions.
    stopWatch = watchStopConditions();
    let loadIndex = 0;
    for (const step of exp.method) {
      if (abort.signal.aborted) break;
      if (step.type === 'load') startLoad(step, ++loadIndex);
      else if (step.type === 'monitor') {
        if (step.checkout && d.adminToken) {
          // Monitor purchases must never hit "out of stock": give their products fresh stock.
          const [lo, hi] = step.checkout.products;
          for (let i = lo; i <= hi; i++) {
            const id = `p-${String(i).padStart(5, '0')}`;
            await d.setStock(id, 1_000);
            if (baseline) await d.recordOverride(baseline, id, 1_000);
          }
        }
        monitors.push(d.startMonitor(step, addToLedger));
        event('monitor', `${step.name} started`);
      } else if (step.type === 'pause') await sleep(step.seconds * 1_000, abort.signal);
      else if (step.type === 'action') await runAction(step);
      else if (step.type === 'probe') {
        const r = await evaluate(step, 'during');
        if (!r.ok) failures.push(`method probe: ${r.name}`);
      }
    }
    await Promise.all(background);
  } catch (err) {
    status = 'error';
    verdict = `The run failed: ${(err as Error).message}`;
    event('run', `error: ${(err as Error).stack ?? String(err)}`);
    abort.abort('error');
    await Promise.all(background);
  }

  // 3. Rollback: every fault still in place (newest first), then the experiment's own rollbacks.
  for (const entry of [...active].reverse()) await revert(entry);
  for (const r of exp.rollbacks) {
    event('rollback', `${r.name} (${r.rollback})`);
    await d.rollback(r.rollback, (l) => event('rollback', l)).catch((err: Error) => failures.push(`rollback "${r.name}": ${err.message}`));
  }
  for (const m of monitors) journal.monitors.push(await m.stop());
  abort.abort('done'); // ends the stop-condition watch
  await stopWatch;
  for (const l of loads) for (const line of readLedger(l.ledgerFile)) addToLedger(line);
  loads.sort((a, b) => a.startedAt.localeCompare(b.startedAt)); // in method order, not in the order they ended
  journal.load = loads[0];
  if (loads.length > 1) journal.extraLoads = loads.slice(1);

  // 4. Steady state after, with time to recover by itself; then the audit.
  if (status !== 'error') {
    const deadline = Date.now() + hypothesis['recovery-seconds'] * 1_000;
    const afterProbes = hypothesis.probes.filter((p) => whenOf(p).includes('after'));
    const recoveredAt = Date.now();
    for (const p of afterProbes) {
      const retryable = !p.load && !p.monitor;
      let r = await evaluate(p, 'after', retryable);
      if (!r.ok && retryable && Date.now() < deadline) {
        const since = Date.now();
        event('probe', `… [after] ${p.name}: ${r.value} (want ${r.tolerance}); waiting up to ${Math.round((deadline - since) / 1000)} s for it to recover by itself`);
        while (!r.ok && Date.now() < deadline && !o.signal?.aborted) {
          await sleep(2_000);
          journal.probes.pop();
          r = await evaluate(p, 'after', true);
        }
        r.detail = `${r.ok ? 'recovered' : 'not recovered'} after ${((Date.now() - since) / 1000).toFixed(0)} s${r.detail ? `; ${r.detail}` : ''}`;
      }
      if (retryable) event('probe', `${r.ok ? '✔' : '✘'} [after] ${p.name}: ${r.value} (want ${r.tolerance})${r.detail ? ` — ${r.detail}` : ''}`);
      if (!r.ok) failures.push(`after: ${p.name}`);
    }
    journal.measurements['recovery seconds (after-probes held)'] = Number(((Date.now() - recoveredAt) / 1000).toFixed(1));
    if (baseline) {
      event('audit', `auditing ${ledger.length} acknowledged order(s)`);
      const restoredUpTo = exp.audit !== false && exp.audit['after-restore'] ? journal.measurements['archive cut-off'] : undefined;
      if (exp.audit !== false && exp.audit['after-restore'] && typeof restoredUpTo !== 'string') failures.push('audit: the experiment restores from backup but no fault reported an archive cut-off');
      journal.audit = await d.audit(ledger, baseline, {
        settleSeconds: exp.audit === false ? 0 : exp.audit['settle-seconds'], log: (l) => event('audit', l.replace(/^\[audit\] /, '')),
        ...(typeof restoredUpTo === 'string' ? { restoredUpTo } : {}),
      });
      for (const c of journal.audit.checks) event('audit', `${c.ok ? '✔' : '✘'} ${c.name}: checked ${c.checked}, failed ${c.failed}${c.note ? ` (${c.note})` : ''}`);
      if (!journal.audit.ok) failures.push(`audit: ${journal.audit.checks.filter((c) => !c.ok).map((c) => c.name).join('; ')}`);
    }
  }
  for (const m of journal.monitors) journal.measurements[`${m.name}: longest outage (s)`] = Number(m.longestOutageSeconds.toFixed(1));
  for (const l of loads) {
    journal.measurements[`${l.name}: p99 (ms)`] = l.summary.latencyMs.p99;
    journal.measurements[`${l.name}: errors`] = Object.values(l.summary.errors).reduce((a, b) => a + b, 0);
  }

  if (status === 'error') { /* verdict set above */ }
  else if (journal.abort) {
    status = 'aborted';
    verdict = `Stopped early by ${journal.abort.reason.replace(/^stop condition: /, 'the stop condition ')}; every fault was rolled back${failures.length ? `; also: ${failures.join('; ')}` : ''}.`;
  } else if (failures.length) {
    status = 'fail';
    verdict = `The hypothesis did not hold: ${failures.join('; ')}.`;
  } else {
    const a = journal.audit;
    verdict = `The hypothesis held before, during and after ${journal.faults.length} fault(s)${!a ? ''
      : a.lostAfterCutoff !== undefined ? `; the audit of ${a.ledgerOrders} acknowledged order(s) found every one acknowledged before the archive cut-off restored, none oversold (${a.lostAfterCutoff} acknowledged after the cut-off were lost: the RPO)`
      : `; the audit of ${a.ledgerOrders} acknowledged order(s) found nothing lost, oversold or done twice`}.`;
  }
  return finish();

  async function finish(): Promise<RunOutcome> {
    o.signal?.removeEventListener('abort', onExternalAbort);
    journal.status = status;
    journal.verdict = verdict;
    journal.endedAt = new Date().toISOString();
    await closeRun(new Date(journal.endedAt));
    event('verdict', `${status.toUpperCase()}: ${verdict}`);
    const journalFile = `${base}.json`;
    writeFileSync(journalFile, JSON.stringify(journal, null, 2));
    return { journal, exitCode: exitCodeOf(status), journalFile, ledgerFile };
  }
}

function readLedger(file: string | undefined): LedgerEntry[] {
  if (!file) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LedgerEntry);
}
