// The autoscaler's API contract (services/autoscaler, README there): what GET state answers, what
// PUT modes and POST schedule take, and what a schedule entry's `at` means. Shared by the
// autoscaler, the console (which forwards its /lab/api/scaling routes) and the console's page,
// so the three cannot drift apart.

/**
 * A service the autoscaler may scale. On the wire it is a name; which names are scalable is a
 * fact of the lab's topology manifest (SCALABLE_SERVICES in @surge-lab/lab), checked by the autoscaler.
 */
export type AppService = string;

/**
 * What a service is scaled on, each a per-replica average:
 * rps-per-replica (req/s), event-loop-lag-ms (ms), inflight-per-replica (requests in progress).
 */
export const METRICS = ['rps-per-replica', 'event-loop-lag-ms', 'inflight-per-replica'] as const;
export type ScalingMetric = (typeof METRICS)[number];

/** The lab's ceiling on replicas of one service: it runs on a laptop. */
export const MAX_REPLICAS = 10;

/** A service's policy; the autoscaler narrows `S` to the manifest's scalable services. */
export interface ServicePolicy<S extends string = AppService> {
  service: S;
  min: number;
  max: number;
  metric: ScalingMetric;
  /** The metric's value per replica to keep. */
  target: number;
  /** No change while |current/target - 1| <= tolerance. */
  tolerance: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
  /** Scale in only to the highest recommendation of this window. */
  scaleInStabilizationSeconds: number;
  /** At most this many replicas added or removed by target tracking in one decision. */
  maxStep: number;
}

export interface PredictivePolicy {
  enabled: boolean;
  services: AppService[];
  periodSeconds: number;
  lookaheadSeconds: number;
  historyPeriods: number;
}

export interface RecoveryPolicy {
  enabled: boolean;
  /** Consecutive failed healthchecks (Docker's FailingStreak) before a restart. */
  unhealthyThreshold: number;
  /** Restarts of one container within windowSeconds that make a restart loop. */
  maxRestarts: number;
  windowSeconds: number;
  /** No second restart of a container this soon after the last: it needs time to become healthy. */
  restartGraceSeconds: number;
}

export type ScaleAction = 'out' | 'in' | 'none';
export type Hold = 'scale-out-cooldown' | 'scale-in-cooldown' | 'stabilization' | 'warming-up';

/** One decision for one service, as the state shows it. */
export interface ScalingDecision {
  desired: number;
  action: ScaleAction;
  /** Why a wanted change is not made (yet). */
  held: Hold | null;
  /** The inputs, for the status display. */
  inputs: { tracking: number; stabilized: number; schedule: number; forecast: number; wanted: number };
  reason: string;
}

export interface ServiceView {
  service: AppService;
  policy: ServicePolicy;
  /** Replicas that exist (what the controller set), running and healthy. */
  configured: number;
  running: number;
  healthy: number;
  /** `value` is the service's total (an average for the event-loop lag); null without data. */
  metric: { name: ScalingMetric; value: number | null; perReplica: number | null; target: number };
  /** null when predictive scaling is off for the service. */
  forecast: { rpsAhead: number | null; rpsNow: number | null; reason: string } | null;
  schedule: { floor: number; reason: string };
  decision: ScalingDecision | null;
  lastScaleOutAt: string | null;
  lastScaleInAt: string | null;
}

/** One occurrence of a schedule entry, active now or starting within a day. */
export interface ScheduleWindowView {
  entry: string;
  service: AppService;
  minReplicas: number;
  active: boolean;
  /** at - lead: the replicas are up by then. */
  replicasFrom: string;
  at: string;
  until: string;
}

export interface ControllerEvent {
  at: string;
  kind: 'scale-out' | 'scale-in' | 'restart' | 'restart-loop' | 'mode' | 'error';
  target: string;
  reason: string;
}

/** GET state. */
export interface ControllerState {
  /** false: observing (decisions computed and shown, nothing changed). */
  autoscaling: boolean;
  recovery: boolean;
  /** false: the schedule's floors are computed and shown, not applied. */
  scheduleFloors: boolean;
  /** false: the forecast's floors are computed and shown, not applied. */
  forecastFloors: boolean;
  intervalSeconds: number;
  lastTickAt: string | null;
  lastError: string | null;
  services: ServiceView[];
  schedule: ScheduleWindowView[];
  predictive: PredictivePolicy;
  recoveryPolicy: RecoveryPolicy;
  /** Newest first. */
  events: ControllerEvent[];
}

/**
 * PUT modes takes any of them; it answers all. `scheduleFloors` and `forecastFloors` are the two ways of
 * scaling ahead of the load (known events, last periods' load): each off, its floors are shown
 * but not applied, so an experiment about the other inputs gets the same result at any hour.
 */
export interface ScalingModes {
  autoscaling: boolean;
  recovery: boolean;
  scheduleFloors: boolean;
  forecastFloors: boolean;
}

/** POST schedule: the policy file's keys. */
export interface ScheduleRequest {
  name?: string;
  service: string;
  /** "HH:MM" (daily, UTC) or an ISO timestamp with its zone. */
  at: string;
  'lead-seconds'?: number;
  'duration-seconds': number;
  'min-replicas': number;
}

/** POST schedule's answer (201): the entry as added. */
export interface ScheduleEntryAdded {
  name: string;
  service: AppService;
  at: string;
  leadSeconds: number;
  durationSeconds: number;
  minReplicas: number;
}

// ---- a schedule entry's `at` ----

/** When an entry happens: every day at a minute of the UTC day, or once at an instant. */
export type ScheduleTime = { kind: 'daily'; minuteOfDay: number } | { kind: 'once'; atMs: number };

const DAILY = /^([01]\d|2[0-3]):([0-5]\d)$/;
// A zone is required: a timestamp without one means "local time", which differs per machine.
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Parses `HH:MM` (daily, UTC) or a full ISO timestamp with its zone; undefined when it is neither. */
export function parseScheduleTime(at: string): ScheduleTime | undefined {
  const daily = DAILY.exec(at);
  if (daily) return { kind: 'daily', minuteOfDay: Number(daily[1]) * 60 + Number(daily[2]) };
  const iso = ISO.exec(at);
  if (!iso) return undefined;
  const [y, mo, d, h, mi, s] = iso.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  // Date.parse accepts 2025-02-30 (as 2 March): check the calendar date ourselves.
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const atMs = Date.parse(at);
  return Number.isFinite(atMs) ? { kind: 'once', atMs } : undefined;
}
