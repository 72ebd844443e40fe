// What every fault shares: it is injected, it can say what it did, and it can be undone.
import type { Lab } from '@surge-lab/lab';

export interface FaultContext {
  log: (line: string) => void;
  /** The lab the fault acts on (its runtime and clients). */
  lab: Lab;
}

/** A fault in place. `revert` undoes it and is safe to call more than once. */
export interface ActiveFault {
  name: string;
  kind: string;
  target: string;
  startedAt: Date;
  revert(): Promise<void>;
  /** Figures the fault measured (e.g. a restore's RTO), filled in by the time `revert` resolves. */
  measurements?: Record<string, number | string>;
}

/**
 * Makes `revert` idempotent and logged, whatever the fault. `startedAt`: when the fault began, for one
 * whose injection is itself the disruption (a switchover) and is only known once it is over.
 */
export function activeFault(f: Omit<ActiveFault, 'revert' | 'startedAt'>, ctx: FaultContext, undo: () => Promise<void>, startedAt = new Date()): ActiveFault {
  let done: Promise<void> | undefined;
  ctx.log(`[fault] ${f.kind} on ${f.target}: injected`);
  return {
    ...f,
    startedAt,
    revert() {
      done ??= undo().then(() => ctx.log(`[fault] ${f.kind} on ${f.target}: reverted after ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s`));
      return done;
    },
  };
}
