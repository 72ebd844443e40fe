// The console API's answers (services/console/README.md). Types only: nothing here ships.
export type ServiceGroup = 'shop' | 'data' | 'platform' | 'observability';
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerInfo {
  name: string;
  number: number;
  /** Docker's state: running, exited, paused, restarting, created, dead… */
  state: string;
  health: Health | string;
  /** Patroni role of pg-1 / pg-2: leader, sync_standby, replica. */
  role?: string;
  startedAt: string;
}

export interface ServiceInfo {
  name: string;
  group: ServiceGroup | string;
  replicas: { running: number; healthy: number; desired?: number };
  containers: ContainerInfo[];
}

export interface Toxic { name: string; type: string; attributes: Record<string, unknown> }
export interface LinkInfo { name: string; enabled: boolean; toxics: Toxic[] }
export interface Topology { at: string; services: ServiceInfo[]; links: LinkInfo[] }

/** A JSON schema, as far as the fault form reads it. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

export interface CatalogFault { name: string; summary: string; target: 'service' | 'link' | null; args: JsonSchema }
export interface FaultInPlace { id: string; name: string; kind: string; target: string; startedAt: string; endsAt?: string }
export interface InjectRequest { fault: string; args: Record<string, unknown>; durationSeconds?: number }
/** `problems` is not in the README's contract; the backend may add what it could not put back. */
export interface ResetResult { reverted: string[]; broughtBack: string[]; problems?: string[] }

export interface Scenario { name: string; description: string }
export interface LoadCurrent { id: string; scenario: string; startedAt: string; durationSeconds: number; log: string[] }
export interface LoadLast extends LoadCurrent { endedAt: string; exitCode: number | null; summary: unknown }
export interface LoadState { current: LoadCurrent | null; last: LoadLast | null }
export interface LoadRequest { scenario: string; durationSeconds: number; connections?: number }

export interface Experiment { file: string; title: string; description: string; runnable: boolean; why?: string }
export type RunState = 'running' | 'passed' | 'failed' | 'aborted' | 'error';
export interface RunSummary { id: string; experiment: string; state: RunState; startedAt: string; endedAt?: string }
export interface Run extends RunSummary { log: string[]; reportUrl?: string }

export type ChartUnit = 'req/s' | 'ratio' | 's' | 'state';
export interface ChartSeries { label: string; points: [number, number | string | null][] }
export interface Chart { id: string; title: string; unit: ChartUnit | string; series: ChartSeries[]; dashboard: string }
export interface Charts { at: string | number; charts: Chart[] }

export interface Meta { project: string; grafanaUrl: string; prometheusUrl: string; dashboards: { uid: string; title: string; url: string }[] }

// The autoscaler's contract (type-only imports: erased from the bundle, checked by tsc), so the
// page and the autoscaler cannot drift apart; the console forwards these routes unchanged.
import type { AppService, ControllerEvent, Hold, ScaleAction, ScalingDecision as ContractDecision, ScalingMetric, ServicePolicy } from '@surge-lab/contracts/autoscaler';

export type { ScaleAction, ScalingMetric };
export type ScalingService = AppService;
export type ScaleHold = Hold;
export type ScalingServicePolicy = Omit<ServicePolicy, 'service'>;
export type ScalingDecision = ContractDecision;

export interface ScalingServiceView {
  service: ScalingService | string;
  policy: ScalingServicePolicy;
  /** Replicas that exist (what the controller set), running and healthy. */
  configured: number;
  running: number;
  healthy: number;
  /** `value` is the service's total (an average for the event-loop lag); null without data. */
  metric: { name: ScalingMetric | string; value: number | null; perReplica: number | null; target: number };
  /** null when predictive scaling is off for the service. */
  forecast: { rpsAhead: number | null; rpsNow: number | null; reason: string } | null;
  schedule: { floor: number; reason: string };
  decision: ScalingDecision | null;
  lastScaleOutAt: string | null;
  lastScaleInAt: string | null;
}

/** One occurrence of a schedule entry, active now or starting within a day. */
export interface ScheduleWindow {
  entry: string;
  service: ScalingService | string;
  minReplicas: number;
  active: boolean;
  /** at - lead: the replicas are up by then. */
  replicasFrom: string;
  at: string;
  until: string;
}

export type ScalingEventKind = ControllerEvent['kind'];
export type ScalingEvent = ControllerEvent;

export interface ScalingState {
  /** false: observing (decisions computed and shown, nothing changed). */
  autoscaling: boolean;
  recovery: boolean;
  intervalSeconds: number;
  lastTickAt: string | null;
  lastError: string | null;
  services: ScalingServiceView[];
  schedule: ScheduleWindow[];
  predictive: { enabled: boolean; services: string[]; periodSeconds: number; lookaheadSeconds: number; historyPeriods: number };
  recoveryPolicy: { enabled: boolean; unhealthyThreshold: number; maxRestarts: number; windowSeconds: number; restartGraceSeconds: number };
  /** Newest first. */
  events: ScalingEvent[];
}

export interface ScalingModes { autoscaling: boolean; recovery: boolean }

/** POST scaling/schedule: the policy file's keys. Numbers typed wrong are sent as typed, for the 400 to name. */
export interface ScheduleRequest {
  name?: string;
  service: string;
  /** "HH:MM" (daily, UTC) or an ISO timestamp with its zone. */
  at: string;
  'lead-seconds'?: number | string;
  'duration-seconds': number | string;
  'min-replicas': number | string;
}

/** The entry as added (camelCase, as the controller holds it). */
export interface ScheduleEntryAdded { name: string; service: string; at: string; leadSeconds: number; durationSeconds: number; minReplicas: number }
