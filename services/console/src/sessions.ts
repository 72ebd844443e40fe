// One load and one game day at a time, started from the console. Each is the CLI a user would
// run; the console keeps its output, its outcome and (for a game day) its report.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '@surge-lab/chaos/load';
import { loadExperiment } from '@surge-lab/chaos/runner';
import { AppError } from '@surge-lab/kit';
import type { Lab } from '@surge-lab/lab';
import { z } from 'zod';
import { Job, type JobView } from './jobs.ts';

export const loadRequest = z.strictObject({
  scenario: z.enum(Object.keys(SCENARIOS) as [string, ...string[]]),
  durationSeconds: z.number().int().min(5).max(3_600),
  connections: z.number().int().min(1).max(256).default(16),
});

export const scenarios = () => Object.values(SCENARIOS).map((s) => ({ name: s.name, description: s.summary }));

interface LoadJob {
  job: Job;
  scenario: string;
  durationSeconds: number;
}

export class Loads {
  private current?: LoadJob;
  private last?: LoadJob;
  private readonly lab: Lab;
  constructor(lab: Lab) {
    this.lab = lab;
  }

  start(body: unknown): { id: string; scenario: string; startedAt: string } {
    const req = loadRequest.parse(body);
    if (this.current?.job.running) throw new AppError({ code: 'LOAD_RUNNING', message: `a ${this.current.scenario} load is running; stop it first` });
    const job = new Job({ cwd: this.lab.root, project: this.lab.project }, 'chaos/cli/load.ts', [req.scenario, '--duration', String(req.durationSeconds), '--connections', String(req.connections)]);
    const entry = { job, scenario: req.scenario, durationSeconds: req.durationSeconds };
    this.current = entry;
    void job.done.then(() => {
      this.last = entry;
      if (this.current === entry) this.current = undefined;
    });
    return { id: job.id, scenario: req.scenario, startedAt: job.startedAt.toISOString() };
  }

  stop(): boolean {
    if (!this.current?.job.running) return false;
    this.current.job.interrupt();
    return true;
  }

  state() {
    const view = (l: LoadJob | undefined) => (l ? { ...l.job.view(), scenario: l.scenario, durationSeconds: l.durationSeconds } : null);
    const last = view(this.last);
    // The CLI ends with its summary, after a blank line.
    const summary = last ? last.log.slice(last.log.lastIndexOf('') + 1).join('\n') : undefined;
    return { current: view(this.current), last: last ? { ...last, summary } : null };
  }

  async stopAndWait(): Promise<void> {
    const c = this.current;
    if (!c) return;
    c.job.interrupt();
    await c.job.done;
  }
}

export interface ExperimentInfo {
  file: string;
  title: string;
  description: string;
  runnable: boolean;
  why?: string;
}

/** The experiments in chaos/experiments; those that need the host's `docker compose` are listed, not runnable. */
export function experiments(root: string): ExperimentInfo[] {
  const dir = join(root, 'chaos', 'experiments');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const exp = loadExperiment(join(dir, f));
      const needsHost = /\bdb-disaster\b/.test(readFileSync(join(dir, f), 'utf8'));
      return {
        file: f.replace(/\.yaml$/, ''),
        title: exp.title,
        description: exp.description ?? '',
        runnable: !needsHost,
        ...(needsHost ? { why: 'restores the database cluster with docker compose on the host: run it with npm run gameday' } : {}),
      };
    });
}

const STATE_BY_EXIT: Record<number, string> = { 0: 'passed', 1: 'failed', 2: 'aborted' };

interface Run {
  job: Job;
  experiment: string;
}

export class Runs {
  private readonly runs: Run[] = [];
  private readonly lab: Lab;
  constructor(lab: Lab) {
    this.lab = lab;
  }

  start(body: unknown): { id: string } {
    const { experiment } = z.strictObject({ experiment: z.string().regex(/^[a-z0-9-]+$/, 'an experiment name, e.g. replica-kill') }).parse(body);
    const info = experiments(this.lab.root).find((e) => e.file === experiment);
    if (!info) throw new AppError({ code: 'EXPERIMENT_NOT_FOUND', message: `no experiment "${experiment}" in chaos/experiments` });
    if (!info.runnable) throw new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `${experiment}: ${info.why}`, details: [{ field: 'experiment', problem: info.why }] });
    const running = this.runs.find((r) => r.job.running);
    if (running) throw new AppError({ code: 'RUN_IN_PROGRESS', message: `${running.experiment} is running; wait for its verdict or abort it` });
    const job = new Job({ cwd: this.lab.root, project: this.lab.project }, 'chaos/cli/gameday.ts', [join('chaos', 'experiments', `${experiment}.yaml`)]);
    this.runs.unshift({ job, experiment });
    this.runs.splice(20);
    return { id: job.id };
  }

  private find(id: string): Run {
    const r = this.runs.find((x) => x.job.id === id);
    if (!r) throw new AppError({ code: 'RUN_NOT_FOUND', message: `no game day ${id}` });
    return r;
  }

  view(id: string): JobView & { experiment: string; state: string; reportUrl?: string } {
    const r = this.find(id);
    const v = r.job.view();
    const state = r.job.running ? 'running' : (STATE_BY_EXIT[v.exitCode ?? -1] ?? 'error');
    return { ...v, experiment: r.experiment, state, ...(this.reportFile(r) ? { reportUrl: `/lab/api/runs/${id}/report` } : {}) };
  }

  list() {
    return this.runs.map((r) => {
      const { log: _log, ...rest } = this.view(r.job.id);
      return rest;
    });
  }

  /** The runner prints `report  <file>` as its last words. */
  private reportFile(r: Run): string | undefined {
    const line = [...r.job.lines].reverse().find((l) => l.startsWith('report  '));
    return line?.slice('report  '.length).trim();
  }

  report(id: string): string {
    const r = this.find(id);
    const file = this.reportFile(r);
    if (!file) throw new AppError({ code: 'RUN_NOT_FOUND', message: r.job.running ? 'the game day is still running: its report comes with its verdict' : 'this game day wrote no report' });
    return readFileSync(file, 'utf8');
  }

  abort(id: string): void {
    this.find(id).job.interrupt();
  }

  async abortAll(): Promise<void> {
    await Promise.all(
      this.runs
        .filter((r) => r.job.running)
        .map((r) => {
          r.job.interrupt();
          return r.job.done;
        }),
    );
  }
}
