// The combined decision: floors, stabilization, cooldowns, and no flapping under an oscillating load.
import { describe, expect, test } from 'vitest';
import { type DecideInput, type Decision, decide, initialScalingState, type ScalingState } from '../../src/domain/decide.ts';
import type { ServicePolicy } from '../../src/domain/policy.ts';
import { recommend } from '../../src/domain/target-tracking.ts';
import { servicePolicy } from './fixtures.ts';

const S = 1000;
const policy = servicePolicy;
/** A controller that has been watching for 10 minutes without changing anything. */
const settled = (now: number): ScalingState => ({ since: now - 600 * S, lastScaleOutAt: null, lastScaleInAt: null, recommendations: [] });
const track = (desired: number) => ({ desired, reason: `tracking ${desired}` });
const input = (over: Partial<DecideInput> & { now: number }): DecideInput => ({
  policy: policy(),
  current: 3,
  tracking: track(3),
  state: settled(over.now),
  ...over,
});
const deepFreeze = <T>(o: T): T => {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
};

describe('decide(): scaling out', () => {
  test('tracking above current scales out at once when no cooldown runs; the new state records it and the old is untouched', () => {
    const now = 1_000_000;
    const state = deepFreeze(settled(now));
    const d = decide(input({ now, current: 2, tracking: track(4), state }));
    expect(d).toMatchObject({ desired: 4, action: 'out', held: null });
    expect(d.reason).toBe('catalog: scale out 2 → 4: tracking 4');
    expect(d.nextState.lastScaleOutAt).toBe(now);
    expect(d.nextState.recommendations).toEqual([{ at: now, desired: 4 }]);
    expect(state.lastScaleOutAt).toBeNull();
  });

  test('within the scale-out cooldown it holds, saying how long is left; once it has passed it scales out', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 12 * S };
    const held = decide(input({ now, current: 4, tracking: track(6), state }));
    expect(held).toMatchObject({ desired: 4, action: 'none', held: 'scale-out-cooldown' });
    expect(held.reason).toBe('catalog: hold at 4: wants 6 (tracking 6); scale-out cooldown: 8 s left of 20 s since the last change');
    expect(decide(input({ now: now + 8 * S, current: 4, tracking: track(6), state: held.nextState }))).toMatchObject({ desired: 6, action: 'out' });
  });

  test('a scale-in also starts the scale-out cooldown: a replica just removed is not added back at once', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 300 * S, lastScaleInAt: now - 5 * S };
    expect(decide(input({ now, current: 3, tracking: track(4), state }))).toMatchObject({ action: 'none', held: 'scale-out-cooldown' });
  });

  test('a schedule floor scales out at once, in the cooldown too; what tracking wants beyond it waits', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 5 * S };
    const d = decide(input({ now, current: 2, tracking: track(6), schedule: { floor: 4, reason: 'flash sale' }, state }));
    expect(d).toMatchObject({ desired: 4, action: 'out', held: 'scale-out-cooldown' });
    expect(d.reason).toBe('catalog: scale out 2 → 4: tracking 6, schedule floor 4; the schedule floor does not wait for the cooldown; 2 more wait for the scale-out cooldown (15 s left)');
    expect(d.nextState.lastScaleOutAt).toBe(now);
  });

  test('a forecast floor waits for the cooldown like tracking does', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 5 * S };
    expect(decide(input({ now, current: 2, tracking: track(2), forecast: { floor: 5 }, state }))).toMatchObject({ desired: 2, action: 'none', held: 'scale-out-cooldown' });
    expect(decide(input({ now, current: 2, tracking: track(2), forecast: { floor: 5 } }))).toMatchObject({ desired: 5, action: 'out' });
  });

  test('below min (the policy was raised) it goes back to min at once, whatever the cooldown', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 1 * S };
    expect(decide(input({ now, current: 1, tracking: track(2), state }))).toMatchObject({ desired: 2, action: 'out', held: null });
  });
});

describe('decide(): combining tracking and floors', () => {
  test('desired is the highest of tracking, schedule floor and forecast floor', () => {
    const now = 1_000_000;
    expect(decide(input({ now, current: 2, tracking: track(3), schedule: { floor: 0 }, forecast: { floor: 5 } }))).toMatchObject({
      desired: 5,
      inputs: { tracking: 3, schedule: 0, forecast: 5, wanted: 5 },
    });
    expect(decide(input({ now, current: 2, tracking: track(5), schedule: { floor: 4 }, forecast: { floor: 3 } })).desired).toBe(5);
  });

  test('floors are clamped to max', () => {
    expect(decide(input({ now: 1_000_000, current: 2, tracking: track(2), schedule: { floor: 9 } }))).toMatchObject({ desired: 6, action: 'out' });
  });

  test('a schedule floor keeps replicas through a quiet spell: no scale-in below it', () => {
    const now = 1_000_000;
    const d = decide(input({ now, current: 4, tracking: track(2), schedule: { floor: 4 } }));
    expect(d).toMatchObject({ desired: 4, action: 'none' });
  });

  test('with no change wanted it holds and says why', () => {
    const d = decide(input({ now: 1_000_000, current: 3, tracking: track(3) }));
    expect(d).toMatchObject({ desired: 3, action: 'none', held: null, reason: 'catalog: hold at 3: tracking 3' });
  });
});

