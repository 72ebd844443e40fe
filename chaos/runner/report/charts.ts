// The report's charts as inline SVG: requests per second, error ratio and latency of each load
// over the run, with the fault windows shaded and labelled, the probes marked (✔/✘) and the
// abort drawn; without a load, one strip of the fault windows and probes.
import { niceTicks, scale, stepDecimals, timeTicks } from '@surge-lab/web-kit/chart-scale';
import type { FaultWindow, Journal, LoadRecord, LoadTick, ProbeResult } from '../journal.ts';
import { type Html, html } from './escaping.ts';
import { type Frame, num, offsetText, valueText } from './format.ts';

const W = 760;
const M = { left: 64, right: 18, bottom: 42 };
const PLOT_W = W - M.left - M.right;
export const FAULT_COLORS = ['#7c3aed', '#0e7490', '#c026d3', '#4d7c0f', '#c2410c', '#1d4ed8', '#be185d', '#0f766e'];
const LABEL_ROW = 14;

const f2 = (n: number) => (Math.round(n * 100) / 100).toString();

/** Y axis from 0 to a round number above the peak (with a little headroom), about five ticks; never above `cap`. */
function valueAxis(peak: number, cap?: number, floor = 0): { max: number; ticks: number[]; decimals: number } {
  const top = Math.max(Number.isFinite(peak) && peak > 0 ? peak * 1.05 : 0, floor) || 1;
  let t = niceTicks(0, top, 5);
  if (cap !== undefined && t.max > cap) t = niceTicks(0, cap, 5);
  return { max: t.max, ticks: t.ticks, decimals: stepDecimals(t.step) };
}

const clockText = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

interface Series {
  name: string;
  color: string;
  width: number;
  fill?: boolean;
  /** [x seconds since experiment start, y value or null for no data] */
  points: [number, number | null][];
}

interface FaultLayout {
  fault: FaultWindow;
  color: string;
  start: number;
  end: number;
  open: boolean;
  labelX: number;
  row: number;
  label: string;
}

interface ChartContext {
  frame: Frame;
  faults: FaultLayout[];
  labelRows: number;
  probes: ProbeResult[];
  abortAt: number;
  x(t: number): number;
}

function chartContext(j: Journal, fr: Frame): ChartContext {
  const toX = scale([0, fr.xMax], [M.left, M.left + PLOT_W]);
  const x = (t: number) => toX(Math.min(Math.max(t, 0), fr.xMax));
  const rowEnds: number[] = [];
  const faults: FaultLayout[] = [];
  (j.faults ?? []).forEach((fault, i) => {
    const start = fr.at(fault.start);
    if (!Number.isFinite(start)) return;
    const endAt = fr.at(fault.end);
    const open = !Number.isFinite(endAt);
    const end = open ? fr.xMax : endAt;
    const label = (fault.name.length > 40 ? `${fault.name.slice(0, 39)}…` : fault.name) + (open ? ' (not removed)' : '');
    const width = label.length * 6.2 + 10;
    let labelX = x(start) + 2;
    if (labelX + width > M.left + PLOT_W) labelX = Math.max(M.left, M.left + PLOT_W - width);
    let row = rowEnds.findIndex((e) => e <= labelX);
    if (row < 0) {
      row = rowEnds.length;
      rowEnds.push(0);
    }
    rowEnds[row] = labelX + width;
    faults.push({ fault, color: FAULT_COLORS[i % FAULT_COLORS.length]!, start, end, open, labelX, row, label });
  });
  return { frame: fr, faults, labelRows: rowEnds.length, probes: j.probes ?? [], abortAt: j.abort ? fr.at(j.abort.at) : NaN, x };
}

/** SVG path data for a series, broken where data is missing or a second or more is skipped. */
function pathData(points: [number, number | null][], x: (t: number) => number, y: (v: number) => number, baseline?: number): string {
  const segments: [number, number][][] = [];
  let current: [number, number][] = [];
  let prevT = NaN;
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v) || !Number.isFinite(t) || t - prevT > 1.5) {
      if (current.length) segments.push(current);
      current = [];
    }
    if (v !== null && Number.isFinite(v) && Number.isFinite(t)) current.push([x(t), y(v)]);
    prevT = t;
  }
  if (current.length) segments.push(current);
  return segments
    .map((seg) => {
      const line = seg.map(([px, py], i) => `${i ? 'L' : 'M'}${f2(px)},${f2(py)}`).join(' ');
      if (baseline === undefined) return seg.length === 1 ? `${line} h0.01` : line;
      return `${line} L${f2(seg.at(-1)![0])},${f2(baseline)} L${f2(seg[0]![0])},${f2(baseline)} Z`;
    })
    .join(' ');
}

interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  series: Series[];
  /** Upper bound of the y axis (100 for percentages). */
  cap?: number;
  /** Smallest y axis top, so that noise does not fill the chart. */
  minMax?: number;
  unit?: string;
  plotHeight?: number;
}

