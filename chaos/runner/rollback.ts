// Rollback: every fault still in place is reverted (newest first), then the experiment's own
// rollbacks run. It runs after the method however the method ended: done, failed, stopped by a
// stop condition, or interrupted (Ctrl-C). A rollback that fails is a failure of the run.
import type { ActiveEntry, RunContext } from './context.ts';

/** Reverts one fault: its window and annotation are closed, its measurements (RTO, ...) kept. */
export async function revert(rc: RunContext, entry: ActiveEntry): Promise<void> {
  const i = rc.active.indexOf(entry);
  if (i >= 0) rc.active.splice(i, 1);
  try {
    await entry.fault.revert();
    const end = new Date();
    entry.window.end = end.toISOString();
    await entry.closeAnnotation(end);
  } catch (err) {
    rc.failures.push(`rolling back "${entry.window.name}" failed: ${(err as Error).message}`);
    rc.event('rollback', `FAILED to revert ${entry.window.name}: ${(err as Error).message}`);
  } finally {
    // What the fault measured holds whether or not its revert went through (the audit needs a loss window).
    Object.assign(rc.journal.measurements, entry.fault.measurements ?? {});
  }
}

/** The faults still in place, newest first; then the experiment's rollbacks, in order. */
export async function rollBack(rc: RunContext): Promise<void> {
  for (const entry of [...rc.active].reverse()) await revert(rc, entry);
  for (const r of rc.exp.rollbacks) {
    rc.event('rollback', `${r.name} (${r.rollback})`);
    await rc.deps.rollback(r.rollback, (l) => rc.event('rollback', l)).catch((err: Error) => rc.failures.push(`rollback "${r.name}": ${err.message}`));
  }
}
