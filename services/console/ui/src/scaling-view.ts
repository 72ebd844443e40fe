// How the autoscaler's state reads: metrics with their units, decisions and what holds them,
// forecasts, schedule windows, events, and the one-off surge form as data (its POST body from the
// raw values, a 400's details routed back to its fields). Pure; sections/scaling.ts makes the DOM.
import { clockText, durationText, msOf } from './format.ts';
import type { Tone } from './health.ts';
import { fieldProblems } from './schema-form.ts';
import type { ScalingEvent, ScalingServicePolicy, ScalingServiceView, ScalingState, ScheduleEntryAdded, ScheduleRequest, ScheduleWindow } from './types.ts';

/** Said plainly whenever autoscaling is off. */
export const OBSERVING = 'observing: decisions are computed and shown, nothing is changed';

const UNITS: Record<string, string> = {
  'rps-per-replica': 'req/s per replica',
  'event-loop-lag-ms': 'ms event-loop lag',
  'inflight-per-replica': 'requests in flight per replica',
};

/** The unit a scaling metric is measured in, in words ("req/s per replica"); the metric's name if unknown. */
export const metricUnit = (metric: string) => UNITS[metric] ?? metric;

/** A number for people: at most two decimals below 10, one above, none for whole numbers. */
export function num(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) < 10 ? 2 : 1 });
}

/** "0.45 req/s per replica vs target 120", or "no data (target 10 requests in flight per replica)". */
export function metricText(m: ScalingServiceView['metric']): string {
  const unit = metricUnit(m.name);
  if (m.perReplica === null || !Number.isFinite(m.perReplica)) return `no data (target ${num(m.target)} ${unit})`;
  return `${num(m.perReplica)} ${unit} vs target ${num(m.target)}`;
}

/** The controller's reasons start with the service's name; a card that names it needs no echo. */
export function withoutService(reason: string, service: string): string {
  const prefix = `${service}: `;
  return reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
}

/** What holds a wanted change back, in words; undefined when nothing does. */
export function heldText(held: string | null | undefined, p: Pick<ScalingServicePolicy, 'scaleOutCooldownSeconds' | 'scaleInCooldownSeconds' | 'scaleInStabilizationSeconds'>): string | undefined {
  switch (held) {
    case null:
    case undefined:
    case '':
      return undefined;
    case 'scale-out-cooldown':
      return `held by the scale-out cooldown: no replica is added within ${p.scaleOutCooldownSeconds} s of the last change (schedule floors do not wait)`;
    case 'scale-in-cooldown':
      return `held by the scale-in cooldown: no replica is removed within ${p.scaleInCooldownSeconds} s of the last change`;
    case 'stabilization':
      return `held by stabilization: it scales in only to the highest recommendation of the last ${p.scaleInStabilizationSeconds} s`;
    case 'warming-up':
      return `warming up: the controller has watched for less than the ${p.scaleInStabilizationSeconds} s stabilization window, so it does not scale in yet`;
    default:
      return `held: ${held}`;
  }
}

/** Under the Auto-recovery switch: what it does, with the policy's numbers. */
export function recoveryText(on: boolean, p: ScalingState['recoveryPolicy'] | undefined): string {
  if (!on) return 'Off: hung containers are left as they are.';
  if (!p) return 'On: the controller restarts hung containers of the stateless services.';
  return `On: the controller restarts a container of a stateless service that is unhealthy for ${p.unhealthyThreshold} checks in a row and no longer answers its /healthz; after ${p.maxRestarts} restarts within ${spanText(p.windowSeconds)} it stops and reports a restart loop.`;
}

/** The card's badge: what the controller does (or would do, observing) about the service. */
export function decisionBadge(v: Pick<ScalingServiceView, 'decision' | 'configured'>, autoscaling: boolean): string {
  const d = v.decision;
  if (!d) return 'no decision yet';
  if (d.action === 'out') return autoscaling ? `scaled out to ${d.desired}` : `would scale out to ${d.desired}`;
  if (d.action === 'in') return autoscaling ? `scaled in to ${d.desired}` : `would scale in to ${d.desired}`;
  return d.held ? `holding at ${v.configured}` : `steady at ${d.desired}`;
}

/**
 * The card's tone: bad with no healthy replica, warn while replicas are missing or unhealthy, a
 * change is wanted, or a scale-out waits for its cooldown; ok otherwise.
 */
