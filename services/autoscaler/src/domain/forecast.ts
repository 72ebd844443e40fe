// Predictive scaling: the lab's surges repeat (a load every hour), so the load one period ago,
// at the same phase, is a good guess of the load to come: a seasonal naive forecast. Replicas
// take time to start, so the floor is set for the load `lookahead` ahead, before it arrives.
//
// Robust by construction: at each past period the value is the median of the samples near the
// phase (a spike or a scrape gap moves it little), and the periods are combined by their median
// (one abnormal period, e.g. a chaos outage during last hour's surge, is outvoted). No scaling by
// the recent level: a ratio of "now" to "one period ago" jumps during outages and surges and would
// amplify exactly the noise the median removes; a level change is followed by target tracking.

import type { Floor } from './decide.ts';
import { fmt } from './target-tracking.ts';
import type { PredictivePolicy, ServicePolicy } from './types.ts';

/** One point of history: total req/s of the service (all replicas) at `at` (ms). */
export interface Sample {
  at: number;
  rps: number;
}

export interface SeasonalOptions {
  periodMs: number;
  /** How many past periods feed the forecast. */
  historyPeriods: number;
  /** Half-width of the neighbourhood around each phase (default 30 s: about 4 samples at a 15 s scrape). */
  windowMs?: number;
}

export interface Basis {
  /** 1 = one period ago. */
  periodAgo: number;
  /** The median of the samples near that phase; null when there are none (a gap, or before the history). */
  value: number | null;
}

export interface PointForecast {
  at: number;
  rps: number | null;
  basis: Basis[];
}

export interface Forecast {
  /** The highest forecast over [now, now + lookahead]; null when there is too little history. */
  forecastRps: number | null;
  /** When that highest load is expected. */
  at: number | null;
  basis: Basis[];
  reason: string;
}

const DEFAULT_WINDOW_MS = 30_000;
const DEFAULT_STEP_MS = 15_000;

/** History sorted by time, without unusable points (Prometheus returns NaN for 0/0). */
function prepare(history: readonly Sample[]): Sample[] {
  return history.filter((s) => Number.isFinite(s.at) && Number.isFinite(s.rps) && s.rps >= 0).sort((a, b) => a.at - b.at);
}

/** Index of the first sample at or after `t` (binary search). */
function lowerBound(sorted: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The median; for an even count the upper of the two middle values: a floor of replicas should
 * err towards capacity.
 */
function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
}

function pointForecast(sorted: readonly Sample[], at: number, opts: SeasonalOptions): PointForecast {
  const w = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const basis: Basis[] = [];
  for (let k = 1; k <= opts.historyPeriods; k++) {
    const phase = at - k * opts.periodMs;
    const near: number[] = [];
    for (let i = lowerBound(sorted, phase - w); i < sorted.length && sorted[i]!.at <= phase + w; i++) near.push(sorted[i]!.rps);
    basis.push({ periodAgo: k, value: near.length ? median(near) : null });
  }
  const known = basis.flatMap((b) => (b.value === null ? [] : [b.value]));
  return { at, rps: known.length ? median(known) : null, basis };
}

/** The seasonal forecast of the load at one instant. */
export function forecastAt(history: readonly Sample[], at: number, opts: SeasonalOptions): PointForecast {
  return pointForecast(prepare(history), at, opts);
}

/**
 * The load to prepare for at `nowMs`: the highest point forecast over [now, now + lookahead].
 * The peak over the whole horizon, not the value at its end, so that the floor rises `lookahead`
 * before a surge and stays up until the surge's phase has passed (the value at now + lookahead
 * alone would drop `lookahead` before the surge ends).
 */
