// Text for the report: numbers, offsets and durations, times, values; and the time frame every
// chart and table shares (seconds since the experiment start).
import type { Journal } from '../journal.ts';
import { html } from './escaping.ts';

const formatters = new Map<number, Intl.NumberFormat>();
/** A number with thousands separators and at most `digits` decimals; "—" if not a finite number. */
export function num(n: unknown, digits = 1): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  let f = formatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });
    formatters.set(digits, f);
  }
  return f.format(n);
}

/** "+12.3 s" relative to the experiment start; "?" when the time is unknown. */
export function offsetText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return `${seconds < 0 ? '−' : '+'}${Math.abs(seconds).toFixed(1)} s`;
}

export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "2025-06-14 10:00:00 UTC", or the string as given if it is not a date. */
export function timeText(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

/** A probe value or event datum as the user should see it: strings as they are, the rest as JSON. */
export function valueText(v: unknown, max = 300): string {
  let s: string;
  if (v === undefined) s = '—';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = Number.isFinite(v) ? num(v, 3) : String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export const cssToken = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'other';
const STATUSES = new Set(['pass', 'fail', 'aborted', 'error']);
export const statusClass = (s: string) => `status-${STATUSES.has(s) ? s : 'error'}`;
export const okMark = (ok: boolean) => (ok ? html`<span class="mark ok" title="ok">✔</span>` : html`<span class="mark bad" title="failed">✘</span>`);

// Time frame: everything is plotted in seconds since journal.startedAt.

export interface Frame {
  /** Seconds since the experiment start for an ISO time; NaN if unknown. */
  at(iso: string | undefined): number;
  runSeconds: number;
  /** The right end of the charts' x axis. */
  xMax: number;
  /** Where the load timeline's t = 0 falls on the x axis. */
  loadOffset: number;
}

export function frame(j: Journal): Frame {
  const candidates = [j.startedAt, j.events?.[0]?.at, j.load?.startedAt];
  let t0 = NaN;
  for (const c of candidates) {
    t0 = c ? Date.parse(c) : NaN;
    if (Number.isFinite(t0)) break;
  }
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