function chart(spec: ChartSpec, cc: ChartContext): Html {
  const plotH = spec.plotHeight ?? 160;
  const top = 10 + Math.max(cc.labelRows, 1) * LABEL_ROW;
  const H = top + plotH + M.bottom;
  const bottom = top + plotH;
  const right = M.left + PLOT_W;
  const hasY = spec.series.length > 0;
  let peak = 0;
  for (const s of spec.series) for (const [, v] of s.points) if (v !== null && Number.isFinite(v) && v > peak) peak = v;
  const yAxis = valueAxis(peak, spec.cap, spec.minMax);
  const toY = scale([0, yAxis.max], [bottom, top]);
  const y = (v: number) => toY(Math.min(v, yAxis.max));
  const x = cc.x;
  // Round seconds since the start: at most about ten ticks.
  const { ticks: xs } = timeTicks(0, cc.frame.xMax, 10);
  const useClock = cc.frame.xMax >= 600;

  const grid = hasY
    ? yAxis.ticks.map(
        (v) => html`
    <line class="grid" x1="${M.left}" x2="${right}" y1="${f2(y(v))}" y2="${f2(y(v))}"/>
    <text class="ytick" x="${M.left - 6}" y="${f2(y(v) + 4)}" text-anchor="end">${num(v, yAxis.decimals)}</text>`,
      )
    : [];

  const bands = cc.faults.map((f) => {
    const bx = x(f.start);
    const bw = Math.max(x(f.end) - bx, 1);
    const end = f.open ? 'not removed' : offsetText(f.end);
    return html`
    <g class="fault">
      <rect class="fault-band" data-fault="${f.fault.name}" x="${f2(bx)}" y="${top}" width="${f2(bw)}" height="${plotH}" fill="${f.color}" fill-opacity="0.13" stroke="${f.color}" stroke-opacity="0.45"><title>${f.fault.name} (${f.fault.kind} on ${f.fault.target}): ${offsetText(f.start)} → ${end}</title></rect>
      <text class="fault-label" x="${f2(f.labelX + 2)}" y="${top - 4 - f.row * LABEL_ROW}" fill="${f.color}">${f.label}</text>
    </g>`;
  });

  const lines = spec.series.map(
    (s) => html`
    ${s.fill ? html`<path class="series-fill" d="${pathData(s.points, x, y, bottom)}" fill="${s.color}" fill-opacity="0.12" stroke="none"/>` : ''}
    <path class="series" data-series="${s.name}" d="${pathData(s.points, x, y)}" fill="none" stroke="${s.color}" stroke-width="${s.width}" stroke-linejoin="round" stroke-linecap="round"/>`,
  );

  // Probes: marks closer than a mark's width merge into one, red if any of them failed; the
  // tooltip lists them all.
  const placed = cc.probes
    .map((p) => ({ p, t: cc.frame.at(p.at) }))
    .filter((e) => Number.isFinite(e.t))
    .sort((a, b) => a.t - b.t);
  const clusters: { x0: number; xs: number[]; ps: ProbeResult[] }[] = [];
  for (const { p, t } of placed) {
    const px = x(t);
    const last = clusters.at(-1);
    if (last && px - last.x0 < 8) {
      last.xs.push(px);
      last.ps.push(p);
    } else clusters.push({ x0: px, xs: [px], ps: [p] });
  }
  const probeMarks = clusters.map(({ xs, ps }) => {
    const px = xs.reduce((a, b) => a + b, 0) / xs.length;
    const ok = ps.every((p) => p.ok);
    const tip = ps.map((p) => `${p.ok ? '✔' : '✘'} ${p.phase} · ${p.name}: ${valueText(p.value, 80)} (${p.tolerance})`).join('\n');
    return html`<path class="probe-mark ${ok ? 'ok' : 'bad'}" d="M${f2(px)},${bottom - 1} l-4,-8 h8 z"><title>${tip}</title></path>`;
  });

  const abort = Number.isFinite(cc.abortAt)
    ? html`
    <line class="abort-line" x1="${f2(x(cc.abortAt))}" x2="${f2(x(cc.abortAt))}" y1="${top}" y2="${bottom}"/>
    <text class="abort-label" x="${f2(x(cc.abortAt) - 3)}" y="${top + 12}" text-anchor="end">abort</text>`
    : '';

  const xAxis = xs.map(
    (v) => html`
    <line class="xtick" x1="${f2(x(v))}" x2="${f2(x(v))}" y1="${bottom}" y2="${bottom + 4}"/>
    <text class="xtick-label" x="${f2(x(v))}" y="${bottom + 16}" text-anchor="middle">${useClock ? clockText(v) : String(v)}</text>`,
  );

  return html`
<svg class="chart" id="${spec.id}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="${spec.id}-title" xmlns="http://www.w3.org/2000/svg">
  <title id="${spec.id}-title">${spec.title}</title>
  <rect class="plot-area" x="${M.left}" y="${top}" width="${PLOT_W}" height="${plotH}"/>
  ${bands}
  ${grid}
  ${lines}
  ${abort}
  ${probeMarks}
  <line class="axis" x1="${M.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>
  ${hasY ? html`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${top}" y2="${bottom}"/>` : ''}
  ${xAxis}
  <text class="axis-label" x="${M.left + PLOT_W / 2}" y="${H - 6}" text-anchor="middle">${useClock ? 'time since experiment start (m:ss)' : 'seconds since experiment start'}</text>
  ${hasY ? html`<text class="axis-label" transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${spec.yLabel}</text>` : ''}
</svg>`;
}

function legend(items: { color: string; label: string; light?: boolean }[]): Html {
  return html`<ul class="legend">${items.map((i) => html`<li><span class="swatch${i.light ? ' light' : ''}" style="background:${i.color}"></span>${i.label}</li>`)}</ul>`;
}

/** What the shading and marks on every chart mean. */
function sharedLegend(abort: boolean): Html {
  return html`<ul class="legend shared"><li><span class="swatch band"></span>fault window (labelled)</li>
    <li><span class="tri ok"></span>probe ok</li><li><span class="tri bad"></span>probe failed</li>${abort ? html`<li><span class="dash"></span>abort</li>` : ''}</ul>`;
}

/** Charts for one load of the run (the first load, then one set per further load, each with its own offset). */
export function chartsSection(j: Journal, frPrimary: Frame, load: LoadRecord | undefined = j.load, index = 0): Html {
  const offset = load && index > 0 ? frPrimary.at(load.startedAt) : NaN;
  const fr: Frame = Number.isFinite(offset) ? { ...frPrimary, loadOffset: offset } : frPrimary;
  const cc = chartContext(j, fr);
  const id = (name: string) => (index ? `${name}-${index}` : name);
  const timeline = [...(load?.timeline ?? [])].filter((t) => Number.isFinite(t.t)).sort((a, b) => a.t - b.t);
  if (!load || timeline.length === 0) {
    const why = load ? 'The load ran but recorded no per-second timeline.' : 'No load in this experiment.';
    return html`<section id="charts"><h2>Timeline</h2>
      <p class="empty">${why}</p>
      ${sharedLegend(Number.isFinite(cc.abortAt))}
      <figure class="chart-wrap">${chart({ id: 'chart-timeline', title: 'Fault windows and probes', yLabel: '', series: [], plotHeight: 30 }, cc)}
      <figcaption>Fault windows and probe results over the run.</figcaption></figure></section>`;
  }
  const at = (tick: LoadTick) => fr.loadOffset + tick.t;
  const pick = (f: (t: LoadTick) => number | null): [number, number | null][] => timeline.map((t) => [at(t), f(t)]);
  const rps: Series = { name: 'requests', color: '#2563eb', width: 1.8, fill: true, points: pick((t) => t.requests) };
  const errors: Series = {
    name: 'error-ratio',
    color: '#dc2626',
    width: 1.8,
    fill: true,
    points: pick((t) => (t.requests > 0 ? Math.min(100, (100 * t.errors) / t.requests) : t.errors > 0 ? 100 : null)),
  };
  // A second without responses has no latency (the histogram is empty): a gap, not a zero.
  const p99: Series = { name: 'p99', color: '#1e3a8a', width: 1.8, points: pick((t) => (t.requests > 0 ? t.p99 : null)) };
  const p50: Series = { name: 'p50', color: '#93c5fd', width: 1.5, points: pick((t) => (t.requests > 0 ? t.p50 : null)) };
  return html`<section id="${id('charts')}"><h2>${index ? `Load "${load.name}" during the run` : j.extraLoads?.length ? `Load "${load.name}" during the run` : 'Load during the run'}</h2>
    ${sharedLegend(Number.isFinite(cc.abortAt))}
    <figure class="chart-wrap">
      <figcaption><strong>Requests per second</strong> (client side, ${load.name && load.name !== load.scenario ? `${load.name}: ` : ''}${load.scenario} scenario)</figcaption>
      ${legend([{ color: rps.color, label: 'requests / s' }])}
      ${chart({ id: id('chart-rps'), title: 'Requests per second', yLabel: 'requests / s', series: [rps], minMax: 5 }, cc)}
    </figure>
    <figure class="chart-wrap">
      <figcaption><strong>Error ratio</strong> (errors ÷ requests, per second)</figcaption>
      ${legend([{ color: errors.color, label: 'errors, % of requests' }])}
      ${chart({ id: id('chart-errors'), title: 'Error ratio in percent', yLabel: 'errors (%)', series: [errors], cap: 100, minMax: 1 }, cc)}
    </figure>
    <figure class="chart-wrap">
      <figcaption><strong>Latency</strong> (per second)</figcaption>
      ${legend([
        { color: p99.color, label: 'p99' },
        { color: p50.color, label: 'p50', light: true },
      ])}
      ${chart({ id: id('chart-latency'), title: 'Latency p99 and p50 in milliseconds', yLabel: 'latency (ms)', series: [p50, p99] }, cc)}
    </figure>
  </section>`;
}