export function forecastLoad(history: readonly Sample[], nowMs: number, opts: SeasonalOptions & { lookaheadMs: number; stepMs?: number }): Forecast {
  const sorted = prepare(history);
  const first = sorted[0];
  if (!first || nowMs - first.at < opts.periodMs) {
    const have = first ? `only ${fmtDuration(Math.max(0, nowMs - first.at))} of history` : 'no history';
    return { forecastRps: null, at: null, basis: [], reason: `${have}; the seasonal forecast needs at least one period (${fmtDuration(opts.periodMs)})` };
  }
  const step = Math.max(1_000, opts.stepMs ?? DEFAULT_STEP_MS);
  let best: PointForecast | null = null;
  for (let t = nowMs; ; t = Math.min(t + step, nowMs + opts.lookaheadMs)) {
    const f = pointForecast(sorted, t, opts);
    if (f.rps !== null && (best === null || f.rps > best.rps!)) best = f;
    if (t >= nowMs + opts.lookaheadMs) break;
  }
  if (!best || best.rps === null) {
    return { forecastRps: null, at: null, basis: [], reason: `no history at the same phase in the last ${opts.historyPeriods} period(s) (gaps)` };
  }
  const values = best.basis.map((b) => `${b.periodAgo} ago: ${b.value === null ? 'no data' : fmt(b.value)}`).join(', ');
  const when = best.at === nowMs ? 'now' : `in ${Math.round((best.at - nowMs) / 1000)} s`;
  return { forecastRps: best.rps, at: best.at, basis: best.basis, reason: `forecast ${fmt(best.rps)} req/s ${when} (median of the same phase ${values})` };
}

/** Replicas for a forecast: ceil(rps / target per replica), within [min, max]; 0 (no floor) without a forecast. */
export function forecastFloor(forecast: Forecast, policy: ServicePolicy): Floor {
  if (forecast.forecastRps === null) return { floor: 0, reason: `${policy.service}: no forecast floor: ${forecast.reason}` };
  const needed = Math.ceil(forecast.forecastRps / policy.target - 1e-9);
  const floor = Math.min(policy.max, Math.max(policy.min, needed));
  const clamped = floor !== needed ? ` (needs ${needed}, kept within [${policy.min}, ${policy.max}])` : '';
  return { floor, reason: `${policy.service}: ${forecast.reason} at ${fmt(policy.target)} req/s per replica → floor ${floor}${clamped}` };
}

/** The forecast floor of a service under the predictive policy: 0 when prediction is off for it. */
export function predictiveFloor(history: readonly Sample[], predictive: PredictivePolicy, policy: ServicePolicy, nowMs: number): Floor & { forecast: Forecast | null } {
  if (!predictive.enabled || !predictive.services.includes(policy.service)) {
    return { floor: 0, reason: `${policy.service}: predictive scaling is off for it`, forecast: null };
  }
  const forecast = forecastLoad(history, nowMs, {
    periodMs: predictive.periodSeconds * 1000,
    historyPeriods: predictive.historyPeriods,
    lookaheadMs: predictive.lookaheadSeconds * 1000,
  });
  return { ...forecastFloor(forecast, policy), forecast };
}

/**
 * The forecast curve over [fromMs, toMs] every stepMs, for the dashboard next to the actual load.
 * Each point is the point forecast at that instant (rps null where there is no history at the phase).
 */
export function forecastSeries(
  history: readonly Sample[],
  periodMs: number,
  fromMs: number,
  toMs: number,
  stepMs: number,
  opts: { historyPeriods?: number; windowMs?: number } = {},
): { at: number; rps: number | null }[] {
  if (!(stepMs > 0)) throw new RangeError('stepMs must be positive');
  const sorted = prepare(history);
  const o: SeasonalOptions = { periodMs, historyPeriods: opts.historyPeriods ?? 3, ...(opts.windowMs === undefined ? {} : { windowMs: opts.windowMs }) };
  const out: { at: number; rps: number | null }[] = [];
  for (let t = fromMs; t <= toMs; t += stepMs) out.push({ at: t, rps: pointForecast(sorted, t, o).rps });
  return out;
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 && s % 60 === 0 ? `${fmt(s / 3600)} h` : s >= 60 ? `${fmt(s / 60)} min` : `${s} s`;
}
