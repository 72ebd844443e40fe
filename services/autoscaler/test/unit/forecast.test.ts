// The seasonal forecast on synthetic series: an hourly square surge (the floor rises `lookahead`
// before it), noise, gaps, an abnormal period, a flat series, and too little history.
import { describe, expect, test } from 'vitest';
import { forecastAt, forecastFloor, forecastLoad, forecastSeries, predictiveFloor, type Sample } from '../../src/domain/forecast.ts';
import type { PredictivePolicy } from '../../src/domain/policy.ts';
import { servicePolicy } from './fixtures.ts';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const STEP = 15 * S; // Prometheus' scrape interval
const T0 = Date.UTC(2025, 10, 28, 8, 0); // history starts here

const policy = servicePolicy();
const opts = { periodMs: HOUR, historyPeriods: 3, lookaheadMs: 120 * S };

/** 100 req/s, and 600 req/s from minute 30 to 40 of every hour. */
const surge = (t: number) => {
  const minute = ((t - T0) % HOUR) / MIN;
  return minute >= 30 && minute < 40 ? 600 : 100;
};
const surgeStart = (hour: number) => T0 + hour * HOUR + 30 * MIN;

function series(load: (t: number) => number, from: number, to: number, keep: (t: number) => boolean = () => true): Sample[] {
  const out: Sample[] = [];
  for (let t = from; t < to; t += STEP) if (keep(t)) out.push({ at: t, rps: load(t) });
  return out;
}

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const floorAt = (history: Sample[], now: number) =>
  forecastFloor(
    forecastLoad(
      history.filter((s) => s.at <= now),
      now,
      opts,
    ),
    policy,
  ).floor;

describe('an hourly square surge', () => {
  const history = series(surge, T0, surgeStart(3) + 20 * MIN);

  test("the floor rises exactly `lookahead` (120 s) before the surge, from min to the surge's replicas", () => {
    const start = surgeStart(3);
    const firstRaised = (() => {
      for (let now = start - 10 * MIN; now <= start; now += STEP) if (floorAt(history, now) > policy.min) return now;
      return undefined;
    })();
    expect(firstRaised).toBe(start - 120 * S);
    expect(floorAt(history, start - 5 * MIN)).toBe(2);
    expect(floorAt(history, start - 120 * S)).toBe(5); // ceil(600 / 120)
  });

  test('the forecast names its basis: the same phase one, two and three periods ago', () => {
    const f = forecastLoad(history, surgeStart(3) - 120 * S, opts);
    expect(f.forecastRps).toBe(600);
    expect(f.at).toBe(surgeStart(3));
    expect(f.basis).toEqual([
      { periodAgo: 1, value: 600 },
      { periodAgo: 2, value: 600 },
      { periodAgo: 3, value: 600 },
    ]);
    expect(f.reason).toBe('forecast 600 req/s in 120 s (median of the same phase 1 ago: 600, 2 ago: 600, 3 ago: 600)');
    expect(forecastFloor(f, policy)).toEqual({ floor: 5, reason: `catalog: ${f.reason} at 120 req/s per replica → floor 5` });
  });

  test('the floor holds through the surge and falls when its phase has passed', () => {
    const start = surgeStart(3);
    for (let now = start; now < start + 10 * MIN; now += STEP) expect(floorAt(history, now)).toBe(5);
    expect(floorAt(history, start + 11 * MIN)).toBe(2);
  });

  test('forecastAt gives the point forecast at one instant', () => {
    expect(forecastAt(history, surgeStart(3) + 5 * MIN, opts)).toMatchObject({
      rps: 600,
      basis: [
        { periodAgo: 1, value: 600 },
        { periodAgo: 2, value: 600 },
        { periodAgo: 3, value: 600 },
      ],
    });
    expect(forecastAt(history, surgeStart(3) - 5 * MIN, opts).rps).toBe(100);
  });

  test("an abnormal period (an outage during last hour's surge) is outvoted by the other two", () => {
    const outage = history.map((s) => (s.at >= surgeStart(2) && s.at < surgeStart(2) + 10 * MIN ? { ...s, rps: 0 } : s));
    const f = forecastLoad(outage, surgeStart(3) - 60 * S, opts);
    expect(f.forecastRps).toBe(600);
    expect(f.basis.map((b) => b.value)).toEqual([0, 600, 600]);
  });

  test('with two periods of history and one abnormal, the higher value is taken (a floor errs towards capacity)', () => {
    const twoHours = series(surge, T0 + HOUR, surgeStart(3)).map((s) => (s.at >= surgeStart(2) && s.at < surgeStart(2) + 10 * MIN ? { ...s, rps: 0 } : s));
    expect(forecastLoad(twoHours, surgeStart(3) - 60 * S, opts)).toMatchObject({
      forecastRps: 600,
      basis: [
        { periodAgo: 1, value: 0 },
        { periodAgo: 2, value: 600 },
        { periodAgo: 3, value: null },
      ],
    });
  });
});

