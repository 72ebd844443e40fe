// The combined decision for one service at one tick: target tracking (stabilized before a
// scale-in), the schedule's floor and the forecast's floor, then the cooldowns. The rules keep a
// noisy metric from flapping: scaling in is slow and cautious (a full stabilization window of
// lower recommendations, and a cooldown after any change), scaling out is quick.
import type { Recommendation } from './target-tracking.ts';
import type { Hold, ScaleAction, ScalingDecision, ServicePolicy } from './types.ts';

export type { Hold, ScaleAction } from './types.ts';

/** A lower bound on replicas from the schedule or the forecast; 0 = none. */
export interface Floor {
  floor: number;
  reason?: string;
}

export interface RecommendationSample {
  at: number;
  desired: number;
}

/** What the controller remembers about one service between ticks. */
export interface ScalingState {
  /** When the controller started watching: it scales in only after a full stabilization window of recommendations. */
  since: number;
  lastScaleOutAt: number | null;
  lastScaleInAt: number | null;
  /** Target tracking's recommendations within the stabilization window, oldest first. */
  recommendations: readonly RecommendationSample[];
}

export function initialScalingState(nowMs: number): ScalingState {
  return { since: nowMs, lastScaleOutAt: null, lastScaleInAt: null, recommendations: [] };
}

export interface DecideInput {
  now: number;
  policy: ServicePolicy;
  /** The replica count the service is set to now. */
  current: number;
  tracking: Pick<Recommendation, 'desired' | 'reason'>;
  schedule?: Floor;
  forecast?: Floor;
  state: ScalingState;
}

export interface Decision extends ScalingDecision {
  /** The state once the change is made. */
  nextState: ScalingState;
  /** The state when the change is not made (dry run, or the scale call failed): the recommendation is recorded, the cooldowns are not restarted. */
  unappliedState: ScalingState;
}

/** The decision for one service. Pure: the state passed in is not modified. */
export function decide(input: DecideInput): Decision {
  const { now, policy: p, current, tracking, state } = input;
  const windowMs = p.scaleInStabilizationSeconds * 1000;
  const clamp = (n: number) => Math.min(p.max, Math.max(p.min, n));

  // Inclusive of its start: with 5 s ticks a 60 s window holds 13 samples, spanning the full 60 s.
  const recommendations = [...state.recommendations.filter((r) => r.at >= now - windowMs && r.at < now), { at: now, desired: tracking.desired }];
  const windowMax = Math.max(...recommendations.map((r) => r.desired));
  // A scale-in goes only as low as the highest recommendation of the window: one quiet sample
  // in a busy minute is not a reason to remove a replica.
  const stabilized = tracking.desired >= current ? tracking.desired : Math.min(current, windowMax);
  const schedule = input.schedule?.floor ?? 0;
  const forecast = input.forecast?.floor ?? 0;
  const wanted = clamp(Math.max(stabilized, schedule, forecast));
  const inputs = { tracking: tracking.desired, stabilized, schedule, forecast, wanted };

  const unappliedState: ScalingState = { ...state, recommendations };
  const result = (desired: number, held: Hold | null, why: string): Decision => {
    const action: ScaleAction = desired > current ? 'out' : desired < current ? 'in' : 'none';
    const verb = action === 'out' ? `scale out ${current} → ${desired}` : action === 'in' ? `scale in ${current} → ${desired}` : `hold at ${current}`;
    const nextState = action === 'out' ? { ...unappliedState, lastScaleOutAt: now } : action === 'in' ? { ...unappliedState, lastScaleInAt: now } : unappliedState;
    return { desired, action, held, inputs, reason: `${p.service}: ${verb}: ${why}`, nextState, unappliedState };
  };
  const sources = [
    `tracking ${tracking.desired}${stabilized !== tracking.desired ? ` (stabilized ${stabilized})` : ''}`,
    ...(schedule ? [`schedule floor ${schedule}`] : []),
    ...(forecast ? [`forecast floor ${forecast}`] : []),
  ].join(', ');
  const secs = (ms: number) => `${Math.ceil(ms / 1000)} s`;

  const lastChange = Math.max(state.lastScaleOutAt ?? -Infinity, state.lastScaleInAt ?? -Infinity);
  if (wanted > current) {
    // Counted from the last change of either kind, not only the last scale-out: adding back a
    // replica just removed is the flapping this module exists to prevent.
    const cooldownLeft = lastChange + p.scaleOutCooldownSeconds * 1000 - now;
    if (cooldownLeft <= 0) return result(wanted, null, sources);
    // A schedule floor (and the policy's min) does not wait: a flash sale starts on time.
    const urgent = clamp(schedule);
    if (urgent > current) {
      const rest = urgent < wanted ? `; ${wanted - urgent} more wait${wanted - urgent === 1 ? 's' : ''} for the scale-out cooldown (${secs(cooldownLeft)} left)` : '';
      return result(urgent, urgent < wanted ? 'scale-out-cooldown' : null, `${sources}; ${schedule >= urgent ? 'the schedule floor' : `min ${p.min}`} does not wait for the cooldown${rest}`);
    }
    return result(current, 'scale-out-cooldown', `wants ${wanted} (${sources}); scale-out cooldown: ${secs(cooldownLeft)} left of ${p.scaleOutCooldownSeconds} s since the last change`);
  }

  if (wanted < current) {
    // Above max (the policy was lowered): back within bounds at once, whatever the cooldowns say.
    const bound = Math.min(current, p.max);
    const cooldownLeft = lastChange + p.scaleInCooldownSeconds * 1000 - now;
    const observed = now - state.since;
    let held: Hold | null = null;
    let why = '';
    if (observed < windowMs) {
      held = 'warming-up';
      why = `wants ${wanted} (${sources}); only ${secs(observed)} of the ${p.scaleInStabilizationSeconds} s stabilization window observed since the controller started`;
    } else if (cooldownLeft > 0) {
      held = 'scale-in-cooldown';
      why = `wants ${wanted} (${sources}); scale-in cooldown: ${secs(cooldownLeft)} left of ${p.scaleInCooldownSeconds} s since the last change`;
    }
    if (held === null) return result(wanted, null, `${sources}; highest recommendation of the last ${p.scaleInStabilizationSeconds} s is ${windowMax}`);
    if (bound < current) return result(bound, held, `above max ${p.max}: back within bounds at once; ${why}`);
    return result(current, held, why);
  }

  // No change. Say what is holding it, if anything.
  if (tracking.desired < current && windowMax >= current) {
    return result(current, 'stabilization', `tracking wants ${tracking.desired} but the highest recommendation of the last ${p.scaleInStabilizationSeconds} s is ${windowMax}`);
  }
  return result(current, null, sources);
}