describe('decide(): scaling in', () => {
  test('scales in when the whole stabilization window recommends less and no cooldown runs', () => {
    const now = 1_000_000;
    const state = {
      ...settled(now),
      recommendations: [
        { at: now - 50 * S, desired: 3 },
        { at: now - 20 * S, desired: 2 },
      ],
    };
    const d = decide(input({ now, current: 4, tracking: track(2), state }));
    expect(d).toMatchObject({ desired: 3, action: 'in', held: null, inputs: { tracking: 2, stabilized: 3 } });
    expect(d.reason).toBe('catalog: scale in 4 → 3: tracking 2 (stabilized 3); highest recommendation of the last 60 s is 3');
    expect(d.nextState.lastScaleInAt).toBe(now);
  });

  test('one high recommendation within the window holds the replicas (stabilization)', () => {
    const now = 1_000_000;
    const state = {
      ...settled(now),
      recommendations: [
        { at: now - 60 * S, desired: 4 },
        { at: now - 30 * S, desired: 2 },
      ],
    };
    const d = decide(input({ now, current: 4, tracking: track(2), state }));
    expect(d).toMatchObject({ desired: 4, action: 'none', held: 'stabilization' });
    expect(d.reason).toBe('catalog: hold at 4: tracking wants 2 but the highest recommendation of the last 60 s is 4');
    // A moment later that recommendation has left the window.
    expect(decide(input({ now: now + 1, current: 4, tracking: track(2), state: d.nextState }))).toMatchObject({ desired: 2, action: 'in' });
  });

  test('a scale-in waits for the scale-in cooldown after a scale-out', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 80 * S };
    const d = decide(input({ now, current: 4, tracking: track(2), state }));
    expect(d).toMatchObject({ desired: 4, action: 'none', held: 'scale-in-cooldown' });
    expect(d.reason).toBe('catalog: hold at 4: wants 2 (tracking 2); scale-in cooldown: 10 s left of 90 s since the last change');
  });

  test('and after a scale-in', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleInAt: now - 89 * S };
    expect(decide(input({ now, current: 3, tracking: track(2), state })).held).toBe('scale-in-cooldown');
    expect(decide(input({ now: now + 1 * S, current: 3, tracking: track(2), state })).action).toBe('in');
  });

  test('a controller that just started does not scale in before it has seen a whole stabilization window', () => {
    const start = 1_000_000;
    let state = initialScalingState(start);
    for (let t = start; t < start + 60 * S; t += 5 * S) {
      const d = decide(input({ now: t, current: 4, tracking: track(2), state }));
      expect(d).toMatchObject({ action: 'none', held: 'warming-up' });
      state = d.nextState;
    }
    const d = decide(input({ now: start + 60 * S, current: 4, tracking: track(2), state }));
    expect(d).toMatchObject({ action: 'in', desired: 2 });
  });

  test('above max (the policy was lowered) it goes back to max at once, the rest waits for the cooldown', () => {
    const now = 1_000_000;
    const state = { ...settled(now), lastScaleOutAt: now - 10 * S };
    const d = decide(input({ now, current: 8, tracking: track(4), state }));
    expect(d).toMatchObject({ desired: 6, action: 'in', held: 'scale-in-cooldown' });
    expect(d.reason).toBe('catalog: scale in 8 → 6: above max 6: back within bounds at once; wants 4 (tracking 4); scale-in cooldown: 80 s left of 90 s since the last change');
  });
});

describe('decide(): state', () => {
  test('the window keeps only recommendations of the last stabilization window; one at the same instant is replaced', () => {
    const now = 1_000_000;
    const state = {
      ...settled(now),
      recommendations: [
        { at: now - 61 * S, desired: 6 },
        { at: now - 60 * S, desired: 5 },
        { at: now - 10 * S, desired: 3 },
        { at: now, desired: 9 },
      ],
    };
    const d = decide(input({ now, current: 3, tracking: track(3), state }));
    expect(d.nextState.recommendations).toEqual([
      { at: now - 60 * S, desired: 5 },
      { at: now - 10 * S, desired: 3 },
      { at: now, desired: 3 },
    ]);
  });

  test('unappliedState (dry run, or the change failed) records the recommendation but does not start a cooldown', () => {
    const now = 1_000_000;
    const d = decide(input({ now, current: 2, tracking: track(4) }));
    expect(d.action).toBe('out');
    expect(d.unappliedState).toEqual({ ...settled(now), recommendations: [{ at: now, desired: 4 }] });
  });
});

