// The steady-state hypothesis: its probes measured and judged by their tolerances, before the
// method (if it does not hold, the experiment proves nothing), during faults (method.ts), and
// after the rollback, when a failing probe is retried for the time the system has to recover.
import { type RunContext, sleep } from './context.ts';
import type { LOAD_METRICS, Probe } from './experiment.ts';
import type { LoadRecord, Phase, ProbeResult } from './journal.ts';
import { describeTolerance, describeValue, type Measured, withinTolerance } from './tolerance.ts';

/** One figure of a finished load, as probes name it. */
export function loadFigure(l: Pick<LoadRecord, 'summary' | 'acknowledgedOrders'>, metric: (typeof LOAD_METRICS)[number]): number {
  const s = l.summary;
  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
  // 503 and 504 are the shop saying "unavailable, retry": anything else 5xx is a bug.
  const unexpected5xx = Object.entries(s.byStatus)
    .filter(([k]) => /^5/.test(k) && k !== '503' && k !== '504')
    .reduce((a, [, v]) => a + v, 0);
  // Timeouts: the client gave up, or the edge did (504) - what shedding is meant to prevent.
  const timeouts = (s.errors.timeout ?? 0) + (s.byStatus['504'] ?? 0);
  const figures: Record<(typeof LOAD_METRICS)[number], number> = {
    requests: s.requests,
    errors,
    'unexpected-5xx': unexpected5xx,
    timeouts,
    shed: s.byStatus['429'] ?? 0,
    'error-ratio': s.requests ? errors / s.requests : 0,
    'p50-ms': s.latencyMs.p50,
    'p99-ms': s.latencyMs.p99,
    'max-ms': s.latencyMs.max,
    throughput: s.throughput,
    'acknowledged-orders': l.acknowledgedOrders,
  };
  return figures[metric];
}

/** When a probe is judged: as it says, else load and monitor probes after the method, the others before and after. */
export const whenOf = (p: Probe): Phase[] => p.when ?? (p.load || p.monitor ? ['after'] : ['before', 'after']);

/** The hypothesis' probes judged while a fault is in place. */
export const duringProbes = (rc: RunContext): Probe[] => rc.exp['steady-state-hypothesis'].probes.filter((p) => whenOf(p).includes('during'));