describe('noise and gaps', () => {
  test('with ±20% noise and random spikes the floor still rises before the surge and stays at min outside it', () => {
    for (const seed of [1, 2, 3]) {
      const r = random(seed);
      const noisy = series((t) => surge(t) * (0.8 + 0.4 * r()) * (r() < 0.02 ? 5 : 1), T0, surgeStart(3) + 20 * MIN);
      expect(floorAt(noisy, surgeStart(3) - 100 * S)).toBeGreaterThanOrEqual(4);
      expect(floorAt(noisy, surgeStart(3) - 10 * MIN)).toBe(2);
      expect(floorAt(noisy, surgeStart(3) + 15 * MIN)).toBe(2);
    }
  });

  test('a scrape gap at the phase in one period: that period has no value, the others decide', () => {
    const start = surgeStart(3);
    const gappy = series(surge, T0, start, (t) => !(t > start - HOUR - 10 * MIN && t < start - HOUR + 10 * MIN));
    const f = forecastLoad(gappy, start - 120 * S, opts);
    expect(f.basis).toEqual([
      { periodAgo: 1, value: null },
      { periodAgo: 2, value: 600 },
      { periodAgo: 3, value: 600 },
    ]);
    expect(f.forecastRps).toBe(600);
    expect(f.reason).toContain('1 ago: no data');
  });

  test('missing samples here and there (every third scrape lost) change nothing', () => {
    let i = 0;
    const sparse = series(surge, T0, surgeStart(3), () => i++ % 3 !== 0);
    expect(floorAt(sparse, surgeStart(3) - 120 * S)).toBe(5);
    expect(floorAt(sparse, surgeStart(3) - 5 * MIN)).toBe(2);
  });

  test('a gap at the phase in every period: no forecast, and it says why', () => {
    const start = surgeStart(3);
    const phase = (t: number) => (((t - start) % HOUR) + HOUR) % HOUR;
    const holes = series(surge, T0, start, (t) => phase(t) > 10 * MIN && phase(t) < 50 * MIN); // nothing within 10 min of the surge's start
    const f = forecastLoad(holes, start - 60 * S, opts);
    expect(f).toMatchObject({ forecastRps: null, reason: 'no history at the same phase in the last 3 period(s) (gaps)' });
    expect(forecastFloor(f, policy).floor).toBe(0);
  });

  test('unsorted history, NaN and negative samples are tolerated', () => {
    const start = surgeStart(3);
    const messy = [...series(surge, T0, start).reverse(), { at: start - HOUR, rps: Number.NaN }, { at: start - HOUR + STEP, rps: -5 }];
    expect(floorAt(messy, start - 120 * S)).toBe(5);
  });
});