export function serviceTone(v: Pick<ScalingServiceView, 'configured' | 'running' | 'healthy' | 'decision'>): Tone {
  if (v.configured > 0 && v.healthy === 0) return 'bad';
  if (v.healthy < v.configured || v.running < v.configured) return 'warn';
  if (v.decision && (v.decision.action !== 'none' || v.decision.held === 'scale-out-cooldown')) return 'warn';
  return 'ok';
}

/** "2 configured · 2 running · 2 healthy". */
export const replicasText = (v: Pick<ScalingServiceView, 'configured' | 'running' | 'healthy'>) => `${v.configured} configured · ${v.running} running · ${v.healthy} healthy`;

/** "3 (bounds 2–4)": the decision's desired count and the policy's min–max. */
export function desiredText(v: Pick<ScalingServiceView, 'decision' | 'policy'>): string {
  const bounds = `bounds ${v.policy.min}–${v.policy.max}`;
  return v.decision ? `${v.decision.desired} (${bounds})` : `not decided yet (${bounds})`;
}

/** The schedule's floor: none, or what holds it (the controller's reason, without the service). */
export function scheduleFloorText(v: Pick<ScalingServiceView, 'schedule' | 'service'>): string {
  if (!v.schedule.floor) return 'none now';
  return withoutService(v.schedule.reason, v.service);
}

/** "2 min", "90 s", "1 h 05 min": a policy's span, without the "00 s" of a whole minute. */
export const spanText = (seconds: number) => (seconds >= 60 && seconds < 3600 && seconds % 60 === 0 ? `${seconds / 60} min` : durationText(seconds));

/**
 * The forecast: req/s now and the highest ahead, or why there is none (too little history,
 * predictive scaling off for the service).
 */
export function forecastText(v: Pick<ScalingServiceView, 'forecast' | 'service'>, predictive: Pick<ScalingState['predictive'], 'enabled' | 'services' | 'lookaheadSeconds'>): string {
  const f = v.forecast;
  if (!f) return predictive.enabled && predictive.services.includes(v.service) ? 'no forecast yet' : 'off for this service (predictive scaling is not configured for it)';
  const reason = withoutService(f.reason, v.service);
  if (f.rpsNow === null && f.rpsAhead === null) return reason || 'no forecast yet';
  const parts = [
    f.rpsNow === null ? 'no forecast for now' : `${num(f.rpsNow)} req/s now`,
    f.rpsAhead === null ? `none ahead (${reason})` : `up to ${num(f.rpsAhead)} req/s within the next ${spanText(predictive.lookaheadSeconds)}`,
  ];
  return parts.join(', ');
}