// ---- no flapping ----

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Change {
  at: number;
  action: 'out' | 'in';
  from: number;
  to: number;
}

/** The controller loop: every 5 s for 10 minutes, the total load split over the current replicas. */
function simulate(p: ServicePolicy, totalRps: (t: number) => number, start = 3): Change[] {
  let state = initialScalingState(0);
  let current = start;
  const changes: Change[] = [];
  for (let t = 0; t <= 600 * S; t += 5 * S) {
    const d: Decision = decide({ now: t, policy: p, current, tracking: recommend(p, current, totalRps(t) / current), state });
    state = d.nextState;
    if (d.action !== 'none') {
      changes.push({ at: t, action: d.action, from: current, to: d.desired });
      current = d.desired;
    }
  }
  return changes;
}

/** Opposite changes closer than the cooldowns allow: out → in within scale-in cooldown, in → out within scale-out cooldown. */
function flaps(changes: Change[], p: ServicePolicy): Change[][] {
  const bad: Change[][] = [];
  for (let i = 1; i < changes.length; i++) {
    const [a, b] = [changes[i - 1]!, changes[i]!];
    const gap = b.at - a.at;
    if (a.action === 'out' && b.action === 'in' && gap < p.scaleInCooldownSeconds * S) bad.push([a, b]);
    if (a.action === 'in' && b.action === 'out' && gap < p.scaleOutCooldownSeconds * S) bad.push([a, b]);
  }
  return bad;
}

describe('no flapping: an oscillating load fed every 5 s for 10 minutes', () => {
  const p = policy();
  // 360 req/s ± 50% (3 replicas' worth at target 120, swinging between 1.5 and 4.5), with ±5% noise.
  const wave = (periodS: number, seed: number) => {
    const r = random(seed);
    return (t: number) => 360 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / (periodS * S))) * (1 + 0.1 * (r() - 0.5));
  };

  test.each([10, 20, 30, 45, 60])('a load oscillating every %i s (within the stabilization window) scales out to its peak and never scales in', (period) => {
    for (const seed of [1, 2, 3]) {
      const changes = simulate(p, wave(period, seed));
      expect(changes.length).toBeLessThanOrEqual(2);
      expect(changes.every((c) => c.action === 'out')).toBe(true);
    }
  });

  test.each([90, 120, 180, 300])('a slower oscillation (every %i s) is followed, but never faster than the cooldowns allow', (period) => {
    for (const seed of [1, 2, 3]) {
      const changes = simulate(p, wave(period, seed));
      expect(flaps(changes, p)).toEqual([]);
      // Each in-and-out cycle takes at least scale-in cooldown + scale-out cooldown (110 s): at most 6 in 10 minutes.
      expect(changes.filter((c) => c.action === 'in').length).toBeLessThanOrEqual(6);
      for (const c of changes) expect(Math.abs(c.to - c.from)).toBeLessThanOrEqual(p.maxStep);
    }
  });

  test('a load that wobbles randomly around the target (±25% every sample) changes the replicas at most twice', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = random(seed);
      const changes = simulate(p, () => 360 * (1 + 0.5 * (r() - 0.5)));
      expect(flaps(changes, p)).toEqual([]);
      expect(changes.length).toBeLessThanOrEqual(2);
    }
  });

  test('a real surge is followed: out quickly, in only after it has been quiet for the window and the cooldown', () => {
    // 200 req/s, then 600 from 60 s to 300 s, then 200 again.
    const changes = simulate(p, (t) => (t >= 60 * S && t < 300 * S ? 600 : 200), 2);
    const outs = changes.filter((c) => c.action === 'out');
    const ins = changes.filter((c) => c.action === 'in');
    expect(outs[0]!.at).toBe(60 * S);
    expect(Math.max(...outs.map((c) => c.to))).toBe(5);
    expect(outs.at(-1)!.at).toBeLessThan(100 * S);
    expect(ins[0]!.at).toBeGreaterThanOrEqual(360 * S); // 60 s of lower recommendations after the surge ends
    expect(changes.at(-1)!.to).toBe(2);
    expect(flaps(changes, p)).toEqual([]);
  });
});
