// Chart arithmetic, no DOM, for the lab console's charts and the game day report alike: nice
// value ticks (1-2-5), time ticks on round clock times (or round seconds), linear scales, value
// formats per unit, and the whole layout of one console chart (ticks and one SVG path per
// series) so the page only turns it into elements.

/** A chart's data as the console API sends it: series of [time, value] (values may be strings or null). */
export interface ChartData {
  unit: string;
  series: readonly { label: string; points: readonly (readonly [unknown, unknown])[] }[];
}

/** The smallest of 1, 2, 5 × 10^k that cuts `span` into at most `count` steps. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  return 10 * mag;
}

/** The decimals that print multiples of `step` exactly: 0.25 -> 2, 2.5 -> 1, 50 -> 0 (float dust aside). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d < 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/** Rounds away float dust (0.1 + 0.2) to the step's precision. */
const snap = (v: number, step: number) => Number(v.toFixed(stepDecimals(step)));

/** Ticks every nice step from a bound at or below `min` to one at or above `max`. */
export function niceTicks(min: number, max: number, count = 5): { min: number; max: number; step: number; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    if (max === 0) max = 1;
    else if (max > 0) min = 0;
    else max = 0;
  }
  const step = niceStep(max - min, count);
  const lo = snap(Math.floor(min / step + 1e-9) * step, step);
  const hi = snap(Math.ceil(max / step - 1e-9) * step, step);
  const ticks: number[] = [];
  for (let i = 0, v = lo; v <= hi + step / 2; i++, v = snap(lo + i * step, step)) ticks.push(v);
  return { min: lo, max: hi, step, ticks };
}

/** The value range a chart shows: from 0 for counts and ratios (a ratio never above 100%), 0…2 for breaker states. */
export function valueDomain(values: readonly number[], unit: string): [number, number] {
  if (unit === 'state') return [0, 2];
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  const lo = Math.min(0, ...finite);
  let hi = Math.max(...finite);
  if (hi <= lo) hi = lo + (unit === 'ratio' ? 0.01 : 1);
  return [lo, unit === 'ratio' ? Math.min(hi, 1) : hi];
}

const BREAKER_STATES = ['closed', 'half-open', 'open'];

/**
 * A value in words for its unit. `step` (a tick step) sets the precision of axis labels; without
 * it, values get a precision that suits them (legends, latest values). `axisMax` keeps one unit
 * along an axis (all in ms, or all in s).
 */