describe('a flat series and too little history', () => {
  test('a flat load forecasts itself: no floor above min', () => {
    const flat = series(() => 150, T0, T0 + 4 * HOUR);
    const f = forecastLoad(flat, T0 + 4 * HOUR, opts);
    expect(f.forecastRps).toBe(150);
    expect(forecastFloor(f, policy).floor).toBe(2); // ceil(150 / 120) = 2 = min
    const r = random(9);
    const noisyFlat = series(() => 100 * (0.9 + 0.2 * r()), T0, T0 + 4 * HOUR);
    for (let now = T0 + 3 * HOUR; now < T0 + 4 * HOUR; now += 5 * MIN) expect(floorAt(noisyFlat, now)).toBe(2);
  });

  test('less than one period of history: no forecast and no floor, and the reason says so', () => {
    const short = series(surge, T0, T0 + 40 * MIN);
    const f = forecastLoad(short, T0 + 40 * MIN, opts);
    expect(f).toEqual({ forecastRps: null, at: null, basis: [], reason: 'only 40 min of history; the seasonal forecast needs at least one period (1 h)' });
    expect(forecastFloor(f, policy)).toEqual({ floor: 0, reason: `catalog: no forecast floor: ${f.reason}` });
    expect(forecastLoad([], T0, opts).reason).toBe('no history; the seasonal forecast needs at least one period (1 h)');
  });

  test('a forecast beyond max is kept within max, and the reason says how many it needed', () => {
    const huge = series((t) => surge(t) * 10, T0, surgeStart(3));
    const fl = forecastFloor(forecastLoad(huge, surgeStart(3) - 60 * S, opts), policy);
    expect(fl.floor).toBe(6);
    expect(fl.reason).toMatch(/→ floor 6 \(needs 50, kept within \[2, 6\]\)$/);
  });
});

describe('forecastSeries()', () => {
  const history = series(surge, T0, surgeStart(3));

  test('the curve over the next hour repeats the surge at its phase (for the dashboard, next to the actual load)', () => {
    const from = surgeStart(3) - 10 * MIN;
    const curve = forecastSeries(history, HOUR, from, from + 30 * MIN, MIN);
    expect(curve).toHaveLength(31);
    expect(curve[0]).toEqual({ at: from, rps: 100 });
    expect(curve.filter((p) => p.rps === 600).map((p) => (p.at - surgeStart(3)) / MIN)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('points with no history at their phase are null', () => {
    const curve = forecastSeries(history, HOUR, T0 - HOUR, T0 + 30 * S, 30 * S);
    expect(curve[0]!.rps).toBeNull(); // two hours before the history starts
    expect(curve.at(-1)!.rps).toBeNull(); // one period before T0 + 30 s is before the history
  });

  test('historyPeriods and windowMs can be given', () => {
    const curve = forecastSeries(history, HOUR, surgeStart(3), surgeStart(3), MIN, { historyPeriods: 1, windowMs: 0 });
    expect(curve).toEqual([{ at: surgeStart(3), rps: 600 }]);
  });

  test('a step of 0 is refused (it would never end)', () => {
    expect(() => forecastSeries(history, HOUR, 0, 1, 0)).toThrow(RangeError);
  });
});

describe('predictiveFloor()', () => {
  const history = series(surge, T0, surgeStart(3));
  const predictive: PredictivePolicy = { enabled: true, services: ['catalog'], periodSeconds: 3600, lookaheadSeconds: 120, historyPeriods: 3 };

  test('a listed service gets the forecast floor', () => {
    const f = predictiveFloor(history, predictive, policy, surgeStart(3) - 120 * S);
    expect(f.floor).toBe(5);
    expect(f.forecast?.forecastRps).toBe(600);
  });

  test('off, or not listed: no floor', () => {
    expect(predictiveFloor(history, { ...predictive, enabled: false }, policy, surgeStart(3))).toEqual({ floor: 0, reason: 'catalog: predictive scaling is off for it', forecast: null });
    expect(predictiveFloor(history, { ...predictive, services: ['checkout'] }, policy, surgeStart(3)).floor).toBe(0);
  });
});
