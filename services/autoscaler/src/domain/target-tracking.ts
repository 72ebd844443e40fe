// Target tracking: the replica count that brings the metric's per-replica average back to its
// target, as Kubernetes' HPA computes it: desired = ceil(current × value / target). The value is
// the average over the running replicas (total req/s ÷ replicas for rps-per-replica), so the
// rule assumes the load spreads evenly, which the edge's round robin does.
import type { ScalingMetric, ServicePolicy } from './types.ts';

export interface Recommendation {
  /** The recommended replica count: within [min, max] and at most max-step from current. */
  desired: number;
  /** ceil(current × value / target) before tolerance, max-step and bounds; null without data. */
  raw: number | null;
  /** value / target; null without data. */
  ratio: number | null;
  /** What held the recommendation back from `raw`, if anything. */
  limitedBy: 'no-data' | 'tolerance' | 'max-step' | 'min' | 'max' | null;
  reason: string;
}

const UNITS: Record<ScalingMetric, (v: string) => string> = {
  'rps-per-replica': (v) => `${v} req/s per replica`,
  'event-loop-lag-ms': (v) => `${v} ms event-loop lag per replica`,
  'inflight-per-replica': (v) => `${v} in-flight requests per replica`,
};

/**
 * The recommendation for one service.
 * @param current replicas running now
 * @param value   the metric's current per-replica average; undefined or NaN when there is no data
 */
export function recommend(policy: ServicePolicy, current: number, value: number | undefined): Recommendation {
  const { service, min, max, target, tolerance, maxStep, metric } = policy;
  const clamp = (n: number) => Math.min(max, Math.max(min, n));
  const bounds = (desired: number) => (desired === current ? '' : `; kept within [${min}, ${max}] → ${desired}`);

  // No data (Prometheus down, a fresh service, every replica gone): change nothing on a guess.
  // Only the policy's bounds apply, as they do not depend on the metric.
  if (value === undefined || !Number.isFinite(value) || value < 0 || current < 1) {
    const desired = clamp(current);
    const why = current < 1 ? 'no replicas running to measure' : `no data for ${metric}`;
    return { desired, raw: null, ratio: null, limitedBy: desired === current ? 'no-data' : desired < current ? 'max' : 'min', reason: `${service}: ${why}; keeping ${current}${bounds(desired)}` };
  }

  const ratio = value / target;
  const measured = `${service}: ${UNITS[metric](fmt(value))} over ${current} replica${current === 1 ? '' : 's'} vs target ${fmt(target)}`;
  // Inside the band, small wobbles change nothing: without it a metric hovering at the target
  // would add and remove a replica at every evaluation.
  if (Math.abs(ratio - 1) <= tolerance) {
    const desired = clamp(current);
    return {
      desired,
      raw: current,
      ratio,
      limitedBy: desired === current ? 'tolerance' : desired < current ? 'max' : 'min',
      reason: `${measured} → within ±${fmt(tolerance * 100)}% of target, keeping ${current}${bounds(desired)}`,
    };
  }

  // The epsilon keeps 2 × 120 / 120 from becoming 3 through floating-point error.
  const raw = Math.max(0, Math.ceil(current * ratio - 1e-9));
  const stepped = Math.min(current + maxStep, Math.max(current - maxStep, raw));
  const desired = clamp(stepped);
  let limitedBy: Recommendation['limitedBy'] = null;
  let reason = `${measured} → ${raw}`;
  if (stepped !== raw) {
    limitedBy = 'max-step';
    reason += `, capped by max-step ${maxStep} → ${stepped}`;
  }
  if (desired !== stepped) {
    limitedBy = desired > stepped ? 'min' : 'max';
    reason += `, kept within [${min}, ${max}] → ${desired}`;
  }
  return { desired, raw, ratio, limitedBy, reason };
}

/** A number for people: whole numbers as they are, others with one decimal. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, '');
}
