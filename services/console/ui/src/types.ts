// The console API's answers (services/console/README.md), and what the UI reads off them.
export type ServiceGroup = 'shop' | 'data' | 'platform' | 'observability';
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerInfo {
  name: string;
  number: number;
  /** Docker's state: running, exited, paused, restarting, created, dead… */
  state: string;
  health: Health | string;
  /** Patroni role of a database member (pg-1, pg-2, pg-b1): leader, sync_standby, replica. */
  role?: string;
  startedAt: string;
}

export interface ServiceInfo {
  name: string;
  group: ServiceGroup | string;
  /** a, b, or lab (the lab plane, in neither region). */
  region: string;
  replicas: { running: number; healthy: number; desired?: number };
  containers: ContainerInfo[];
}

export interface Toxic {
  name: string;
  type: string;
  attributes: Record<string, unknown>;
}
export interface LinkInfo {
  name: string;
  enabled: boolean;
  /** A link of the WAN between the regions (its standing latency is not listed in toxics). */
  wan: boolean;
  toxics: Toxic[];
}
export interface Topology {
  at: string;
  services: ServiceInfo[];
  links: LinkInfo[];
}

/** The links worth showing: the WAN's only while region B runs (Toxiproxy always has them). */
export const visibleLinks = (t: Pick<Topology, 'services' | 'links'> | undefined): LinkInfo[] => {
  const twoRegions = (t?.services ?? []).some((s) => s.region === 'b' && s.replicas.running > 0);
  return (t?.links ?? []).filter((l) => twoRegions || !l.wan);
};

// GET /regions, as services/console/README.md documents it (the lab package's regionsReport, and the
// controller's view): mirrored here as every answer is, since a page imports no backend package.
export type RegionName = 'a' | 'b';
export interface RegionMember {
  name: string;
  /** Patroni's role: leader, sync_standby, replica, or absent (not in the cluster now). */
  role: string;
  /** running, streaming, stopped, starting, not running… */
  state: string;
  /** Never a synchronous standby (the replica region's members). */
  nosync: boolean;
  lag?: { bytes: number; seconds: number };
}
export interface RegionInfo {
  region: RegionName;
  role: 'primary' | 'replica' | 'down' | 'absent';
  members: RegionMember[];
  lag: { bytes: number; seconds: number };
}
export interface RegionsView {
  at: string;
  twoRegions: boolean;
  primary?: RegionName;
  leader?: string;
  crossRegionSync: boolean;
  regions: RegionInfo[];
  controller?: Partial<Record<RegionName, { inSight: boolean; outOfSightSeconds: number }>>;
}

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

export interface CatalogFault {
  name: string;
  summary: string;
  target: 'service' | 'link' | null;
  args: JsonSchema;
}
export interface FaultInPlace {
  id: string;
  name: string;
  kind: string;
  target: string;
  startedAt: string;
  endsAt?: string;
}
export interface InjectRequest {
  fault: string;
  args: Record<string, unknown>;
  durationSeconds?: number;
}
/** `problems` is not in the README's contract; the backend may add what it could not put back. */
export interface ResetResult {
  reverted: string[];
  broughtBack: string[];
  problems?: string[];
}

export interface Scenario {
  name: string;
  description: string;
}
export interface LoadCurrent {
  id: string;
  scenario: string;
  startedAt: string;
  durationSeconds: number;
  log: string[];
}
export interface LoadLast extends LoadCurrent {
  endedAt: string;
  exitCode: number | null;
  summary: unknown;
}
export interface LoadState {
  current: LoadCurrent | null;
  last: LoadLast | null;
}
export interface LoadRequest {
  scenario: string;
  durationSeconds: number;
  connections?: number;
}

export interface Experiment {
  file: string;
  title: string;
  description: string;
  runnable: boolean;
  why?: string;
}
export type RunState = 'running' | 'passed' | 'failed' | 'aborted' | 'error';
export interface RunSummary {
  id: string;
  experiment: string;
  state: RunState;
  startedAt: string;
  endedAt?: string;
}
export interface Run extends RunSummary {
  log: string[];
  reportUrl?: string;
}

export type ChartUnit = 'req/s' | 'ratio' | 's' | 'state';
export interface ChartSeries {
  label: string;
  points: [number, number | string | null][];
}
export interface Chart {
  id: string;
  title: string;
  unit: ChartUnit | string;
  series: ChartSeries[];
  dashboard: string;
}
export interface Charts {
  at: string | number;
  charts: Chart[];
}

export interface Meta {
  project: string;
  grafanaUrl: string;
  prometheusUrl: string;
  dashboards: { uid: string; title: string; url: string }[];
}

// The autoscaler's contract (type-only imports: erased from the bundle, checked by tsc), so the
// page and the autoscaler cannot drift apart; the console forwards these routes unchanged.
import type {
  AppService,
  ControllerEvent,
  ControllerState,
  Hold,
  ScaleAction,
  ScalingDecision,
  ScalingMetric,
  ScalingModes,
  ScheduleEntryAdded,
  ScheduleWindowView,
  ServicePolicy,
  ServiceView,
} from '@surge-lab/contracts/autoscaler';

export type { ScaleAction, ScalingDecision, ScalingMetric, ScalingModes, ScheduleEntryAdded };

/** POST scaling/schedule as the page sends it: a number typed wrong goes as typed, for the 400 to name it. */
export interface ScheduleRequest {
  name?: string;
  service: string;
  /** "HH:MM" (daily, UTC) or an ISO timestamp with its zone. */
  at: string;
  'lead-seconds'?: number | string;
  'duration-seconds': number | string;
  'min-replicas': number | string;
}
export type ScalingService = AppService;
export type ScaleHold = Hold;
export type ScalingServicePolicy = ServicePolicy;
export type ScalingServiceView = ServiceView;
export type ScheduleWindow = ScheduleWindowView;
export type ScalingEventKind = ControllerEvent['kind'];
export type ScalingEvent = ControllerEvent;
export type ScalingState = ControllerState;
