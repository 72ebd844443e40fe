// The verdict of a run: its status, a sentence or two saying why, and the exit code
// (0 pass, 1 fail or error, 2 aborted).
import type { Journal, ProbeResult, Status } from './journal.ts';

export interface Verdict {
  status: Status;
  verdict: string;
}

export const exitCodeOf = (s: Status): 0 | 1 | 2 => (s === 'pass' ? 0 : s === 'aborted' ? 2 : 1);

/** A stop condition still held when the wait for it to clear ran out. */
export const stopConditionHeld = (holding: string): Verdict => ({
  status: 'fail',
  verdict: `A stop condition held before the experiment could start (${holding}); the method was not run.`,
});

/** The steady state did not hold before the method: the experiment would prove nothing. */
export const notSteadyBefore = (before: ProbeResult[]): Verdict => ({
  status: 'fail',
  verdict: `The steady state did not hold before the experiment (${before
    .filter((r) => !r.ok)
    .map((r) => r.name)
    .join(', ')}); the method was not run.`,
});

/** The runner itself failed (a dependency threw). */
export const runFailed = (err: Error): Verdict => ({ status: 'error', verdict: `The run failed: ${err.message}` });

/** A run that went through: aborted, failed (with every failure), or passed (with what the audit found). */
export function judge(journal: Journal, failures: string[]): Verdict {
  if (journal.abort) {
    return {
      status: 'aborted',
      verdict: `Stopped early by ${journal.abort.reason.replace(/^stop condition: /, 'the stop condition ')}; every fault was rolled back${failures.length ? `; also: ${failures.join('; ')}` : ''}.`,
    };
  }
  if (failures.length) return { status: 'fail', verdict: `The hypothesis did not hold: ${failures.join('; ')}.` };
  const a = journal.audit;
  return {
    status: 'pass',
    verdict: `The hypothesis held before, during and after ${journal.faults.length} fault(s)${
      !a
        ? ''
        : a.lostAfterCutoff !== undefined
          ? `; the audit of ${a.ledgerOrders} acknowledged order(s) found every one acknowledged before the archive cut-off restored, none oversold (${a.lostAfterCutoff} acknowledged after the cut-off were lost: the RPO)`
          : a.lostWithRegion !== undefined
            ? `; the audit of ${a.ledgerOrders} acknowledged order(s) found every one in the surviving primary region but ${a.lostWithRegion.length} acknowledged in the loss window (named in the audit), none oversold or done twice`
            : `; the audit of ${a.ledgerOrders} acknowledged order(s) found nothing lost, oversold or done twice`
    }.`,
  };
}
