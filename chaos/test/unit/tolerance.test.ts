import { describe, expect, test } from 'vitest';
import { outages } from '../../runner/monitors.ts';
import { describeTolerance, describeValue, withinTolerance } from '../../runner/tolerance.ts';

describe('tolerances', () => {
  test('numeric bounds: at-most/at-least are inclusive, below/above strict, between inclusive either way round', () => {
    expect(withinTolerance({ 'at-most': 25 }, 25)).toBe(true);
    expect(withinTolerance({ 'at-most': 25 }, 25.01)).toBe(false);
    expect(withinTolerance({ below: 0.01 }, 0.01)).toBe(false);
    expect(withinTolerance({ above: 0 }, 0.5)).toBe(true);
    expect(withinTolerance({ 'at-least': 1, below: 3 }, 3)).toBe(false);
    expect(withinTolerance({ between: [10, 5] }, 5)).toBe(true);
    expect(withinTolerance({ equals: 0 }, 0)).toBe(true);
    expect(withinTolerance({ equals: 0 }, 1)).toBe(false);
  });

  test('a missing value (a query with no series, a load that never ran) satisfies nothing', () => {
    expect(withinTolerance({ 'at-most': 1 }, null)).toBe(false);
    expect(withinTolerance({ 'at-most': 1 }, Number.NaN)).toBe(false);
  });

  test('http: the status must be listed and a required header present, case-insensitively', () => {
    expect(withinTolerance({ status: [503], header: 'retry-after' }, { status: 503, headers: { 'Retry-After': '5' } })).toBe(true);
    expect(withinTolerance({ status: [503], header: 'retry-after' }, { status: 503, headers: {} })).toBe(false);
    expect(withinTolerance({ status: [200] }, { status: 0, headers: {} })).toBe(false);
    expect(withinTolerance({ status: [200], header: 'x-cache-status', 'header-matches': '^(STALE|HIT)$' }, { status: 200, headers: { 'X-Cache-Status': 'STALE' } })).toBe(true);
    expect(withinTolerance({ status: [200], header: 'x-cache-status', 'header-matches': '^(STALE|HIT)$' }, { status: 200, headers: { 'X-Cache-Status': 'MISS' } })).toBe(false);
  });

  test('tolerances and values read as words in the journal', () => {
    expect(describeTolerance({ status: [503], header: 'retry-after' })).toBe('status in [503] and header retry-after present');
    expect(describeTolerance({ 'at-most': 25 })).toBe('≤ 25');
    expect(describeValue({ status: 503, headers: { 'retry-after': '5' } })).toBe('503 (retry-after: 5)');
    expect(describeValue({ status: 200, headers: { 'x-cache-status': 'STALE', etag: 'x' } })).toBe('200 (x-cache-status: STALE)');
    expect(describeValue(0.123456)).toBe('0.1235');
    expect(describeValue(null)).toBe('no value');
  });
});

describe('monitor outages', () => {
  test('an outage runs from the last success before the failures to the first success after them', () => {
    const a = [
      { at: 0, ok: true },
      { at: 200, ok: true },
      { at: 400, ok: false },
      { at: 5_000, ok: false },
      { at: 9_400, ok: true },
      { at: 9_600, ok: true },
      { at: 9_800, ok: false },
      { at: 10_000, ok: true },
    ];
    expect(outages(a)).toEqual([
      { start: 200, end: 9_400, failures: 2 },
      { start: 9_600, end: 10_000, failures: 1 },
    ]);
  });

  test('failing until the end is an outage that has not ended; no failures, no outage', () => {
    expect(
      outages([
        { at: 0, ok: true },
        { at: 100, ok: false },
        { at: 300, ok: false },
      ]),
    ).toEqual([{ start: 0, end: 300, failures: 2 }]);
    expect(
      outages([
        { at: 0, ok: true },
        { at: 100, ok: true },
      ]),
    ).toEqual([]);
  });
});
