// The schedule: a floor of replicas over [at - lead, at + duration), daily in UTC or once.
import { describe, expect, test } from 'vitest';
import type { ScheduleEntry } from '../../src/domain/policy.ts';
import { nextScheduled, parseScheduleTime, scheduleFloor } from '../../src/domain/schedule.ts';

const utc = (iso: string) => Date.parse(`${iso}Z`);
const entry = (over: Partial<ScheduleEntry> & Pick<ScheduleEntry, 'at'>): ScheduleEntry => ({
  name: 'flash sale',
  service: 'checkout',
  when: parseScheduleTime(over.at)!,
  leadSeconds: 120,
  durationSeconds: 1800,
  minReplicas: 4,
  ...over,
});
const sale = entry({ at: '12:00' });

describe('parseScheduleTime()', () => {
  test('HH:MM is daily, at that minute of the UTC day', () => {
    expect(parseScheduleTime('00:00')).toEqual({ kind: 'daily', minuteOfDay: 0 });
    expect(parseScheduleTime('23:59')).toEqual({ kind: 'daily', minuteOfDay: 1439 });
  });
  test('an ISO timestamp with a zone is once, at that instant', () => {
    expect(parseScheduleTime('2025-11-28T12:00:00Z')).toEqual({ kind: 'once', atMs: utc('2025-11-28T12:00:00') });
    expect(parseScheduleTime('2025-11-28T12:00-05:00')).toEqual({ kind: 'once', atMs: utc('2025-11-28T17:00:00') });
    expect(parseScheduleTime('2024-02-29T00:00:00.500Z')).toEqual({ kind: 'once', atMs: utc('2024-02-29T00:00:00.500') });
  });
  test.each(['24:00', '7:00', '12:5', '2025-02-29T12:00Z', '2025-13-01T12:00Z', '2025-11-28T12:00', '2025-11-28T24:00Z', ''])('%j is refused', (at) => {
    expect(parseScheduleTime(at)).toBeUndefined();
  });
});

describe('scheduleFloor()', () => {
  test('before the lead starts there is no floor', () => {
    const f = scheduleFloor([sale], 'checkout', utc('2025-11-28T11:57:59.999'));
    expect(f).toEqual({ floor: 0, reason: 'checkout: no scheduled window now' });
  });

  test("from at - lead the floor is the entry's min-replicas, and the reason names the entry", () => {
    const f = scheduleFloor([sale], 'checkout', utc('2025-11-28T11:58:00'));
    expect(f).toMatchObject({ floor: 4, entry: 'flash sale' });
    expect(f.reason).toBe('checkout: schedule "flash sale" holds ≥ 4 replicas (120 s before it starts at 12:00 UTC)');
  });

  test('during the event the reason says until when', () => {
    expect(scheduleFloor([sale], 'checkout', utc('2025-11-28T12:10:00')).reason).toBe('checkout: schedule "flash sale" holds ≥ 4 replicas (until 12:30 UTC)');
  });

  test('the window ends at at + duration, exclusive', () => {
    expect(scheduleFloor([sale], 'checkout', utc('2025-11-28T12:29:59.999')).floor).toBe(4);
    expect(scheduleFloor([sale], 'checkout', utc('2025-11-28T12:30:00')).floor).toBe(0);
  });

  test('a daily entry recurs every day', () => {
    for (const day of ['2025-11-27', '2025-11-28', '2026-03-29']) expect(scheduleFloor([sale], 'checkout', utc(`${day}T12:00:00`)).floor).toBe(4);
  });

  test('a daily window that crosses midnight holds on both sides of it', () => {
    const late = entry({ at: '23:50', leadSeconds: 600, durationSeconds: 1200 }); // 23:40 → 00:10
    expect(scheduleFloor([late], 'checkout', utc('2025-11-28T23:45:00')).floor).toBe(4);
    expect(scheduleFloor([late], 'checkout', utc('2025-11-29T00:05:00')).floor).toBe(4);
    expect(scheduleFloor([late], 'checkout', utc('2025-11-29T00:10:00')).floor).toBe(0);
    // The lead of an entry just after midnight starts the day before.
    const early = entry({ at: '00:01', leadSeconds: 300, durationSeconds: 60 });
    expect(scheduleFloor([early], 'checkout', utc('2025-11-28T23:57:00')).floor).toBe(4);
  });

  test('a one-off entry holds only on its day', () => {
    const once = entry({ at: '2025-11-28T12:00:00Z' });
    expect(scheduleFloor([once], 'checkout', utc('2025-11-28T12:00:00')).floor).toBe(4);
    expect(scheduleFloor([once], 'checkout', utc('2025-11-29T12:00:00')).floor).toBe(0);
  });

  test('only entries of the service count', () => {
    expect(scheduleFloor([sale], 'catalog', utc('2025-11-28T12:00:00')).floor).toBe(0);
  });

  test('overlapping windows: the highest min-replicas wins', () => {
    const big = entry({ name: 'big drop', at: '12:05', minReplicas: 6, durationSeconds: 300 });
    const entries = [sale, big];
    expect(scheduleFloor(entries, 'checkout', utc('2025-11-28T12:00:00'))).toMatchObject({ floor: 4, entry: 'flash sale' });
    expect(scheduleFloor(entries, 'checkout', utc('2025-11-28T12:04:00'))).toMatchObject({ floor: 6, entry: 'big drop' });
    expect(scheduleFloor(entries, 'checkout', utc('2025-11-28T12:10:00'))).toMatchObject({ floor: 4, entry: 'flash sale' });
  });
});

describe('nextScheduled()', () => {
  const entries = [
    sale,
    entry({ name: 'catalog warm-up', service: 'catalog', at: '08:00', leadSeconds: 0, durationSeconds: 600, minReplicas: 3 }),
    entry({ name: 'launch', at: '2025-11-30T18:00:00Z' }),
    entry({ name: 'past', at: '2025-11-01T18:00:00Z' }),
  ];

  test('lists the windows active now or starting within a day, soonest first, each once', () => {
    const list = nextScheduled(entries, utc('2025-11-28T10:00:00'));
    expect(list.map((w) => [w.entry, new Date(w.startMs).toISOString(), w.active])).toEqual([
      ['flash sale', '2025-11-28T11:58:00.000Z', false],
      ['catalog warm-up', '2025-11-29T08:00:00.000Z', false],
    ]);
  });

  test('an active window is listed and marked active; the horizon can be widened', () => {
    const list = nextScheduled(entries, utc('2025-11-28T12:10:00'), 3 * 86_400_000);
    expect(list[0]).toMatchObject({ entry: 'flash sale', active: true, atMs: utc('2025-11-28T12:00:00'), endMs: utc('2025-11-28T12:30:00'), minReplicas: 4 });
    expect(list.map((w) => w.entry)).toEqual(['flash sale', 'catalog warm-up', 'flash sale', 'catalog warm-up', 'flash sale', 'launch', 'catalog warm-up', 'flash sale']);
    expect(list.some((w) => w.entry === 'past')).toBe(false);
  });
});