/** Measures a probe, judges it, records the result in the journal (and, unless quiet, in the log). */
export async function evaluate(rc: RunContext, p: Probe, phase: Phase, quiet = false): Promise<ProbeResult> {
  const { deps: d, journal, loads } = rc;
  let value: Measured = null;
  let detail: string | undefined;
  try {
    if (p.http) {
      const r = await d.http(p.http);
      value = { status: r.status, headers: r.headers };
      detail = r.error ? `error: ${r.error}` : `${r.ms.toFixed(0)} ms`;
    } else if (p.promql) {
      value = await d.promql(p.promql);
      if (value === null && p['empty-as'] !== undefined) {
        value = p['empty-as'];
        detail = 'no series (empty-as)';
      }
    } else if (p.load) {
      const { name, metric, 'relative-to': relativeTo } = p.load;
      const l = name ? loads.find((x) => x.name === name) : loads[0];
      const base = relativeTo === undefined ? undefined : loads.find((x) => x.name === relativeTo);
      if (l && relativeTo !== undefined) {
        if (!base) detail = `the load ${relativeTo} did not run`;
        else {
          const a = loadFigure(l, metric);
          const b = loadFigure(base, metric);
          // A ratio: below 1 means this load did better on the figure than the other one.
          value = b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b;
          detail = `${metric}: ${l.name} ${+a.toFixed(1)} vs ${base.name} ${+b.toFixed(1)}`;
        }
      } else if (l) {
        const s = l.summary;
        const errors = Object.values(s.errors).reduce((x, y) => x + y, 0);
        value = loadFigure(l, metric);
        detail = `${l.name}: ${Object.entries(s.byStatus)
          .map(([k, v]) => `${k}×${v}`)
          .join(' ')}${errors ? `; errors ${JSON.stringify(s.errors)}` : ''}`;
      } else detail = 'the load did not run';
    } else if (p.monitor) {
      const { name, metric, action } = p.monitor;
      const m = journal.monitors.find((x) => x.name === name);
      if (m) {
        if (metric === 'last-success-seconds' && action) {
          // The last success while the fault was in place, from its start: an outage still open
          // when its revert began started at the monitor's last success (0: none during the fault).
          const w = rc.actionWindows.get(action);
          const end = w?.revertStart ?? Date.now();
          const open = m.outages.find((x) => Date.parse(x.start) <= end && Date.parse(x.end) >= end);
          const last = open ? Date.parse(open.start) : end;
          value = w ? Math.max(0, (last - w.start) / 1000) : 0;
          detail = w ? `last success ${open ? `at ${open.start}` : 'at the end'} of "${action}"` : `"${action}" did not run`;
        } else if (metric === 'longest-outage-in-place-seconds' && action) {
          // The outages that began while the fault was in place: what it caused, not what its revert
          // (a region rejoining) did after.
          const w = rc.actionWindows.get(action);
          const inPlace = m.outages.filter((x) => w && Date.parse(x.end) >= w.start && Date.parse(x.start) <= (w.revertStart ?? Date.now()));
          value = Math.max(0, ...inPlace.map((x) => x.seconds));
          const worst = inPlace.find((x) => x.seconds === value);
          detail = `${inPlace.length} outage(s) while "${action}" was in place${worst?.failed ? `; the longest got ${worst.failed}` : ''}`;
        } else if (metric === 'longest-outage-seconds' && action) {
          const w = rc.actionWindows.get(action);
          const inWindow = m.outages.filter((x) => w && Date.parse(x.end) >= w.start && Date.parse(x.start) <= (w.end ?? Date.now()) + 60_000);
          value = Math.max(0, ...inWindow.map((x) => x.seconds));
          const worst = inWindow.find((x) => x.seconds === value);
          detail = `${inWindow.length} outage(s) around "${action}"${worst?.failed ? `; the longest got ${worst.failed}` : ''}`;
        } else {
          // last-success-seconds always names an action (the experiment's cross-check): 0 is never reached.
          value = { failures: m.failures, 'longest-outage-seconds': m.longestOutageSeconds, attempts: m.attempts, 'last-success-seconds': 0, 'longest-outage-in-place-seconds': 0 }[metric];
          detail = `${m.attempts} attempts, ${m.failures} failed`;
        }
      } else detail = 'the monitor did not run';
    }
  } catch (err) {
    detail = `probe failed: ${(err as Error).message}`;
  }
  const result: ProbeResult = {
    name: p.name,
    type: p.http ? 'http' : p.promql ? 'promql' : p.load ? 'load' : 'monitor',
    phase,
    value: describeValue(value),
    tolerance: describeTolerance(p.tolerance),
    ok: withinTolerance(p.tolerance, value),
    ...(detail ? { detail } : {}),
    at: new Date().toISOString(),
  };
  journal.probes.push(result);
  if (!quiet) rc.event('probe', `${result.ok ? '✔' : '✘'} [${phase}] ${p.name}: ${result.value} (want ${result.tolerance})${detail ? ` — ${detail}` : ''}`);
  return result;
}

/** The steady state before the method: every "before" probe, once. */
export async function steadyStateBefore(rc: RunContext): Promise<ProbeResult[]> {
  const before: ProbeResult[] = [];
  for (const p of rc.exp['steady-state-hypothesis'].probes.filter((p) => whenOf(p).includes('before'))) before.push(await evaluate(rc, p, 'before'));
  return before;
}

/**
 * The steady state after the rollback. A failing http or PromQL probe is retried every 2 s until
 * it holds or the hypothesis' recovery time is up (load and monitor figures are final); each
 * probe that still fails is a failure of the run.
 */
export async function steadyStateAfter(rc: RunContext): Promise<void> {
  const hypothesis = rc.exp['steady-state-hypothesis'];
  const deadline = Date.now() + hypothesis['recovery-seconds'] * 1_000;
  const afterProbes = hypothesis.probes.filter((p) => whenOf(p).includes('after'));
  const recoveredAt = Date.now();
  for (const p of afterProbes) {
    const retryable = !p.load && !p.monitor;
    let r = await evaluate(rc, p, 'after', retryable);
    if (!r.ok && retryable && Date.now() < deadline) {
      const since = Date.now();
      rc.event('probe', `… [after] ${p.name}: ${r.value} (want ${r.tolerance}); waiting up to ${Math.round((deadline - since) / 1000)} s for it to recover by itself`);
      while (!r.ok && Date.now() < deadline && !rc.options.signal?.aborted) {
        await sleep(2_000);
        rc.journal.probes.pop();
        r = await evaluate(rc, p, 'after', true);
      }
      r.detail = `${r.ok ? 'recovered' : 'not recovered'} after ${((Date.now() - since) / 1000).toFixed(0)} s${r.detail ? `; ${r.detail}` : ''}`;
    }
    if (retryable) rc.event('probe', `${r.ok ? '✔' : '✘'} [after] ${p.name}: ${r.value} (want ${r.tolerance})${r.detail ? ` — ${r.detail}` : ''}`);
    if (!r.ok) rc.failures.push(`after: ${p.name}`);
  }
  rc.journal.measurements['recovery seconds (after-probes held)'] = Number(((Date.now() - recoveredAt) / 1000).toFixed(1));
}
