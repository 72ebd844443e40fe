// Auto-recovery: restart an unhealthy container, but not during its grace period, and never in a
// restart loop (reported once instead).
import { describe, expect, test } from 'vitest';
import type { RecoveryPolicy } from '../../src/domain/policy.ts';
import { type ContainerStatus, initialRecoveryState, type RecoveryState, recoveryDecision } from '../../src/domain/recovery.ts';

const S = 1000;
const NOW = Date.UTC(2025, 10, 28, 12, 0);
const policy: RecoveryPolicy = { enabled: true, unhealthyThreshold: 3, maxRestarts: 3, windowSeconds: 600, restartGraceSeconds: 30 };
const sick: ContainerStatus = { name: 'surge-lab-checkout-2', service: 'checkout', running: true, health: 'unhealthy', failingStreak: 3 };
const restartedAt = (...agoSeconds: number[]): RecoveryState => ({ restarts: agoSeconds.map((a) => NOW - a * S), loopReportedAt: null });

describe('recoveryDecision()', () => {
  test('unhealthy with a failing streak at the threshold: restart, and remember it', () => {
    const d = recoveryDecision(sick, undefined, policy, NOW);
    expect(d.action).toBe('restart');
    expect(d.reason).toBe('surge-lab-checkout-2: unhealthy, 3 failed healthchecks in a row (threshold 3); restart 1 of 3 allowed within 10 min');
    expect(d.nextState).toEqual({ restarts: [NOW], loopReportedAt: null });
  });

  test('the state passed in is not modified', () => {
    const state = Object.freeze({ restarts: Object.freeze([NOW - 100 * S]), loopReportedAt: null });
    const d = recoveryDecision(sick, state, policy, NOW);
    expect(d.nextState.restarts).toEqual([NOW - 100 * S, NOW]);
    expect(state.restarts).toEqual([NOW - 100 * S]);
  });

  test('a failing streak below the threshold: not yet', () => {
    const d = recoveryDecision({ ...sick, failingStreak: 2 }, undefined, policy, NOW);
    expect(d).toMatchObject({ action: 'none', reason: 'surge-lab-checkout-2: unhealthy, 2 failed healthcheck(s) in a row of the 3 that trigger a restart' });
  });

  test.each([['healthy'], ['starting'], ['none']] as const)('a %s container is left alone', (health) => {
    expect(recoveryDecision({ ...sick, health, failingStreak: 0 }, undefined, policy, NOW).action).toBe('none');
  });

  test('a container that is not running is left to Docker (a chaos fault or a person stopped it)', () => {
    const d = recoveryDecision({ ...sick, running: false }, undefined, policy, NOW);
    expect(d).toMatchObject({ action: 'none', reason: "surge-lab-checkout-2: not running; left to Docker's restart policy" });
  });

  test('unhealthy but alive (its /healthz answers): a dependency fails, no restart; a hung one (no answer) is restarted', () => {
    const alive = recoveryDecision({ ...sick, alive: true }, undefined, policy, NOW);
    expect(alive.action).toBe('none');
    expect(alive.reason).toMatch(/but alive: its \/healthz answers, so a dependency is what fails; a restart would not help$/);
    expect(alive.nextState.restarts).toEqual([]);
    expect(recoveryDecision({ ...sick, alive: false }, undefined, policy, NOW).action).toBe('restart');
  });

  test('recovery off: nothing', () => {
    expect(recoveryDecision(sick, undefined, { ...policy, enabled: false }, NOW)).toMatchObject({ action: 'none', reason: 'surge-lab-checkout-2: auto-recovery is off' });
  });

  test('no second restart within the grace period after the last one: the new process needs its start period', () => {
    const d = recoveryDecision(sick, restartedAt(12), policy, NOW);
    expect(d).toMatchObject({ action: 'none', reason: 'surge-lab-checkout-2: unhealthy but restarted 12 s ago; giving it 30 s to become healthy' });
    expect(recoveryDecision(sick, restartedAt(30), policy, NOW).action).toBe('restart');
  });

  test('unhealthy again after max-restarts restarts within the window: a restart loop, reported and not restarted', () => {
    const d = recoveryDecision({ ...sick, failingStreak: 7 }, restartedAt(400, 200, 40), policy, NOW);
    expect(d.action).toBe('report-loop');
    expect(d.reason).toBe('surge-lab-checkout-2: restart loop: still unhealthy (7 failed healthchecks) after 3 restarts within 10 min; not restarting it again, look at its logs');
    expect(d.nextState).toEqual({ restarts: [NOW - 400 * S, NOW - 200 * S, NOW - 40 * S], loopReportedAt: NOW });
  });

  test('a reported loop is reported once: then nothing, not even a restart, until the window after its last restart has passed', () => {
    const reported = recoveryDecision(sick, restartedAt(400, 200, 40), policy, NOW).nextState;
    const later = recoveryDecision(sick, reported, policy, NOW + 60 * S);
    expect(later.action).toBe('none');
    expect(later.reason).toBe('surge-lab-checkout-2: restart loop reported 60 s ago; no restart until 2025-11-28T12:09:20.000Z (10 min after its last restart)');
    // 12:09:19.999: the last restart (11:59:20) is still within the window.
    expect(recoveryDecision(sick, reported, policy, NOW + 560 * S - 1).action).toBe('none');
    // 12:09:20: the window has cleared; the loop is over and a restart may be tried again.
    const cleared = recoveryDecision(sick, reported, policy, NOW + 560 * S);
    expect(cleared.action).toBe('restart');
    expect(cleared.nextState).toEqual({ restarts: [NOW + 560 * S], loopReportedAt: null });
  });

  test('restarts older than the window are forgotten', () => {
    const d = recoveryDecision(sick, restartedAt(900, 700, 601), policy, NOW);
    expect(d.action).toBe('restart');
    expect(d.nextState.restarts).toEqual([NOW]);
  });

  test('two restarts in the window are not yet a loop with max-restarts 3', () => {
    expect(recoveryDecision(sick, restartedAt(300, 100), policy, NOW)).toMatchObject({ action: 'restart', reason: expect.stringContaining('restart 3 of 3') });
  });

  test('a container stuck unhealthy, checked every 5 s for 30 minutes: 3 restarts, one report, then quiet until the window clears', () => {
    let state = initialRecoveryState();
    const log: { t: number; action: string }[] = [];
    for (let t = 0; t <= 1800; t += 5) {
      const d = recoveryDecision(sick, state, policy, NOW + t * S);
      state = d.nextState;
      if (d.action !== 'none') log.push({ t, action: d.action });
    }
    expect(log).toEqual([
      { t: 0, action: 'restart' },
      { t: 30, action: 'restart' },
      { t: 60, action: 'restart' },
      { t: 90, action: 'report-loop' },
      { t: 660, action: 'restart' },
      { t: 690, action: 'restart' },
      { t: 720, action: 'restart' },
      { t: 750, action: 'report-loop' },
      { t: 1320, action: 'restart' },
      { t: 1350, action: 'restart' },
      { t: 1380, action: 'restart' },
      { t: 1410, action: 'report-loop' },
    ]);
  });
});
