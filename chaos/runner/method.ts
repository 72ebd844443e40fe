// The method: its steps in order (background loads and monitors, faults with their pauses and
// the hypothesis' "during" probes, pauses, probe steps), watched by the stop conditions. A stop
// condition that holds, or Ctrl-C, aborts the method; rollback.ts then undoes the faults.
import { join } from 'node:path';
import type { ActiveFault } from '../faults/types.ts';
import { type RunContext, sleep } from './context.ts';
import type { ActionStepDef, AutoscalerStepDef, LoadStepDef, MonitorStepDef, Probe } from './experiment.ts';
import { duringProbes, evaluate } from './hypothesis.ts';
import type { FaultWindow } from './journal.ts';
import { revert } from './rollback.ts';

/** The stop condition that holds now, in words, or undefined. */
async function stopConditionHolding(rc: RunContext): Promise<string | undefined> {
  const conditions = rc.exp['stop-conditions'];
  const firing = conditions.some((c) => 'alert' in c) ? await rc.deps.firingAlerts() : [];
  for (const c of conditions) {
    if ('alert' in c && firing.includes(c.alert)) return `alert ${c.alert} is firing`;
    if ('promql' in c) {
      const v = await rc.deps.promql(c.promql);
      if (v !== null && v > c.above) return `"${c.name}" (${v.toPrecision(4)} > ${c.above})`;
    }
  }
  return undefined;
}

/** Polls the stop conditions until the run is aborted or over; one that holds aborts the run. */
export async function watchStopConditions(rc: RunContext): Promise<void> {
  const { signal } = rc.abort;
  while (!signal.aborted && rc.exp['stop-conditions'].length) {
    try {
      const holding = await stopConditionHolding(rc);
      if (holding) return rc.abortRun(`stop condition: ${holding}`);
    } catch (err) {
      rc.event('note', `stop conditions not checked: ${(err as Error).message}`);
    }
    await sleep(rc.options.stopConditionPollMs ?? 2_000, signal);
  }
}

/** Like AWS FIS, an experiment does not start while a stop condition holds (e.g. an alert left by the previous run). */
export async function waitStopConditionsClear(rc: RunContext): Promise<string | undefined> {
  const deadline = Date.now() + (rc.options.clearWaitSeconds ?? 240) * 1_000;
  let holding = await stopConditionHolding(rc);
  if (holding) rc.event('run', `waiting for the stop conditions to clear before starting: ${holding}`);
  while (holding && Date.now() < deadline && !rc.abort.signal.aborted) {
    await sleep(5_000, rc.abort.signal);
    holding = await stopConditionHolding(rc);
  }
  return holding;
}

/** What the step changes, in words, and how (a fault injected, or the autoscaler changed). */
function change(rc: RunContext, step: ActionStepDef | AutoscalerStepDef): { words: string; apply: () => Promise<ActiveFault> } {
  if (step.type === 'action') return { words: `${step.fault} ${JSON.stringify(step.arguments)}`, apply: () => rc.deps.inject(rc.faultCtx, step.fault, step.arguments) };
  const what = step.modes ? { modes: step.modes } : { surge: step.surge };
  return { words: `autoscaler ${JSON.stringify(what)}`, apply: () => rc.deps.autoscaler(rc.faultCtx, what) };
}

/** A fault or an autoscaler change: made after its pause, the "during" probes at `probe-after`, undone after its duration. */
async function runHeld(rc: RunContext, step: ActionStepDef | AutoscalerStepDef, during: Probe[]): Promise<void> {
  const { deps: d, journal, exp } = rc;
  const { signal } = rc.abort;
  await sleep(step.pauses.before * 1_000, signal);
  if (signal.aborted) return;
  const c = change(rc, step);
  rc.event('action', `${step.name}: ${c.words}${step.duration !== undefined ? ` for ${step.duration} s` : ''}`);
  const fault = await c.apply();
  const window: FaultWindow = { name: step.name, kind: fault.kind, target: fault.target, start: fault.startedAt.toISOString() };
  journal.faults.push(window);
  rc.actionWindows.set(step.name, { start: fault.startedAt.getTime() });
  const closeAnnotation = await d.annotator.region(`${exp.title}: ${step.name} (${fault.name})`, [rc.tag, fault.kind], fault.startedAt);
  const entry = { fault, window, closeAnnotation };
  rc.active.push(entry);
  const probing = (async () => {
    if (!during.some((x) => x.during === undefined || x.during === step.name)) return;
    await sleep(step['probe-after'] * 1_000, signal);
    if (signal.aborted || !rc.active.includes(entry)) return;
    for (const p of during.filter((x) => x.during === undefined || x.during === step.name)) if (!(await evaluate(rc, p, 'during')).ok) rc.failures.push(`during "${step.name}": ${p.name}`);
  })();
  const rest = (async () => {
    await sleep((step.duration ?? 0) * 1_000, signal);
    await probing;
    rc.actionWindows.get(step.name)!.revertStart = Date.now();
    await revert(rc, entry);
    rc.actionWindows.get(step.name)!.end = Date.now();
    await sleep(step.pauses.after * 1_000, signal);
  })();
  if (step.background) rc.background.push(rest);
  else await rest;
}

