import { describe, expect, test } from 'vitest';
// Used by the console's charts (chartLayout) and by the game day report (ticks and scales).
import { chartLayout, formatClock, formatValue, linePath, niceStep, niceTicks, scale, stepDecimals, timeTicks, toNumber, toUnixSeconds, valueDomain } from '../../chart-scale.ts';

describe('value ticks', () => {
  test('steps are 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(0.03, 5)).toBe(0.01);
    expect(niceStep(730, 5)).toBe(200);
    expect(niceStep(100, 5)).toBe(20);
  });
  test('ticks cover the data from round bounds, without float dust', () => {
    expect(niceTicks(0, 0.3, 3)).toEqual({ min: 0, max: 0.3, step: 0.1, ticks: [0, 0.1, 0.2, 0.3] });
    expect(niceTicks(0, 87, 5)).toEqual({ min: 0, max: 100, step: 20, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceTicks(3, 17, 4)).toEqual({ min: 0, max: 20, step: 5, ticks: [0, 5, 10, 15, 20] });
  });
  test('the decimals a step needs, float dust aside', () => {
    expect([1, 50, 0.5, 0.25, 2.5, 0.01, 1e-7].map(stepDecimals)).toEqual([0, 0, 1, 2, 1, 2, 7]);
    expect(stepDecimals(0.1 + 0.2)).toBe(1);
    expect(stepDecimals(0.0002 * 100)).toBe(2);
    expect(niceTicks(0, 0.7, 5).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });
  test('a flat line still gets a range; unreadable bounds fall back to 0…1', () => {
    expect(niceTicks(0, 0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5, 5).min).toBe(0);
    expect(niceTicks(Number.NaN, 3).ticks.at(-1)).toBe(1);
  });
  test('the domain starts at 0; ratios stop at 100%; breaker states are 0…2', () => {
    expect(valueDomain([12, 40, 33], 'req/s')).toEqual([0, 40]);
    expect(valueDomain([-2, 5], 'req/s')).toEqual([-2, 5]);
    expect(valueDomain([0.2, 1.4], 'ratio')).toEqual([0, 1]);
    expect(valueDomain([0, 0], 'ratio')).toEqual([0, 0.01]);
    expect(valueDomain([1], 'state')).toEqual([0, 2]);
    expect(valueDomain([], 's')).toEqual([0, 1]);
  });
});

describe('formatValue: values in their unit', () => {
  test('ratios as percentages', () => {
    expect(formatValue(0.05, 'ratio')).toBe('5.0%');
    expect(formatValue(0.5, 'ratio')).toBe('50%');
    expect(formatValue(0.0012, 'ratio')).toBe('0.12%');
    expect(formatValue(0.2, 'ratio', 0.2)).toBe('20%');
    expect(formatValue(0.005, 'ratio', 0.005)).toBe('0.5%');
  });
  test('seconds: milliseconds under a second', () => {
    expect(formatValue(0.25, 's')).toBe('250 ms');
    expect(formatValue(0.0042, 's')).toBe('4.2 ms');
    expect(formatValue(1.5, 's')).toBe('1.5 s');
    expect(formatValue(0.1, 's', 0.05)).toBe('100 ms');
    expect(formatValue(2, 's', 0.5)).toBe('2.0 s');
  });
  test('seconds on an axis keep one unit: all ms below a second, all s from one second', () => {
    expect([0, 0.5, 1, 1.5].map((v) => formatValue(v, 's', 0.5, 1.5))).toEqual(['0.0 s', '0.5 s', '1.0 s', '1.5 s']);
    expect([0, 0.02, 0.04].map((v) => formatValue(v, 's', 0.02, 0.04))).toEqual(['0 ms', '20 ms', '40 ms']);
  });
  test('breaker states in words', () => {
    expect([0, 1, 2].map((v) => formatValue(v, 'state'))).toEqual(['closed', 'half-open', 'open']);
    expect(formatValue(1.5, 'state')).toBe('1.5');
  });
  test('rates: thousands as k, small values with decimals', () => {
    expect(formatValue(12_500, 'req/s')).toBe('12.5k');
    expect(formatValue(250, 'req/s')).toBe('250');
    expect(formatValue(12.34, 'req/s')).toBe('12.3');
    expect(formatValue(0.5, 'req/s', 0.5)).toBe('0.5');
    expect(formatValue(40, 'messages', 20)).toBe('40');
    expect(formatValue(Number.NaN, 'req/s')).toBe('–');
  });
});

describe('time ticks', () => {
  test('15 minutes: ticks on round clock times, at most the number asked', () => {
    const start = 1_700_000_000; // 22:13:20 UTC
    const end = start + 15 * 60;
    const t = timeTicks(start, end, 6);
    expect(t.step).toBe(300);
    expect(t.ticks).toEqual([1_700_000_100, 1_700_000_400, 1_700_000_700]);
    for (const x of t.ticks) expect(x % 300).toBe(0);
  });
  test('a narrow chart gets fewer ticks', () => {
    const t = timeTicks(0, 900, 2);
    expect(t.step).toBe(600);
    expect(t.ticks).toEqual([0, 600]);
  });
  test('seconds since a start (the report): round offsets from 0, about ten of them', () => {
    expect(timeTicks(0, 90, 10)).toEqual({ step: 10, ticks: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90] });
    expect(timeTicks(0, 3.5, 10)).toEqual({ step: 1, ticks: [0, 1, 2, 3] });
    expect(timeTicks(0, 180, 10).step).toBe(20);
    expect(timeTicks(0, 4000, 10).step).toBe(600);
  });
  test('an empty window has no ticks', () => {
    expect(timeTicks(10, 10).ticks).toEqual([]);
  });
  test('clock labels', () => {
    expect(formatClock(1_700_000_100, false, 'UTC')).toBe('22:15');
    expect(formatClock(1_700_000_130, true, 'UTC')).toBe('22:15:30');
  });
});

