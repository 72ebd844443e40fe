// Scheduled scaling: a known event (a flash sale at noon) gets its replicas before it starts,
// without waiting for the load to show up. Each entry holds a floor of replicas over the window
// [at - lead, at + duration). Times are UTC: the lab runs on laptops in any zone, and a daily
// entry must not move when the clocks change.
import type { AppService, ScheduleEntry } from './types.ts';

// What `at` means is part of the API's contract (the console's page checks it the same way).
export { parseScheduleTime, type ScheduleTime } from '@surge-lab/contracts/autoscaler';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One occurrence of an entry. `start` = at - lead (replicas up by then), `end` = at + duration. */
export interface ScheduleWindow {
  entry: string;
  service: AppService;
  minReplicas: number;
  startMs: number;
  atMs: number;
  endMs: number;
  active: boolean;
}

export interface ScheduleFloor {
  /** 0 when no window is active: no floor. */
  floor: number;
  entry?: string;
  window?: ScheduleWindow;
  reason: string;
}

/**
 * The occurrences of an entry from two days before `nowMs` to two days after `nowMs + horizonMs`
 * (enough: a daily entry's lead plus duration is at most a day).
 */
function occurrences(e: ScheduleEntry, nowMs: number, horizonMs = 0): ScheduleWindow[] {
  const make = (atMs: number): ScheduleWindow => {
    const startMs = atMs - e.leadSeconds * 1000;
    const endMs = atMs + e.durationSeconds * 1000;
    return { entry: e.name, service: e.service, minReplicas: e.minReplicas, startMs, atMs, endMs, active: startMs <= nowMs && nowMs < endMs };
  };
  if (e.when.kind === 'once') return [make(e.when.atMs)];
  const today = Math.floor(nowMs / DAY) * DAY;
  const minute = e.when.minuteOfDay;
  const days = Math.ceil(horizonMs / DAY) + 2;
  return Array.from({ length: days + 3 }, (_, i) => make(today + (i - 2) * DAY + minute * MINUTE));
}

/** The floor the schedule puts under `service` at `nowMs`: the highest min-replicas of its active windows. */
export function scheduleFloor(entries: readonly ScheduleEntry[], service: AppService, nowMs: number): ScheduleFloor {
  const active = entries
    .filter((e) => e.service === service)
    .flatMap((e) => occurrences(e, nowMs))
    .filter((w) => w.active);
  if (active.length === 0) return { floor: 0, reason: `${service}: no scheduled window now` };
  const top = active.reduce((a, b) => (b.minReplicas > a.minReplicas ? b : a));
  const phase = nowMs < top.atMs ? `${Math.ceil((top.atMs - nowMs) / 1000)} s before it starts at ${clock(top.atMs)}` : `until ${clock(top.endMs)}`;
  return { floor: top.minReplicas, entry: top.entry, window: top, reason: `${service}: schedule "${top.entry}" holds ≥ ${top.minReplicas} replicas (${phase} UTC)` };
}

/** Windows active now or starting within `horizonMs` (default a day), soonest first: for the status display. */
export function nextScheduled(entries: readonly ScheduleEntry[], nowMs: number, horizonMs = DAY): ScheduleWindow[] {
  return entries
    .flatMap((e) => occurrences(e, nowMs, horizonMs))
    .filter((w) => w.endMs > nowMs && w.startMs <= nowMs + horizonMs)
    .sort((a, b) => a.startMs - b.startMs || a.entry.localeCompare(b.entry));
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}