export function formatValue(v: number, unit: string, step?: number, axisMax?: number): string {
  if (!Number.isFinite(v)) return '–';
  switch (unit) {
    case 'state': {
      const i = Math.round(v);
      return Math.abs(v - i) < 1e-6 && BREAKER_STATES[i] ? BREAKER_STATES[i]! : v.toFixed(1);
    }
    case 'ratio': {
      const pct = v * 100;
      const d = step !== undefined ? stepDecimals(step * 100) : Math.abs(pct) >= 10 || pct === 0 ? 0 : Math.abs(pct) >= 1 ? 1 : 2;
      return `${pct.toFixed(d)}%`;
    }
    case 's': {
      const big = axisMax !== undefined ? axisMax >= 1 : Math.abs(v) >= 1;
      if (!big) {
        const ms = v * 1000;
        const d = step !== undefined ? stepDecimals(step * 1000) : Math.abs(ms) >= 10 || ms === 0 ? 0 : 1;
        return `${ms.toFixed(d)} ms`;
      }
      const d = step !== undefined ? stepDecimals(step) : Math.abs(v) >= 10 ? 0 : 1;
      return `${v.toFixed(d)} s`;
    }
    default: {
      if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(step !== undefined && step >= 1000 ? 0 : 1).replace(/\.0$/, '')}k`;
      const d = step !== undefined ? stepDecimals(step) : Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : Math.abs(v) >= 1 ? 1 : 2;
      return v.toFixed(d);
    }
  }
}

/** Words for the value axis. */
export function unitTitle(unit: string): string {
  switch (unit) {
    case 'req/s':
      return 'requests per second';
    case 'ratio':
      return 'ratio (%)';
    case 's':
      return 'seconds';
    case 'state':
      return 'breaker state';
    default:
      return unit;
  }
}

const TIME_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * Time ticks on round clock times (unix seconds), or round offsets (seconds since a start at 0),
 * at most `maxTicks` of them, within [start, end].
 */
export function timeTicks(start: number, end: number, maxTicks = 6): { step: number; ticks: number[] } {
  if (!(end > start)) return { step: 60, ticks: [] };
  const span = end - start;
  const step = TIME_STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? Math.ceil(span / Math.max(1, maxTicks) / 86400) * 86400;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return { step, ticks };
}

/** "14:05" (or "14:05:30" when ticks are under a minute apart) in the browser's time zone. */
export function formatClock(unixSeconds: number, withSeconds = false, timeZone?: string): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hour12: false,
    ...(timeZone ? { timeZone } : {}),
  });
}

/** A linear map from a domain onto a range. */
export function scale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A value from the API as a number (Prometheus sends strings; NaN, null and "NaN" are gaps). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/** An SVG path through the points; a gap (non-finite value) lifts the pen. Coordinates to 0.1 px. */
export function linePath(points: readonly (readonly [number, number])[], x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const [t, v] of points) {
    if (!Number.isFinite(v) || !Number.isFinite(t)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Unix seconds from the API's `at` (ISO text, seconds or milliseconds), undefined if unreadable. */
export function toUnixSeconds(at: unknown): number | undefined {
  if (typeof at === 'number' && Number.isFinite(at)) return at > 1e11 ? at / 1000 : at;
  if (typeof at === 'string') {
    const ms = Date.parse(at);
    if (!Number.isNaN(ms)) return ms / 1000;
    const n = Number(at);
    if (Number.isFinite(n)) return toUnixSeconds(n);
  }
  return undefined;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  series: { label: string; path: string; latest: string | undefined; index: number }[];
  /** No series has a value in the window. */
  empty: boolean;
}

export interface LayoutOptions {
  width: number;
  height: number;
  /** The window's end (unix seconds) and length. */
  end: number;
  minutes: number;
  timeZone?: string;
}

/** Where everything of one chart goes, in pixels of an SVG `width` × `height`. */
export function chartLayout(chart: ChartData, o: LayoutOptions): ChartLayout {
  const start = o.end - o.minutes * 60;
  const series = chart.series.map((s, index) => ({
    label: s.label,
    index,
    points: s.points.map(([t, v]) => [toNumber(t), toNumber(v)] as [number, number]).filter(([t]) => t >= start - 60 && t <= o.end + 60),
  }));
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  const [lo, hi] = valueDomain(values, chart.unit);
  const yRange = chart.unit === 'state' ? { min: 0, max: 2, step: 1, ticks: [0, 1, 2] } : niceTicks(lo, hi, Math.max(2, Math.min(5, Math.floor(o.height / 40))));
  const yLabels = yRange.ticks.map((v) => formatValue(v, chart.unit, yRange.step, yRange.max));
  const left = Math.max(...yLabels.map((l) => l.length)) * 7 + 12;
  const plot = { left, top: 10, right: o.width - 12, bottom: o.height - 24 };
  const x = scale([start, o.end], [plot.left, plot.right]);
  const y = scale([yRange.min, yRange.max], [plot.bottom, plot.top]);
  const t = timeTicks(start, o.end, Math.max(2, Math.floor((plot.right - plot.left) / 70)));
  return {
    width: o.width,
    height: o.height,
    plot,
    xTicks: t.ticks.map((v) => ({ x: x(v), label: formatClock(v, t.step < 60, o.timeZone) })),
    yTicks: yRange.ticks.map((v, i) => ({ y: y(v), label: yLabels[i]! })),
    series: series.map((s) => {
      const last = [...s.points].reverse().find(([, v]) => Number.isFinite(v));
      return { label: s.label, index: s.index, path: linePath(s.points, x, (v) => y(Math.min(Math.max(v, yRange.min), yRange.max))), latest: last ? formatValue(last[1], chart.unit) : undefined };
    }),
    empty: values.length === 0,
  };
}
