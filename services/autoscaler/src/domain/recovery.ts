// Auto-recovery: Docker marks a container unhealthy but does not restart it (outside Swarm), so a
// wedged replica stays in the edge's rotation. The controller restarts it, within limits: a
// container that keeps failing after restarts has a cause a restart will not fix (a bad config, a
// dependency down), and restarting it forever only hides that. Such a restart loop is reported
// once and left alone.
//
// Only running containers are considered: a stopped one was stopped on purpose (a chaos fault, a
// person) or is already handled by Docker's restart policy.
import type { RecoveryPolicy } from './types.ts';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerStatus {
  name: string;
  service: string;
  running: boolean;
  health: Health;
  /** Docker's State.Health.FailingStreak: consecutive failed healthchecks. */
  failingStreak: number;
  /**
   * Whether the process itself still answers (its /healthz, which checks nothing else). The
   * healthcheck is readiness: it fails when a dependency is down too, and restarting a replica
   * whose database is away fixes nothing (Kubernetes restarts on liveness, not on readiness).
   * Undefined: not known, decided on the healthcheck alone.
   */
  alive?: boolean;
}

/** What the controller remembers about one container (keyed by its name, which survives a restart). */
export interface RecoveryState {
  /** When it was restarted, within the policy's window, oldest first. */
  restarts: readonly number[];
  /** When a restart loop was reported; null when none is in progress. */
  loopReportedAt: number | null;
}

export const initialRecoveryState = (): RecoveryState => ({ restarts: [], loopReportedAt: null });

export type RecoveryAction = 'restart' | 'report-loop' | 'none';

export interface RecoveryDecision {
  action: RecoveryAction;
  reason: string;
  nextState: RecoveryState;
}

/** The decision for one container. Pure: the state passed in is not modified. */
export function recoveryDecision(container: ContainerStatus, state: RecoveryState | undefined, policy: RecoveryPolicy, nowMs: number): RecoveryDecision {
  const { name } = container;
  const windowMs = policy.windowSeconds * 1000;
  const before = state ?? initialRecoveryState();
  const restarts = before.restarts.filter((t) => t > nowMs - windowMs && t <= nowMs);
  const last = restarts.at(-1);
  // A loop ends when its restarts have all left the window (we stopped restarting, so they do).
  const loopReportedAt = before.loopReportedAt !== null && restarts.length > 0 ? before.loopReportedAt : null;
  const kept: RecoveryState = { restarts, loopReportedAt };
  const none = (reason: string): RecoveryDecision => ({ action: 'none', reason: `${name}: ${reason}`, nextState: kept });
  const within = fmtSeconds(policy.windowSeconds);

  if (!policy.enabled) return none('auto-recovery is off');
  if (!container.running) return none("not running; left to Docker's restart policy");
  if (container.health !== 'unhealthy') return none(container.health === 'none' ? 'has no healthcheck' : container.health);
  if (loopReportedAt !== null) {
    const clears = last! + windowMs;
    return none(`restart loop reported ${Math.round((nowMs - loopReportedAt) / 1000)} s ago; no restart until ${new Date(clears).toISOString()} (${within} after its last restart)`);
  }
  if (container.failingStreak < policy.unhealthyThreshold) {
    return none(`unhealthy, ${container.failingStreak} failed healthcheck(s) in a row of the ${policy.unhealthyThreshold} that trigger a restart`);
  }
  if (container.alive === true) {
    return none(`unhealthy (${container.failingStreak} failed healthchecks) but alive: its /healthz answers, so a dependency is what fails; a restart would not help`);
  }
  // Right after a restart the health shown may still be the old one, and the new process needs its
  // start period: a second restart now would only interrupt it.
  if (last !== undefined && nowMs - last < policy.restartGraceSeconds * 1000) {
    return none(`unhealthy but restarted ${Math.round((nowMs - last) / 1000)} s ago; giving it ${policy.restartGraceSeconds} s to become healthy`);
  }
  if (restarts.length >= policy.maxRestarts) {
    return {
      action: 'report-loop',
      reason: `${name}: restart loop: still unhealthy (${container.failingStreak} failed healthchecks) after ${restarts.length} restarts within ${within}; not restarting it again, look at its logs`,
      nextState: { restarts, loopReportedAt: nowMs },
    };
  }
  return {
    action: 'restart',
    reason: `${name}: unhealthy, ${container.failingStreak} failed healthchecks in a row (threshold ${policy.unhealthyThreshold}); restart ${restarts.length + 1} of ${policy.maxRestarts} allowed within ${within}`,
    nextState: { restarts: [...restarts, nowMs], loopReportedAt: null },
  };
}

function fmtSeconds(s: number): string {
  return s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}
