// Renders a journal as one self-contained HTML page: no scripts, no fonts, no external files;
// inline CSS and inline SVG charts drawn here. Every string from the journal goes through
// the `html` tagged template, which escapes whatever it interpolates unless it is already
// markup built by this module, so a title or a message from a YAML file cannot inject markup.
import type { AuditReport, FaultWindow, Journal, JournalEvent, LoadRecord, LoadTick, MonitorRecord, ProbeResult } from './journal.ts';

// ---------------------------------------------------------------------------------------------
// Escaping and markup building

/** Markup built by this module; interpolated as is. Anything else is escaped. */
class Html {
  readonly value: string;
  constructor(value: string) { this.value = value; }
  toString(): string { return this.value; }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function renderValue(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(renderValue).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += renderValue(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted constant markup (CSS, entities) written in this file, never journal data. */
const trusted = (s: string) => new Html(s);

// ---------------------------------------------------------------------------------------------
// Formatting

const formatters = new Map<number, Intl.NumberFormat>();
/** A number with thousands separators and at most `digits` decimals; "—" if not a finite number. */
function num(n: unknown, digits = 1): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  let f = formatters.get(digits);
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return f.format(n);
}

/** "+12.3 s" relative to the experiment start; "?" when the time is unknown. */
function offsetText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return `${seconds < 0 ? '−' : '+'}${Math.abs(seconds).toFixed(1)} s`;
}

function durationText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "2025-06-14 10:00:00 UTC", or the string as given if it is not a date. */
function timeText(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

/** A probe value or event datum as the user should see it: strings as they are, the rest as JSON. */
function valueText(v: unknown, max = 300): string {
  let s: string;
  if (v === undefined) s = '—';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = Number.isFinite(v) ? num(v, 3) : String(v);
  else {
    try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const cssToken = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'other';
const STATUSES = new Set(['pass', 'fail', 'aborted', 'error']);
const statusClass = (s: string) => `status-${STATUSES.has(s) ? s : 'error'}`;
const okMark = (ok: boolean) => ok
  ? html`<span class="mark ok" title="ok">✔</span>`
  : html`<span class="mark bad" title="failed">✘</span>`;

// ---------------------------------------------------------------------------------------------
// Time frame: everything is plotted in seconds since journal.startedAt.

interface Frame {
  /** Seconds since the experiment start for an ISO time; NaN if unknown. */
  at(iso: string | undefined): number;
  runSeconds: number;
  /** The right end of the charts' x axis. */
  xMax: number;
  /** Where the load timeline's t = 0 falls on the x axis. */
  loadOffset: number;
}

function frame(j: Journal): Frame {
  const candidates = [j.startedAt, j.events?.[0]?.at, j.load?.startedAt];
  let t0 = NaN;
  for (const c of candidates) { t0 = c ? Date.parse(c) : NaN; if (Number.isFinite(t0)) break; }
  const at = (iso: string | undefined) => (iso && Number.isFinite(t0) ? (Date.parse(iso) - t0) / 1000 : NaN);
  let runSeconds = at(j.endedAt);
  if (!Number.isFinite(runSeconds) || runSeconds < 0) {
    const seen = (j.events ?? []).map((e) => at(e.at)).filter(Number.isFinite);
    runSeconds = seen.length ? Math.max(0, ...seen) : NaN;
  }
  const loadOffset = j.load ? at(j.load.startedAt) : NaN;
  const lastTick = (j.load?.timeline ?? []).reduce((m, t) => (Number.isFinite(t.t) && t.t > m ? t.t : m), -Infinity);
  const loadEnd = (Number.isFinite(loadOffset) ? loadOffset : 0) + lastTick;
  const xMax = Math.max(1, ...[runSeconds, loadEnd].filter(Number.isFinite));
  return { at, runSeconds, xMax, loadOffset: Number.isFinite(loadOffset) ? loadOffset : 0 };
}

// ---------------------------------------------------------------------------------------------
// Axis ticks

/** A round step (1, 2, 2.5 or 5 times a power of ten) near `rough`. */
function niceStep(rough: number): number {
  const exp = 10 ** Math.floor(Math.log10(rough));
  const f = rough / exp;
  return Number(((f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * exp).toPrecision(12));
}

/** Decimals needed to print multiples of `step` exactly (0.25 -> 2, 2.5 -> 1, 50 -> 0). */
function decimalsOf(step: number): number {
  const text = String(step);
  if (text.includes('e')) return Math.min(20, Math.max(0, -Math.floor(Math.log10(step)) + 1));
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Y axis from 0 to a round number above the peak (with a little headroom), about five ticks. */
export function yTicks(peak: number, cap?: number, floor = 0): { max: number; ticks: number[]; decimals: number } {
  const p = Math.max(Number.isFinite(peak) && peak > 0 ? peak * 1.05 : 0, floor) || 1;
  let step = niceStep(p / 5);
  let max = Math.ceil(p / step - 1e-9) * step;
  if (cap !== undefined && max > cap) { max = cap; step = niceStep(cap / 5); }
  const decimals = decimalsOf(step);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max + step * 1e-9; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return { max, ticks, decimals };
}

const TIME_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];

/** X axis ticks in seconds: a round step giving at most about ten ticks. */
export function xTicks(xMax: number): { step: number; ticks: number[] } {
  const step = TIME_STEPS.find((s) => xMax / s <= 10) ?? niceStep(xMax / 10);
  const ticks: number[] = [];
  for (let v = 0; v <= xMax + 1e-9; v += step) ticks.push(v);
  return { step, ticks };
}

const clockText = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------
// Charts

const W = 760;
const M = { left: 64, right: 18, bottom: 42 };
const PLOT_W = W - M.left - M.right;
const FAULT_COLORS = ['#7c3aed', '#0e7490', '#c026d3', '#4d7c0f', '#c2410c', '#1d4ed8', '#be185d', '#0f766e'];
const LABEL_ROW = 14;

const f2 = (n: number) => (Math.round(n * 100) / 100).toString();

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
  const x = (t: number) => M.left + (Math.min(Math.max(t, 0), fr.xMax) / fr.xMax) * PLOT_W;
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
    if (row < 0) { row = rowEnds.length; rowEnds.push(0); }
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
  return segments.map((seg) => {
    const line = seg.map(([px, py], i) => `${i ? 'L' : 'M'}${f2(px)},${f2(py)}`).join(' ');
    if (baseline === undefined) return seg.length === 1 ? `${line} h0.01` : line;
    return `${line} L${f2(seg.at(-1)![0])},${f2(baseline)} L${f2(seg[0]![0])},${f2(baseline)} Z`;
  }).join(' ');
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
  const yAxis = yTicks(peak, spec.cap, spec.minMax);
  const y = (v: number) => bottom - (Math.min(v, yAxis.max) / yAxis.max) * plotH;
  const x = cc.x;
  const { ticks: xs } = xTicks(cc.frame.xMax);
  const useClock = cc.frame.xMax >= 600;

  const grid = hasY ? yAxis.ticks.map((v) => html`
    <line class="grid" x1="${M.left}" x2="${right}" y1="${f2(y(v))}" y2="${f2(y(v))}"/>
    <text class="ytick" x="${M.left - 6}" y="${f2(y(v) + 4)}" text-anchor="end">${num(v, yAxis.decimals)}</text>`) : [];

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

  const lines = spec.series.map((s) => html`
    ${s.fill ? html`<path class="series-fill" d="${pathData(s.points, x, y, bottom)}" fill="${s.color}" fill-opacity="0.12" stroke="none"/>` : ''}
    <path class="series" data-series="${s.name}" d="${pathData(s.points, x, y)}" fill="none" stroke="${s.color}" stroke-width="${s.width}" stroke-linejoin="round" stroke-linecap="round"/>`);

  // Probes: marks closer than a mark's width merge into one, red if any of them failed; the
  // tooltip lists them all.
  const placed = cc.probes.map((p) => ({ p, t: cc.frame.at(p.at) })).filter((e) => Number.isFinite(e.t)).sort((a, b) => a.t - b.t);
  const clusters: { x0: number; xs: number[]; ps: ProbeResult[] }[] = [];
  for (const { p, t } of placed) {
    const px = x(t);
    const last = clusters.at(-1);
    if (last && px - last.x0 < 8) { last.xs.push(px); last.ps.push(p); } else clusters.push({ x0: px, xs: [px], ps: [p] });
  }
  const probeMarks = clusters.map(({ xs, ps }) => {
    const px = xs.reduce((a, b) => a + b, 0) / xs.length;
    const ok = ps.every((p) => p.ok);
    const tip = ps.map((p) => `${p.ok ? '✔' : '✘'} ${p.phase} · ${p.name}: ${valueText(p.value, 80)} (${p.tolerance})`).join('\n');
    return html`<path class="probe-mark ${ok ? 'ok' : 'bad'}" d="M${f2(px)},${bottom - 1} l-4,-8 h8 z"><title>${tip}</title></path>`;
  });

  const abort = Number.isFinite(cc.abortAt) ? html`
    <line class="abort-line" x1="${f2(x(cc.abortAt))}" x2="${f2(x(cc.abortAt))}" y1="${top}" y2="${bottom}"/>
    <text class="abort-label" x="${f2(x(cc.abortAt) - 3)}" y="${top + 12}" text-anchor="end">abort</text>` : '';

  const xAxis = xs.map((v) => html`
    <line class="xtick" x1="${f2(x(v))}" x2="${f2(x(v))}" y1="${bottom}" y2="${bottom + 4}"/>
    <text class="xtick-label" x="${f2(x(v))}" y="${bottom + 16}" text-anchor="middle">${useClock ? clockText(v) : String(v)}</text>`);

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
function chartsSection(j: Journal, frPrimary: Frame, load: LoadRecord | undefined = j.load, index = 0): Html {
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
    name: 'error-ratio', color: '#dc2626', width: 1.8, fill: true,
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
      ${legend([{ color: p99.color, label: 'p99' }, { color: p50.color, label: 'p50', light: true }])}
      ${chart({ id: id('chart-latency'), title: 'Latency p99 and p50 in milliseconds', yLabel: 'latency (ms)', series: [p50, p99] }, cc)}
    </figure>
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function header(j: Journal, fr: Frame): Html {
  const abortAt = j.abort ? fr.at(j.abort.at) : NaN;
  return html`<header class="top">
  <div class="title-block">
    <p class="eyebrow">Chaos experiment · game day report</p>
    <h1>${j.experiment?.title || '(untitled experiment)'}</h1>
    ${j.experiment?.description ? html`<p class="desc">${j.experiment.description}</p>` : ''}
    <dl class="meta">
      <dt>File</dt><dd><code>${j.experiment?.file ?? '—'}</code></dd>
      <dt>Started</dt><dd>${timeText(j.startedAt)}</dd>
      <dt>Ended</dt><dd>${timeText(j.endedAt)}</dd>
      <dt>Duration</dt><dd>${durationText(fr.runSeconds)}</dd>
    </dl>
  </div>
  <div class="verdict ${statusClass(j.status)}" id="verdict">
    <div class="badge" data-status="${j.status}">${String(j.status).toUpperCase()}</div>
    <p class="verdict-text">${j.verdict}</p>
    ${j.abort ? html`<p class="abort-reason"><strong>Aborted</strong> at ${offsetText(abortAt)}: ${j.abort.reason}</p>` : ''}
  </div>
</header>`;
}

function glance(j: Journal): Html {
  const probes = j.probes ?? [];
  const okProbes = probes.filter((p) => p.ok).length;
  const worst = Math.max(0, ...(j.monitors ?? []).map((m) => m.longestOutageSeconds).filter(Number.isFinite));
  const s = j.load?.summary;
  const errorPct = s && s.requests > 0 ? (100 * Object.values(s.errors ?? {}).reduce((a, b) => a + b, 0)) / s.requests : NaN;
  const cards: [string, string, boolean | undefined][] = [
    ['Probes ok', `${okProbes} / ${probes.length}`, probes.length ? okProbes === probes.length : undefined],
    ['Fault windows', String((j.faults ?? []).length), undefined],
    ['Longest outage', (j.monitors ?? []).length ? `${num(worst, 1)} s` : '—', undefined],
    ['Errors', Number.isFinite(errorPct) ? `${num(errorPct, 2)} %` : '—', undefined],
    ['Audit', j.audit ? (j.audit.ok ? 'passed' : 'FAILED') : 'none', j.audit ? j.audit.ok : undefined],
  ];
  return html`<section class="glance" aria-label="At a glance">${cards.map(([k, v, ok]) => html`
    <div class="card${ok === true ? ' good' : ok === false ? ' bad' : ''}"><div class="k">${k}</div><div class="v">${v}</div></div>`)}</section>`;
}

function table(head: string[], rows: Html[], cls = ''): Html {
  return html`<div class="table-wrap"><table${cls ? html` class="${cls}"` : ''}><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function faultsSection(j: Journal, fr: Frame): Html {
  const faults = j.faults ?? [];
  if (!faults.length) return html`<section id="faults"><h2>Fault windows</h2><p class="empty">No faults were injected.</p></section>`;
  const rows = faults.map((f, i) => {
    const start = fr.at(f.start);
    const end = fr.at(f.end);
    const open = !Number.isFinite(end);
    return html`<tr${open ? trusted(' class="warn"') : ''}>
      <td><span class="swatch" style="background:${FAULT_COLORS[i % FAULT_COLORS.length]}"></span>${f.name}</td>
      <td>${f.kind}</td><td><code>${f.target}</code></td>
      <td class="num">${offsetText(start)}</td>
      <td class="num">${open ? 'never removed' : offsetText(end)}</td>
      <td class="num">${open ? html`until the end of the run (${durationText(fr.xMax - start)})` : durationText(end - start)}</td></tr>`;
  });
  return html`<section id="faults"><h2>Fault windows</h2>${table(['Fault', 'Kind', 'Target', 'Start', 'End', 'Duration'], rows)}</section>`;
}

const PHASE_ORDER: Record<string, number> = { before: 0, during: 1, after: 2 };

function probesSection(j: Journal, fr: Frame): Html {
  const probes = [...(j.probes ?? [])].sort((a, b) => (PHASE_ORDER[a.phase] ?? 3) - (PHASE_ORDER[b.phase] ?? 3) || fr.at(a.at) - fr.at(b.at));
  if (!probes.length) return html`<section id="probes"><h2>Hypothesis</h2><p class="empty">No probes ran.</p></section>`;
  const rows = probes.map((p) => html`<tr class="${p.ok ? 'ok' : 'bad'}">
    <td><span class="phase phase-${cssToken(p.phase)}">${p.phase}</span></td>
    <td>${p.name}</td><td>${p.type}</td><td><code>${p.tolerance}</code></td>
    <td><code>${valueText(p.value)}</code>${p.detail ? html`<div class="detail">${p.detail}</div>` : ''}</td>
    <td class="center">${okMark(p.ok)}</td>
    <td class="num">${offsetText(fr.at(p.at))}</td></tr>`);
  return html`<section id="probes"><h2>Hypothesis (steady-state probes)</h2>${table(['Phase', 'Probe', 'Type', 'Tolerance', 'Measured', 'OK', 'At'], rows)}</section>`;
}

function outagesCell(m: MonitorRecord, fr: Frame): Html {
  const outages = m.outages ?? [];
  if (!outages.length) return html`<span class="muted">none</span>`;
  const item = (o: MonitorRecord['outages'][number]) => html`<li>${offsetText(fr.at(o.start))} → ${offsetText(fr.at(o.end))} <span class="muted">(${num(o.seconds, 1)} s)</span></li>`;
  if (outages.length <= 5) return html`<ul class="plain">${outages.map(item)}</ul>`;
  return html`<ul class="plain">${outages.slice(0, 3).map(item)}</ul><details><summary>all ${outages.length} outages</summary><ul class="plain">${outages.map(item)}</ul></details>`;
}

function monitorsSection(j: Journal, fr: Frame): Html {
  const monitors = j.monitors ?? [];
  if (!monitors.length) return html`<section id="monitors"><h2>Monitors</h2><p class="empty">No monitors ran.</p></section>`;
  const rows = monitors.map((m) => html`<tr class="${m.failures > 0 ? 'warn' : ''}">
    <td>${m.name}</td><td>${m.description}</td>
    <td class="num">${num(m.attempts, 0)}</td>
    <td class="num">${num(m.failures, 0)}${m.attempts > 0 ? html` <span class="muted">(${num((100 * m.failures) / m.attempts, 1)} %)</span>` : ''}</td>
    <td class="num">${num(m.longestOutageSeconds, 1)} s</td>
    <td>${outagesCell(m, fr)}</td></tr>`);
  return html`<section id="monitors"><h2>Monitors</h2>${table(['Monitor', 'What it does', 'Attempts', 'Failures', 'Longest outage', 'Outage windows'], rows)}</section>`;
}

function countsTable(title: string, counts: Record<string, number> | undefined, total: number): Html {
  const entries = Object.entries(counts ?? {}).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  if (!entries.length) return html`<div><h3>${title}</h3><p class="empty">none</p></div>`;
  return html`<div><h3>${title}</h3>${table(['', 'Count', 'Share'], entries.map(([k, v]) => html`<tr><td><code>${k}</code></td><td class="num">${num(v, 0)}</td><td class="num">${total > 0 ? `${num((100 * v) / total, 2)} %` : '—'}</td></tr>`), 'compact')}</div>`;
}

function loadSection(load: LoadRecord | undefined, fr: Frame): Html {
  if (!load) return html`<section id="load"><h2>Load</h2><p class="empty">No load in this experiment.</p></section>`;
  const s = load.summary;
  const l = s?.latencyMs;
  return html`<section id="load"><h2>Load summary</h2>
  <dl class="facts">
    ${load.name ? html`<dt>Load step</dt><dd>${load.name}</dd>` : ''}
    <dt>Scenario</dt><dd>${load.scenario}</dd>
    <dt>Started</dt><dd>${offsetText(fr.at(load.startedAt))}</dd>
    <dt>Requests</dt><dd>${num(s?.requests, 0)}</dd>
    <dt>OK</dt><dd>${num(s?.ok, 0)}</dd>
    <dt>Rejected (409)</dt><dd>${num(s?.rejected, 0)}</dd>
    <dt>Throughput</dt><dd>${num(s?.throughput, 1)} req/s</dd>
    <dt>Acknowledged orders</dt><dd>${num(load.acknowledgedOrders, 0)}</dd>
    ${load.ledgerFile ? html`<dt>Ledger</dt><dd><code>${load.ledgerFile}</code></dd>` : ''}
  </dl>
  <h3>Latency (whole run)</h3>
  ${table(['p50', 'p90', 'p99', 'p99.9', 'max'], [html`<tr>${[l?.p50, l?.p90, l?.p99, l?.p999, l?.max].map((v) => html`<td class="num">${num(v, 1)} ms</td>`)}</tr>`], 'compact latency')}
  <div class="two">
    ${countsTable('By status', s?.byStatus, s?.requests ?? 0)}
    ${countsTable('Errors by kind', s?.errors, s?.requests ?? 0)}
  </div></section>`;
}

function auditSection(audit: AuditReport | undefined, fr: Frame): Html {
  if (!audit) return html`<section id="audit"><h2>Integrity audit</h2><p class="empty">No audit in this experiment.</p></section>`;
  const rows = (audit.checks ?? []).map((c) => {
    const examples = c.examples ?? [];
    return html`<tr class="${c.ok ? 'ok' : 'bad'}" data-check="${c.name}">
      <td>${c.name}</td><td class="num">${num(c.checked, 0)}</td><td class="num">${num(c.failed, 0)}</td>
      <td class="center">${okMark(c.ok)}</td>
      <td>${examples.length ? html`<ul class="plain examples">${examples.slice(0, 5).map((e) => html`<li><code>${valueText(e, 200)}</code></li>`)}${examples.length > 5 ? html`<li class="muted">… and ${examples.length - 5} more</li>` : ''}</ul>` : html`<span class="muted">—</span>`}</td>
      <td>${c.note ?? ''}</td></tr>`;
  });
  return html`<section id="audit"><h2>Integrity audit</h2>
  <p class="audit-result ${audit.ok ? 'ok' : 'bad'}">${okMark(audit.ok)} <strong>${audit.ok ? 'Audit passed' : 'Audit FAILED'}</strong>
    <span class="muted">· ${num(audit.ledgerOrders, 0)} acknowledged orders in the ledger · at ${offsetText(fr.at(audit.at))}</span></p>
  ${rows.length ? table(['Check', 'Checked', 'Failed', 'OK', 'Examples', 'Note'], rows) : html`<p class="empty">The audit ran no checks.</p>`}</section>`;
}

function measurementsSection(m: Journal['measurements'] | undefined): Html {
  const entries = Object.entries(m ?? {});
  if (!entries.length) return html`<section id="measurements"><h2>Measurements</h2><p class="empty">No measurements recorded.</p></section>`;
  return html`<section id="measurements"><h2>Measurements</h2>${table(['Measurement', 'Value'], entries.map(([k, v]) => html`<tr><td>${k}</td><td class="${typeof v === 'number' ? 'num' : ''}">${typeof v === 'number' ? num(v, 3) : valueText(v)}</td></tr>`), 'compact')}</section>`;
}

function eventsSection(events: JournalEvent[] | undefined, fr: Frame): Html {
  const list = events ?? [];
  const rows = list.map((e) => html`<tr class="ev-${cssToken(e.kind)}">
    <td class="num">${offsetText(fr.at(e.at))}</td>
    <td><span class="kind">${e.kind}</span></td>
    <td>${e.message}${e.data !== undefined ? html`<div class="detail"><code>${valueText(e.data, 400)}</code></div>` : ''}</td></tr>`);
  return html`<section id="events"><details><summary><h2>Event timeline <span class="muted">(${list.length} events)</span></h2></summary>
  ${list.length ? table(['At', 'Kind', 'Message'], rows, 'events') : html`<p class="empty">No events.</p>`}</details></section>`;
}

// ---------------------------------------------------------------------------------------------

const CSS = `
:root { color-scheme: light; --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --card:#fff;
  --pass:#15803d; --fail:#b91c1c; --aborted:#b45309; --error:#4b5563; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; }
main { max-width:1100px; margin:0 auto; padding:24px 20px 48px; }
h1 { font-size:1.7rem; line-height:1.2; margin:.1em 0 .3em; overflow-wrap:anywhere; }
h2 { font-size:1.2rem; margin:0 0 .6em; }
h3 { font-size:1rem; margin:1em 0 .4em; }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; margin:16px 0; }
code { font:.86em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; overflow-wrap:anywhere; }
.muted, .empty { color:var(--muted); }
.empty { font-style:italic; }
.top { display:grid; grid-template-columns:minmax(0,1fr) minmax(240px,340px); gap:20px; align-items:start; }
.eyebrow { margin:0; color:var(--muted); text-transform:uppercase; letter-spacing:.06em; font-size:.75rem; }
.desc { margin:.2em 0 .8em; }
.meta, .facts { display:grid; grid-template-columns:max-content minmax(0,1fr); gap:2px 14px; margin:0; }
.meta dt, .facts dt { color:var(--muted); }
.meta dd, .facts dd { margin:0; overflow-wrap:anywhere; }
.verdict { border-radius:12px; padding:16px 18px; color:#fff; }
.verdict .badge { font-size:2.2rem; font-weight:800; letter-spacing:.08em; line-height:1.1; }
.verdict p { margin:.5em 0 0; overflow-wrap:anywhere; }
.status-pass { background:var(--pass); } .status-fail { background:var(--fail); }
.status-aborted { background:var(--aborted); } .status-error { background:var(--error); }
.abort-reason { background:rgba(0,0,0,.18); border-radius:6px; padding:6px 8px; }
.glance { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; background:none; border:0; padding:0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 14px; }
.card .k { color:var(--muted); font-size:.8rem; } .card .v { font-size:1.35rem; font-weight:700; }
.card.good .v { color:var(--pass); } .card.bad .v { color:var(--fail); }
figure { margin:0 0 18px; }
figcaption { margin-bottom:2px; }
.chart-wrap { overflow-x:auto; }
svg.chart { display:block; width:100%; min-width:560px; height:auto; font:11px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; }
svg .plot-area { fill:#fff; stroke:#d1d5db; }
svg .grid { stroke:#eef0f3; } svg .axis, svg .xtick { stroke:#6b7280; }
svg .ytick, svg .xtick-label { fill:#4b5563; } svg .axis-label { fill:#374151; font-size:12px; }
svg .fault-label { font-weight:600; }
svg .probe-mark.ok { fill:#16a34a; } svg .probe-mark.bad { fill:#dc2626; }
svg .abort-line { stroke:var(--aborted); stroke-width:1.5; stroke-dasharray:5 3; } svg .abort-label { fill:var(--aborted); font-weight:600; }
.legend { list-style:none; display:flex; flex-wrap:wrap; gap:4px 16px; padding:0; margin:0 0 2px; font-size:.82rem; color:#374151; }
.swatch { display:inline-block; width:14px; height:4px; border-radius:2px; margin-right:6px; vertical-align:middle; }
.swatch.light { opacity:.9; } .swatch.band { height:12px; background:rgba(124,58,237,.15); border:1px solid rgba(124,58,237,.45); }
td .swatch { width:10px; height:10px; }
.tri { display:inline-block; width:0; height:0; border-left:5px solid transparent; border-right:5px solid transparent; border-top:9px solid; margin-right:6px; vertical-align:middle; }
.tri.ok { color:#16a34a; } .tri.bad { color:#dc2626; }
.dash { display:inline-block; width:0; height:12px; border-left:2px dashed var(--aborted); margin-right:6px; vertical-align:middle; }
.legend.shared { margin-bottom:10px; color:var(--muted); }
.table-wrap { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-size:.9rem; }
table.compact { width:auto; min-width:50%; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.78rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); font-weight:600; }
td.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; } td.center { text-align:center; }
tr.bad td { background:#fef2f2; } tr.warn td { background:#fffbeb; }
.mark { font-weight:700; } .mark.ok { color:var(--pass); } .mark.bad { color:var(--fail); }
.phase { display:inline-block; padding:0 6px; border-radius:4px; font-size:.8rem; background:#eef2ff; color:#3730a3; }
.phase-during { background:#fdf4ff; color:#86198f; } .phase-after { background:#ecfeff; color:#155e75; }
.kind { display:inline-block; padding:0 6px; border-radius:4px; font-size:.78rem; background:#f3f4f6; }
.ev-fault .kind, .ev-rollback .kind { background:#f5f3ff; color:#5b21b6; } .ev-abort .kind { background:#fffbeb; color:var(--aborted); }
.ev-probe .kind { background:#eef2ff; } .ev-audit .kind { background:#ecfdf5; }
.detail { color:var(--muted); font-size:.85em; margin-top:2px; overflow-wrap:anywhere; }
ul.plain { list-style:none; margin:0; padding:0; }
.two { display:grid; grid-template-columns:1fr 1fr; gap:0 24px; }
.audit-result { font-size:1.05rem; } .audit-result.bad strong { color:var(--fail); } .audit-result.ok strong { color:var(--pass); }
details > summary { cursor:pointer; } details > summary h2 { display:inline; }
@media (max-width:760px) {
  main { padding:12px 10px 32px; } .top, .two { grid-template-columns:1fr; }
  section { padding:12px; } .verdict .badge { font-size:1.8rem; } table { font-size:.84rem; }
}
@media print {
  body { background:#fff; font-size:11pt; } main { max-width:none; padding:0; }
  section, .card { border-color:#ccc; break-inside:avoid; } section#events, section#probes { break-inside:auto; }
  .verdict, tr.bad td, tr.warn td, .swatch, .tri { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  svg.chart { min-width:0; } .chart-wrap, .table-wrap { overflow:visible; }
  details::details-content { content-visibility:visible; display:block; }
}
`;

/** The whole report: one HTML page with no external resources. */
export function renderReport(journal: Journal): string {
  const fr = frame(journal);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${String(journal.status).toUpperCase()} · ${journal.experiment?.title ?? 'experiment'}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<main>
${header(journal, fr)}
${glance(journal)}
${chartsSection(journal, fr)}
${(journal.extraLoads ?? []).map((l, i) => chartsSection(journal, fr, l, i + 1))}
${faultsSection(journal, fr)}
${probesSection(journal, fr)}
${monitorsSection(journal, fr)}
${loadSection(journal.load, fr)}
${(journal.extraLoads ?? []).map((l) => loadSection(l, fr))}
${auditSection(journal.audit, fr)}
${measurementsSection(journal.measurements)}
${eventsSection(journal.events, fr)}
</main>
</body>
</html>
`;
  return page.value;
}