describe('paths and scales', () => {
  test('scale maps the domain onto the range (y grows downwards in SVG)', () => {
    const y = scale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(5)).toBe(100);
    expect(y(10)).toBe(0);
  });
  test('a gap (NaN) lifts the pen', () => {
    const id = (v: number) => v;
    expect(
      linePath(
        [
          [0, 1],
          [1, 2],
          [2, Number.NaN],
          [3, 4],
        ],
        id,
        id,
      ),
    ).toBe('M0.0 1.0L1.0 2.0M3.0 4.0');
    expect(linePath([], id, id)).toBe('');
  });
  test('values from the API: strings and null', () => {
    expect(toNumber('0.25')).toBe(0.25);
    expect(Number.isNaN(toNumber(null))).toBe(true);
    expect(Number.isNaN(toNumber('NaN'))).toBe(true);
  });
  test('`at` as ISO text, seconds or milliseconds', () => {
    expect(toUnixSeconds('2025-01-01T00:00:00.000Z')).toBe(1_735_689_600);
    expect(toUnixSeconds(1_735_689_600)).toBe(1_735_689_600);
    expect(toUnixSeconds(1_735_689_600_000)).toBe(1_735_689_600);
    expect(toUnixSeconds('soon')).toBeUndefined();
  });
});

describe('chartLayout', () => {
  const end = 1_700_000_900;
  const series = (label: string, values: (number | null)[]) => ({ label, points: values.map((v, i) => [end - 900 + i * 60, v] as [number, number | null]) });

  test('one path per series inside the plot, ticks in the unit, the latest value per series', () => {
    const l = chartLayout({ unit: 'req/s', series: [series('cart', [10, 20, 30]), series('catalog', [5, null, 45])] }, { width: 600, height: 200, end, minutes: 15, timeZone: 'UTC' });
    expect(l.series.map((s) => s.label)).toEqual(['cart', 'catalog']);
    expect(l.series.map((s) => s.latest)).toEqual(['30', '45']);
    expect(l.series[1]!.path.match(/M/g)).toHaveLength(2); // the null is a gap
    expect(l.yTicks.map((t) => t.label)).toEqual(['0', '10', '20', '30', '40', '50']);
    expect(l.yTicks[0]!.y).toBe(l.plot.bottom);
    expect(l.yTicks.at(-1)!.y).toBe(l.plot.top);
    for (const t of l.xTicks) {
      expect(t.x).toBeGreaterThanOrEqual(l.plot.left);
      expect(t.x).toBeLessThanOrEqual(l.plot.right);
    }
    const xs = [...l.series[0]!.path.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    for (const [x, y] of xs) {
      expect(x).toBeGreaterThanOrEqual(l.plot.left);
      expect(x).toBeLessThanOrEqual(l.plot.right);
      expect(y).toBeGreaterThanOrEqual(l.plot.top);
      expect(y).toBeLessThanOrEqual(l.plot.bottom);
    }
    expect(l.empty).toBe(false);
  });

  test('the value axis leaves room for its longest label', () => {
    const narrow = chartLayout({ unit: 'req/s', series: [series('a', [1, 2])] }, { width: 600, height: 200, end, minutes: 15 });
    const wide = chartLayout({ unit: 'state', series: [series('a', [0, 2])] }, { width: 600, height: 200, end, minutes: 15 });
    expect(wide.yTicks.map((t) => t.label)).toEqual(['closed', 'half-open', 'open']);
    expect(wide.plot.left).toBeGreaterThan(narrow.plot.left);
  });

  test('no data: marked empty, still with axes', () => {
    const l = chartLayout({ unit: 'ratio', series: [] }, { width: 390, height: 200, end, minutes: 15 });
    expect(l.empty).toBe(true);
    expect(l.yTicks.length).toBeGreaterThan(1);
    expect(l.xTicks.length).toBeGreaterThan(0);
  });
});