/** The local calendar day of an instant (YYYY-MM-DD), in `timeZone` or the browser's zone. */
function dayOf(ms: number, timeZone?: string): string {
  return new Date(ms).toLocaleDateString('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) });
}

/** "14:05", "14:05 tomorrow", "14:05 on 30 Nov": a schedule time, local. */
export function whenText(iso: string, nowMs: number, timeZone?: string): string {
  const t = msOf(iso);
  if (Number.isNaN(t)) return iso;
  const clock = clockText(iso, timeZone).slice(0, 5);
  const day = dayOf(t, timeZone);
  if (day === dayOf(nowMs, timeZone)) return clock;
  if (day === dayOf(nowMs + 86_400_000, timeZone)) return `${clock} tomorrow`;
  if (day === dayOf(nowMs - 86_400_000, timeZone)) return `${clock} yesterday`;
  return `${clock} on ${new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', ...(timeZone ? { timeZone } : {}) })}`;
}

/** A window in one line: "at least 4 checkout replicas from 11:58 (for 12:00) until 12:30". */
export function windowText(w: ScheduleWindow, nowMs: number, timeZone?: string): string {
  return `at least ${w.minReplicas} ${w.service} replicas from ${whenText(w.replicasFrom, nowMs, timeZone)} (for ${whenText(w.at, nowMs, timeZone)}) until ${whenText(w.until, nowMs, timeZone)}`;
}

/** A window's key: a daily entry can show twice (today's, still on, and tomorrow's). */
export const windowKey = (w: ScheduleWindow) => `${w.entry}\u0000${w.at}`;

/** "12:36:13 (2 min 05 s ago)", or "never". */
export function agoText(iso: string | null | undefined, nowMs: number): string {
  const t = msOf(iso ?? undefined);
  if (Number.isNaN(t)) return 'never';
  return `${clockText(iso ?? undefined)} (${durationText((nowMs - t) / 1000)} ago)`;
}

const KINDS: Record<string, { word: string; tone: Tone }> = {
  'scale-out': { word: 'scale-out', tone: 'ok' },
  'scale-in': { word: 'scale-in', tone: 'idle' },
  restart: { word: 'restart', tone: 'warn' },
  'restart-loop': { word: 'restart loop', tone: 'bad' },
  mode: { word: 'mode change', tone: 'idle' },
  error: { word: 'error', tone: 'bad' },
};

/** An event's kind in words, and its tone (errors and restart loops stand out). */
export const eventKind = (kind: string) => KINDS[kind] ?? { word: kind, tone: 'idle' as Tone };

/** Unique keys for events (two of them could share a millisecond, kind and target). */
export function eventKeys(events: readonly ScalingEvent[]): string[] {
  const seen = new Map<string, number>();
  return events.map((e) => {
    const k = `${e.at}\u0000${e.kind}\u0000${e.target}\u0000${e.reason}`;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return n ? `${k}\u0000${n}` : k;
  });
}

// ---- the one-off surge form

/** The form's fields, by the POST body's keys (a 400's details name the same keys). */
export const SURGE_FIELDS = ['service', 'at', 'lead-seconds', 'duration-seconds', 'min-replicas'] as const;
export type SurgeField = (typeof SURGE_FIELDS)[number];

/** The longest "minutes from now" the form takes: a week (longer plans belong in the policy file). */
export const MAX_MINUTES = 7 * 24 * 60;

/**
 * "Minutes from now" as the entry's `at`: an ISO timestamp in UTC, whole seconds
 * ("2026-11-28T12:45:00Z"). A problem, for the minutes field, when it does not read as a number
 * from 0 to a week.
 */
export function atFromMinutes(raw: string, nowMs: number): { ok: true; at: string } | { ok: false; problem: string } {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'is required: how many minutes from now the surge starts' };
  const minutes = Number(text);
  if (!Number.isFinite(minutes)) return { ok: false, problem: 'must be a number of minutes' };
  if (minutes < 0) return { ok: false, problem: 'must be 0 or more (the surge cannot start in the past)' };
  if (minutes > MAX_MINUTES) return { ok: false, problem: `must be at most ${MAX_MINUTES} (a week)` };
  const ms = Math.round((nowMs + minutes * 60_000) / 1000) * 1000;
  return { ok: true, at: new Date(ms).toISOString().replace(/\.000Z$/, 'Z') };
}

/** A number field: empty is left out; a number is sent as one; anything else as typed, for the 400 to name. */
export function readNumber(raw: string): number | string | undefined {
  const t = raw.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export interface SurgeValues {
  service: string;
  minutes: string;
  lead: string;
  duration: string;
  minReplicas: string;
}

/**
 * The POST's body from the form, or the problems found before sending (only the minutes: the
 * server checks the rest and names the fields in its 400). Lead seconds left empty take the
 * server's default (120).
 */
export function surgeRequest(v: SurgeValues, nowMs: number): { ok: true; body: ScheduleRequest } | { ok: false; problems: Map<SurgeField, string[]> } {
  const at = atFromMinutes(v.minutes, nowMs);
  if (!at.ok) return { ok: false, problems: new Map([['at', [at.problem]]]) };
  const lead = readNumber(v.lead);
  return {
    ok: true,
    body: {
      service: v.service,
      at: at.at,
      ...(lead !== undefined ? { 'lead-seconds': lead } : {}),
      // Required: an empty field goes as "" so the server says so next to it.
      'duration-seconds': readNumber(v.duration) ?? '',
      'min-replicas': readNumber(v.minReplicas) ?? '',
    },
  };
}

/** What the success message says of an entry just added (the API answers it in camelCase). */
export function addedText(e: ScheduleEntryAdded, timeZone?: string): string {
  const at = msOf(e.at);
  if (Number.isNaN(at)) return `Added “${e.name}”: at least ${e.minReplicas} ${e.service} replicas.`;
  const clock = (ms: number) => clockText(new Date(ms).toISOString(), timeZone);
  return `Added “${e.name}”: at least ${e.minReplicas} ${e.service} replicas from ${clock(at - e.leadSeconds * 1000)} (${e.leadSeconds} s ahead) until ${clock(at + e.durationSeconds * 1000)}.`;
}

/**
 * A 400's details routed to the form's fields (by the body's keys: `min-replicas`, `at`…); the
 * rest (the entry's name already in use, an unknown field) as general sentences.
 */
export function surgeProblems(details: unknown): { byField: Map<string, string[]>; general: string[] } {
  return fieldProblems(details, { top: SURGE_FIELDS });
}
