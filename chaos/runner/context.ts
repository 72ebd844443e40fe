// What one run of an experiment shares across its phases (run.ts, hypothesis.ts, method.ts,
// rollback.ts, ledger.ts): the experiment, the lab's dependencies, the journal being written,
// the faults in place, the loads and monitors, the failures so far, and the abort signal.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Annotator, sleep } from '@surge-lab/lab';
import type { Baseline } from '../audit/baseline.ts';
import type { FaultName } from '../faults/registry.ts';
import type { ActiveFault, FaultContext } from '../faults/types.ts';
import type { LoadOptions, LoadResult } from '../load/run.ts';
import type { LedgerEntry } from '../load/scenarios.ts';
import type { AutoscalerChange, ExperimentDef, MonitorStepDef } from './experiment.ts';
import type { AuditReport, FaultWindow, Journal, LoadRecord } from './journal.ts';
import type { RunningMonitor } from './monitors.ts';
import type { HttpRequest } from './probes.ts';
import type { HttpValue } from './tolerance.ts';

export interface RunnerDeps {
  /** Injects a fault in the lab (the deps know which lab: the runner gives only its log). */
  inject(ctx: Pick<FaultContext, 'log'>, fault: FaultName, args: Record<string, unknown>): Promise<ActiveFault>;
  /** Changes the autoscaler (modes or a scheduled surge); the revert undoes the change. */
  autoscaler(ctx: Pick<FaultContext, 'log'>, change: AutoscalerChange): Promise<ActiveFault>;
  runLoad(o: LoadOptions): Promise<LoadResult>;
  startMonitor(def: MonitorStepDef, ledger: (e: LedgerEntry) => void): RunningMonitor;
  http(r: HttpRequest): Promise<HttpValue & { ms: number; error?: string }>;
  promql(expr: string): Promise<number | null>;
  firingAlerts(): Promise<string[]>;
  takeBaseline(): Promise<Baseline>;
  recordOverride(b: Baseline, productId: string, units: number): Promise<void>;
  setStock(productId: string, units: number): Promise<void>;
  audit(ledger: LedgerEntry[], b: Baseline, o: { settleSeconds: number; log: (l: string) => void; restoredUpTo?: string; regionLoss?: { from: string; to: string } }): Promise<AuditReport>;
  rollback(action: 'reset-links' | 'start-all' | 'wait-db-healthy', log: (l: string) => void): Promise<void>;
  annotator: Annotator;
  target: string;
  adminToken?: string;
}

export interface RunOptions {
  file: string;
  reportDir: string;
  deps: RunnerDeps;
  log?: (line: string) => void;
  /** Aborts the run (Ctrl-C): faults are rolled back and the verdict is "aborted". */
  signal?: AbortSignal;
  stopConditionPollMs?: number;
  /** How long to wait for stop conditions that hold at the start to clear (default 240 s). */
  clearWaitSeconds?: number;
}

/** A fault in place: what reverts it, its window in the journal, and its Grafana annotation. */
export interface ActiveEntry {
  fault: ActiveFault;
  window: FaultWindow;
  closeAnnotation: (end: Date) => Promise<void>;
}

export interface RunContext {
  readonly exp: ExperimentDef;
  readonly options: RunOptions;
  readonly deps: RunnerDeps;
  readonly startedAt: Date;
  /** The run's files without their ending: `.json` (journal), `.ledger.jsonl` (ledger). */
  readonly base: string;
  readonly ledgerFile: string;
  /** The experiment's title as a tag (annotations). */
  readonly tag: string;
  readonly journal: Journal;
  /** Finished loads, in the order they ended. */
  readonly loads: LoadRecord[];
  /** Every acknowledged order of the run (also appended to `ledgerFile`). */
  readonly ledger: LedgerEntry[];
  /** Why the hypothesis did not hold, so far. */
  readonly failures: string[];
  /** Faults in place, oldest first. */
  readonly active: ActiveEntry[];
  /** Loads and background actions the method waits for. */
  readonly background: Promise<unknown>[];
  readonly monitors: RunningMonitor[];
  /** When each action of the method injected and reverted its fault (ms). */
  readonly actionWindows: Map<string, { start: number; end?: number; revertStart?: number }>;
  /** The stock before the method, when the experiment audits. */
  baseline?: Baseline;
  /** Aborted by Ctrl-C, a stop condition or an error; and with "done" once the method is over. */
  readonly abort: AbortController;
  /** The faults' log: their lines become events. */
  readonly faultCtx: Pick<FaultContext, 'log'>;
  log(line: string): void;
  /** Seconds since the start, as the log shows them. */
  elapsed(): string;
  /** An event in the journal, and a line in the log. */
  event(kind: string, message: string, data?: unknown): void;
  addToLedger(e: LedgerEntry): void;
  /** Stops the method and rolls back (once; later calls do nothing). */
  abortRun(reason: string): void;
  /** Stops listening to the caller's signal. */
  detach(): void;
}

/** Resolves after `ms`, or at once when the signal aborts (the lab package's). */
export { sleep };

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

/** A new run: its ledger file created, its journal started, the caller's abort signal heard. */
export function createContext(exp: ExperimentDef, o: RunOptions): RunContext {
  const startedAt = new Date();
  const log = o.log ?? ((l: string) => console.log(l));
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(o.reportDir, { recursive: true });
  const base = join(o.reportDir, `${slug(exp.title)}-${stamp}`);
  const ledgerFile = `${base}.ledger.jsonl`;
  writeFileSync(ledgerFile, '');
  const ledger: LedgerEntry[] = [];

  const journal: Journal = {
    experiment: { title: exp.title, ...(exp.description ? { description: exp.description } : {}), file: o.file },
    startedAt: startedAt.toISOString(),
    endedAt: '',
    status: 'pass',
    verdict: '',
    events: [],
    probes: [],
    faults: [],
    monitors: [],
    measurements: {},
  };
  const elapsed = () => ((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6);
  const event = (kind: string, message: string, data?: unknown) => {
    journal.events.push({ at: new Date().toISOString(), kind, message, ...(data === undefined ? {} : { data }) });
    log(`[${elapsed()}s] ${kind.padEnd(8)} ${message}`);
  };

  // Abort: Ctrl-C from outside, or a stop condition from inside.
  const abort = new AbortController();
  const abortRun = (reason: string) => {
    if (abort.signal.aborted) return;
    journal.abort = { reason, at: new Date().toISOString() };
    event('abort', `${reason}: stopping the method and rolling back`);
    abort.abort(reason);
  };
  const onExternalAbort = () => abortRun(String(o.signal?.reason ?? 'interrupted'));
  o.signal?.addEventListener('abort', onExternalAbort, { once: true });
  if (o.signal?.aborted) onExternalAbort();

  return {
    exp,
    options: o,
    deps: o.deps,
    startedAt,
    base,
    ledgerFile,
    tag: slug(exp.title),
    journal,
    loads: [],
    ledger,
    failures: [],
    active: [],
    background: [],
    monitors: [],
    actionWindows: new Map(),
    abort,
    faultCtx: { log: (l) => event('fault', l.replace(/^\[fault\] /, '')) },
    log,
    elapsed,
    event,
    abortRun,
    addToLedger: (e) => {
      ledger.push(e);
      appendFileSync(ledgerFile, `${JSON.stringify(e)}\n`);
    },
    detach: () => o.signal?.removeEventListener('abort', onExternalAbort),
  };
}
