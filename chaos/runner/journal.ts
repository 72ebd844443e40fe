// The journal of an experiment run: everything that happened, in order, with timestamps.
// Written as JSON next to the HTML report; the report and the lab console read it.

export type Status = 'pass' | 'fail' | 'aborted' | 'error';
export type Phase = 'before' | 'during' | 'after';

export interface ProbeResult {
  name: string;
  type: string;
  phase: Phase;
  /** The measured value (number, status code, ...), as shown to the user. */
  value: unknown;
  /** The tolerance in words, e.g. "status in [200]" or "< 0.01". */
  tolerance: string;
  ok: boolean;
  detail?: string;
  at: string;
}

/** One fault, from injection to removal. `end` is absent only if removal failed. */
export interface FaultWindow {
  name: string;
  kind: string;
  target: string;
  start: string;
  end?: string;
}

export interface JournalEvent {
  at: string;
  /** run | probe | action | fault | rollback | load | monitor | audit | abort | note */
  kind: string;
  message: string;
  data?: unknown;
}

/** One second of client-side load figures, t seconds after the load started. */
export interface LoadTick {
  t: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  byStatus: Record<string, number>;
}

export interface LoadRecord {
  /** The load step's name in the experiment. */
  name: string;
  scenario: string;
  startedAt: string;
  summary: {
    requests: number;
    ok: number;
    rejected: number;
    throughput: number;
    latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
    /** Raw response times, and how latencyMs was measured (absent in journals written before both were). */
    serviceTimeMs?: { p50: number; p90: number; p99: number; p999: number; max: number };
    latencyMethod?: string;
    byStatus: Record<string, number>;
    errors: Record<string, number>;
  };
  timeline: LoadTick[];
  ledgerFile?: string;
  acknowledgedOrders: number;
}

export interface MonitorRecord {
  name: string;
  /** What the monitor does, e.g. "checkout through the edge every 200 ms". */
  description: string;
  attempts: number;
  failures: number;
  /** Longest time between two successes that had failures in between, in seconds. */
  longestOutageSeconds: number;
  /** Outage windows (failures between two successes). */
  /** `failed`: what its failed attempts got, most frequent first. */
  outages: { start: string; end: string; seconds: number; failed?: string }[];
}

export interface AuditCheck {
  name: string;
  checked: number;
  failed: number;
  ok: boolean;
  examples: string[];
  note?: string;
}
export interface AuditReport {
  ok: boolean;
  at: string;
  ledgerOrders: number;
  checks: AuditCheck[];
  /** After a restore from backup: acknowledged orders lost because their WAL was not archived yet. */
  lostAfterCutoff?: number;
  /** After a region was lost: the acknowledged orders that went with it (each inside the loss window), by id. */
  lostWithRegion?: { orderId: string; acknowledgedAt: string }[];
  /** The loss window the audit accepted losses in: the replication lag allowed before the loss, and until the old region stopped acknowledging. */
  lossWindow?: { from: string; to: string };
}

export interface Journal {
  experiment: { title: string; description?: string; file: string };
  startedAt: string;
  endedAt: string;
  status: Status;
  /** One or two sentences: why the run passed, failed or was aborted. */
  verdict: string;
  events: JournalEvent[];
  probes: ProbeResult[];
  faults: FaultWindow[];
  /** The first load of the method (its timeline feeds the report's charts). */
  load?: LoadRecord;
  /** Further loads running beside it, if any. */
  extraLoads?: LoadRecord[];
  monitors: MonitorRecord[];
  audit?: AuditReport;
  abort?: { reason: string; at: string };
  /** Figures the experiment reports (RTO, RPO, outage seconds, ...). */
  measurements: Record<string, number | string>;
}
