// Target tracking: desired = ceil(current × per-replica value / target), within the tolerance
// band, max-step and [min, max], with a reason a person can read.
import { describe, expect, test } from 'vitest';
import { recommend } from '../../src/domain/target-tracking.ts';
import { servicePolicy } from './fixtures.ts';

const policy = servicePolicy;

describe('recommend()', () => {
  test('183 req/s per replica over 2 replicas vs target 120 → ceil(2 × 183 / 120) = 4', () => {
    const r = recommend(policy(), 2, 183);
    expect(r).toMatchObject({ desired: 4, raw: 4, limitedBy: null });
    expect(r.ratio).toBeCloseTo(1.525);
    expect(r.reason).toBe('catalog: 183 req/s per replica over 2 replicas vs target 120 → 4');
  });

  test('a big jump is capped by max-step, and the reason says so', () => {
    const r = recommend(policy({ max: 10 }), 2, 400);
    expect(r).toMatchObject({ desired: 4, raw: 7, limitedBy: 'max-step' });
    expect(r.reason).toBe('catalog: 400 req/s per replica over 2 replicas vs target 120 → 7, capped by max-step 2 → 4');
  });

  test('a big drop is capped by max-step too', () => {
    expect(recommend(policy(), 6, 10)).toMatchObject({ desired: 4, raw: 1, limitedBy: 'max-step' });
  });

  test('the result stays within [min, max]', () => {
    expect(recommend(policy({ maxStep: 10 }), 4, 1000)).toMatchObject({ desired: 6, raw: 34, limitedBy: 'max' });
    const low = recommend(policy(), 3, 5);
    expect(low).toMatchObject({ desired: 2, raw: 1, limitedBy: 'min' });
    expect(low.reason).toMatch(/→ 1, kept within \[2, 6\] → 2$/);
  });

  test('inside the tolerance band nothing changes, even where ceil would add a replica', () => {
    // 2 × 130 / 120 = 2.17 → 3 without the band; 130 is within 10% of 120.
    const r = recommend(policy(), 2, 130);
    expect(r).toMatchObject({ desired: 2, limitedBy: 'tolerance' });
    expect(r.reason).toBe('catalog: 130 req/s per replica over 2 replicas vs target 120 → within ±10% of target, keeping 2');
  });

  test('just outside the band it changes', () => {
    expect(recommend(policy(), 2, 133).desired).toBe(3);
    expect(recommend(policy(), 4, 100).desired).toBe(4); // 4 × 100 / 120 = 3.33 → 4: no change, and no oscillation
    expect(recommend(policy(), 4, 80).desired).toBe(3);
  });

  test('exactly on target gives the current count (no floating-point extra replica)', () => {
    expect(recommend(policy({ tolerance: 0, target: 0.1 }), 3, 0.1)).toMatchObject({ desired: 3 });
    expect(recommend(policy({ tolerance: 0, target: 30, max: 10 }), 7, 30)).toMatchObject({ desired: 7, raw: 7 });
  });

  test.each([[undefined], [Number.NaN], [Number.POSITIVE_INFINITY], [-1]])('no data (%s) → no change, and the reason says there is no data', (value) => {
    const r = recommend(policy(), 3, value);
    expect(r).toMatchObject({ desired: 3, raw: null, ratio: null, limitedBy: 'no-data' });
    expect(r.reason).toBe('catalog: no data for rps-per-replica; keeping 3');
  });

  test('no data still brings a count outside [min, max] back within it (the bounds do not depend on the metric)', () => {
    const r = recommend(policy(), 8, undefined);
    expect(r).toMatchObject({ desired: 6, limitedBy: 'max' });
    expect(r.reason).toBe('catalog: no data for rps-per-replica; keeping 8; kept within [2, 6] → 6');
  });

  test('with no replica running there is nothing to measure: back to min', () => {
    expect(recommend(policy(), 0, 0)).toMatchObject({ desired: 2, limitedBy: 'min' });
  });

  test('zero load scales in to min (by max-step)', () => {
    expect(recommend(policy(), 3, 0)).toMatchObject({ desired: 2, raw: 0 });
  });

  test('each metric is described in its unit', () => {
    expect(recommend(policy({ service: 'cart', metric: 'event-loop-lag-ms', target: 20 }), 2, 45.26).reason).toBe(
      'cart: 45.3 ms event-loop lag per replica over 2 replicas vs target 20 → 5, capped by max-step 2 → 4',
    );
    expect(recommend(policy({ service: 'checkout', metric: 'inflight-per-replica', target: 8 }), 1, 4).reason).toBe(
      'checkout: 4 in-flight requests per replica over 1 replica vs target 8 → 1, kept within [2, 6] → 2',
    );
  });
});