/** A load in the background; when it ends, its figures join the run's loads. */
function startLoad(rc: RunContext, step: LoadStepDef, index: number): void {
  const { deps: d, options: o } = rc;
  const name = step.name ?? `load-${index}`;
  rc.event('load', `${name}: ${step.scenario} for ${step.duration} s${step.rate ? ` at ${step.rate} req/s (open model)` : ` with ${step.connections} connections (closed loop)`}`);
  let tick = 0;
  const baseline = rc.baseline;
  rc.background.push(
    d
      .runLoad({
        scenario: step.scenario,
        target: d.target,
        durationSeconds: step.duration,
        connections: step.connections,
        ...(step.rate ? { rate: step.rate } : {}),
        bypassEdgeCache: step['no-edge-cache'],
        reportDir: join(o.reportDir, 'load'),
        ...(d.adminToken ? { adminToken: d.adminToken } : {}),
        label: name,
        signal: rc.abort.signal,
        ...(baseline ? { onStockSet: (id: string, units: number) => d.recordOverride(baseline, id, units) } : {}),
        // A progress line every 5 s per load keeps the display readable.
        log: (l) => {
          if (/^\S+ \[/.test(l) && tick++ % 5 !== 4) return;
          rc.log(`[${rc.elapsed()}s] load     ${l}`);
        },
      })
      .then((r) => {
        // The load's own ledger also goes into the run's ledger, for the audit.
        rc.loads.push({
          name,
          scenario: r.scenario,
          startedAt: r.startedAt,
          summary: r.summary,
          timeline: r.timeline,
          ...(r.ledgerFile ? { ledgerFile: r.ledgerFile } : {}),
          acknowledgedOrders: r.acknowledgedOrders,
        });
        rc.event('load', `${name} done: ${r.summary.requests} requests, ${r.summary.throughput.toFixed(0)} req/s, p99 ${r.summary.latencyMs.p99} ms, errors ${JSON.stringify(r.summary.errors)}`);
        return r;
      })
      .catch((err: Error) => {
        rc.failures.push(`load ${name}: ${err.message}`);
        rc.event('load', `${name} failed: ${err.message}`);
      }),
  );
}

/** A monitor in the background; checkout monitors first give their products fresh stock. */
async function startMonitor(rc: RunContext, step: MonitorStepDef): Promise<void> {
  const d = rc.deps;
  if (step.checkout && d.adminToken) {
    // Monitor purchases must never hit "out of stock": give their products fresh stock.
    // Ten at a time: through the global entry each is a write forwarded over the WAN.
    const [lo, hi] = step.checkout.products;
    const ids = Array.from({ length: hi - lo + 1 }, (_, k) => `p-${String(lo + k).padStart(5, '0')}`);
    for (let i = 0; i < ids.length; i += 10)
      await Promise.all(
        ids.slice(i, i + 10).map(async (id) => {
          await d.setStock(id, 1_000);
          if (rc.baseline) await d.recordOverride(rc.baseline, id, 1_000);
        }),
      );
  }
  rc.monitors.push(d.startMonitor(step, rc.addToLedger));
  rc.event('monitor', `${step.name} started`);
}

/** The method's steps in order, until the end or an abort; then waits for what runs in the background. */
export async function runMethod(rc: RunContext): Promise<void> {
  const during = duringProbes(rc);
  let loadIndex = 0;
  for (const step of rc.exp.method) {
    if (rc.abort.signal.aborted) break;
    if (step.type === 'load') startLoad(rc, step, ++loadIndex);
    else if (step.type === 'monitor') await startMonitor(rc, step);
    else if (step.type === 'pause') await sleep(step.seconds * 1_000, rc.abort.signal);
    else if (step.type === 'action' || step.type === 'autoscaler') await runHeld(rc, step, during);
    else if (step.type === 'probe') {
      const r = await evaluate(rc, step, 'during');
      if (!r.ok) rc.failures.push(`method probe: ${r.name}`);
    }
  }
  await Promise.all(rc.background);
}
