// The experiment runner: checks the steady-state hypothesis, runs the method (background load
// and monitors, faults with pauses, probes during faults) while watching the stop conditions,
// rolls every fault back (also on abort and Ctrl-C), checks the hypothesis again, audits the
// ledger, and ends with a verdict. Its dependencies come in through `RunnerDeps` so the logic
// is unit-tested without a lab. One file per phase, as in chaostoolkit-lib: hypothesis.ts,
// method.ts, rollback.ts, ledger.ts, verdict.ts; this one runs them in order and writes the journal.
import { writeFileSync } from 'node:fs';
import { createContext, type RunContext, type RunOptions } from './context.ts';
import type { ExperimentDef } from './experiment.ts';
import { steadyStateAfter, steadyStateBefore } from './hypothesis.ts';
import type { Journal } from './journal.ts';
import { auditLedger, collectLoads } from './ledger.ts';
import { runMethod, waitStopConditionsClear, watchStopConditions } from './method.ts';
import { rollBack } from './rollback.ts';
import { exitCodeOf, judge, notSteadyBefore, runFailed, stopConditionHeld, type Verdict } from './verdict.ts';

export type { RunnerDeps, RunOptions } from './context.ts';
export { sleep } from './context.ts';
export { loadFigure } from './hypothesis.ts';

export interface RunOutcome {
  journal: Journal;
  exitCode: 0 | 1 | 2;
  journalFile: string;
  ledgerFile: string;
}

export async function runExperiment(exp: ExperimentDef, o: RunOptions): Promise<RunOutcome> {
  const rc = createContext(exp, o);
  const { deps: d, journal } = rc;
  /** Set when the run ends early or fails; otherwise the verdict is judged at the end. */
  let ended: Verdict | undefined;
  let stopWatch: Promise<void> | undefined;
  // The whole experiment is one annotation region too; each fault window is another inside it.
  const closeRun = await d.annotator.region(`experiment: ${exp.title}`, [rc.tag, 'experiment'], rc.startedAt);
  try {
    rc.event('run', `${exp.title} (${o.file})`);
    const holding = await waitStopConditionsClear(rc);
    if (holding) return await finish(rc, closeRun, stopConditionHeld(holding));
    // 1. Steady state before: if it does not hold, the experiment proves nothing.
    const before = await steadyStateBefore(rc);
    if (before.some((r) => !r.ok)) return await finish(rc, closeRun, notSteadyBefore(before));
    if (exp.audit !== false) rc.baseline = await d.takeBaseline();

    // 2. The method, watched by the stop conditions.
    stopWatch = watchStopConditions(rc);
    await runMethod(rc);
  } catch (err) {
    ended = runFailed(err as Error);
    rc.event('run', `error: ${(err as Error).stack ?? String(err)}`);
    rc.abort.abort('error');
    await Promise.all(rc.background);
  }

  // 3. Rollback: every fault still in place (newest first), then the experiment's own rollbacks.
  await rollBack(rc);
  for (const m of rc.monitors) journal.monitors.push(await m.stop());
  rc.abort.abort('done'); // ends the stop-condition watch
  await stopWatch;
  collectLoads(rc);

  // 4. Steady state after, with time to recover by itself; then the audit.
  if (!ended) {
    await steadyStateAfter(rc);
    await auditLedger(rc);
  }
  for (const m of journal.monitors) journal.measurements[`${m.name}: longest outage (s)`] = Number(m.longestOutageSeconds.toFixed(1));
  for (const l of rc.loads) {
    journal.measurements[`${l.name}: p99 (ms)`] = l.summary.latencyMs.p99;
    journal.measurements[`${l.name}: errors`] = Object.values(l.summary.errors).reduce((a, b) => a + b, 0);
  }
  return finish(rc, closeRun, ended ?? judge(journal, rc.failures));
}

/** The verdict into the journal and the log; the journal written next to the ledger. */
async function finish(rc: RunContext, closeRun: (end: Date) => Promise<void>, { status, verdict }: Verdict): Promise<RunOutcome> {
  const { journal } = rc;
  rc.detach();
  journal.status = status;
  journal.verdict = verdict;
  journal.endedAt = new Date().toISOString();
  await closeRun(new Date(journal.endedAt));
  rc.event('verdict', `${status.toUpperCase()}: ${verdict}`);
  const journalFile = `${rc.base}.json`;
  writeFileSync(journalFile, JSON.stringify(journal, null, 2));
  return { journal, exitCode: exitCodeOf(status), journalFile, ledgerFile: rc.ledgerFile };
}
