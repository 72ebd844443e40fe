// What the reader sees: API errors, run verdicts and load summaries in plain words. Pure.
import { ApiError } from './api.ts';
import type { RunState } from './types.ts';

export const UNREACHABLE = 'The console backend is unreachable (is the lab up? npm run lab:up starts it). Retrying every few seconds…';
export const SIGN_IN_HINT = 'npm run lab:console prints the console’s address with its token.';

/** Whether the error means "no answer" (the console backend is down or the edge cannot reach it). */
export const isUnreachable = (e: unknown) => e instanceof ApiError && (e.kind === 'network' || e.kind === 'timeout' || e.status === 502 || e.status === 504);

/** A 400's details as one sentence: "latency-ms: must be at most 600000; durationSeconds: …". */
export function detailsText(details: unknown): string {
  const parts: string[] = [];
  for (const d of Array.isArray(details) ? details : []) {
    if (!d || typeof d !== 'object') continue;
    const o = d as Record<string, unknown>;
    const field = typeof o.field === 'string' ? o.field : typeof o.path === 'string' ? o.path : '';
    const problem = typeof o.problem === 'string' ? o.problem : typeof o.message === 'string' ? o.message : 'is not valid';
    parts.push(field ? `${field.replace(/^args\./, '')}: ${problem}` : problem);
  }
  return parts.join('; ');
}

/**
 * One or two sentences for an error of `action` ("Starting the load"). Never a stack, never a
 * code alone; the server's message where it says more than a status.
 */
export function errorMessage(e: unknown, action = 'That'): string {
  if (!(e instanceof ApiError)) return `${action} failed in this page: ${e instanceof Error ? e.message : String(e)}. Reloading the page may help.`;
  if (e.kind === 'network') return `${action} failed: the console backend is unreachable. Is the lab up? Try again in a moment.`;
  if (e.kind === 'timeout') return `${action} failed: the console backend did not answer in time. It may still have happened; check before trying again.`;
  const ref = e.requestId ? ` (request ${e.requestId})` : '';
  switch (e.code) {
    case 'UNAUTHORIZED':
      return `The console did not accept the token. ${SIGN_IN_HINT}`;
    case 'FORBIDDEN_ORIGIN':
      return 'The console only answers requests from this machine (through the edge on 127.0.0.1).';
    case 'LOAD_RUNNING':
      return 'A load is already running: only one runs at a time. Stop it, or wait for it to end, then start another.';
    case 'RUN_IN_PROGRESS':
      return 'A game day is already running: only one runs at a time. Wait for it to end, or abort it, then start another.';
    case 'REQUEST_VALIDATION_FAILED': {
      const d = detailsText(e.details);
      return d ? `${action} was refused; please check: ${d}.` : `${action} was refused: ${e.message}.`;
    }
  }
  if (e.status === 401) return `The console did not accept the token. ${SIGN_IN_HINT}`;
  if (e.status === 409) return `${action} was refused because something is already going: ${e.message}.`;
  if (e.status === 404) return `${action} failed: not found (${e.message}). It may have ended already.`;
  if (e.status === 502 || e.status === 504) return `${action} failed: the console backend is unreachable behind the edge. Try again in a moment.`;
  if (e.status >= 500) return `${action} failed in the console backend: ${e.message}${ref}.`;
  return `${action} was refused: ${e.message}${ref}.`;
}

export interface Verdict {
  word: string;
  text: string;
  tone: 'ok' | 'bad' | 'warn' | 'idle';
}

/** A run's state in words. */
export function verdict(state: RunState | string): Verdict {
  switch (state) {
    case 'running':
      return { word: 'running', text: 'Running…', tone: 'idle' };
    case 'passed':
      return { word: 'passed', text: 'Passed: the hypothesis held.', tone: 'ok' };
    case 'failed':
      return { word: 'failed', text: 'Failed: the hypothesis did not hold.', tone: 'bad' };
    case 'aborted':
      return { word: 'aborted', text: 'Aborted: the run was stopped and its faults rolled back.', tone: 'warn' };
    case 'error':
      return { word: 'error', text: 'Error: the run could not be carried out (see its log).', tone: 'bad' };
    default:
      return { word: state, text: state, tone: 'idle' };
  }
}

const fmt = (n: unknown, digits = 1) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–');
const counts = (o: unknown) =>
  o && typeof o === 'object'
    ? Object.entries(o as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${fmt(v, 0)}`)
        .join(', ')
    : '';

/**
 * A load's summary as rows of [label, value]. The load runner's summary (requests, latency…)
 * gets readable rows; any other object its keys; text stays one row.
 */
export function summaryRows(summary: unknown): [string, string][] {
  if (summary == null) return [];
  if (typeof summary !== 'object') return [['summary', String(summary)]];
  const s = summary as Record<string, unknown>;
  if (typeof s.requests === 'number') {
    const l = (s.latencyMs ?? {}) as Record<string, unknown>;
    const rows: [string, string][] = [
      [
        'requests',
        `${fmt(s.requests, 0)}${typeof s.durationSeconds === 'number' ? ` in ${fmt(s.durationSeconds)} s` : ''}${typeof s.throughput === 'number' ? ` (${fmt(s.throughput, 0)} req/s)` : ''}`,
      ],
    ];
    if (typeof s.ok === 'number') rows.push(['ok', fmt(s.ok, 0)]);
    if (typeof s.rejected === 'number') rows.push(['rejected (409, e.g. out of stock)', fmt(s.rejected, 0)]);
    if (s.latencyMs) rows.push(['latency p50 / p90 / p99 / max', `${fmt(l.p50)} / ${fmt(l.p90)} / ${fmt(l.p99)} / ${fmt(l.max)} ms`]);
    if (typeof s.latencyMethod === 'string') rows.push(['latency measured', s.latencyMethod]);
    if (s.serviceTimeMs) {
      const t = s.serviceTimeMs as Record<string, unknown>;
      rows.push(['service time p50 / p99 / max (raw)', `${fmt(t.p50)} / ${fmt(t.p99)} / ${fmt(t.max)} ms`]);
    }
    if (s.byStatus) rows.push(['by status', counts(s.byStatus) || '–']);
    if (s.errors) rows.push(['errors', counts(s.errors) || 'none']);
    return rows;
  }
  return Object.entries(s).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]);
}
