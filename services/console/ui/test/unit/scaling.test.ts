import { parseScheduleTime } from '@surge-lab/contracts/autoscaler';
import { describe, expect, test } from 'vitest';
import { ConsoleApi } from '../../src/api.ts';
import {
  addedText,
  agoText,
  atFromMinutes,
  decisionBadge,
  eventKeys,
  eventKind,
  forecastText,
  heldText,
  metricText,
  metricUnit,
  OBSERVING,
  readNumber,
  recoveryText,
  scheduleFloorText,
  serviceTone,
  spanText,
  surgeProblems,
  surgeRequest,
  whenText,
  windowKey,
  windowText,
  withoutService,
} from '../../src/scaling-view.ts';
import type { ScalingServiceView, ScheduleWindow } from '../../src/types.ts';

const policy = {
  service: 'checkout',
  min: 2,
  max: 5,
  metric: 'rps-per-replica' as const,
  target: 30,
  tolerance: 0.1,
  scaleOutCooldownSeconds: 20,
  scaleInCooldownSeconds: 120,
  scaleInStabilizationSeconds: 60,
  maxStep: 2,
};

/** A checkout card as the API answered it (GET /lab/api/scaling), changed where a test says. */
function view(o: Partial<ScalingServiceView> = {}): ScalingServiceView {
  return {
    service: 'checkout',
    policy,
    configured: 2,
    running: 2,
    healthy: 2,
    metric: { name: 'rps-per-replica', value: 1.08, perReplica: 0.54, target: 30 },
    forecast: { rpsAhead: null, rpsNow: null, reason: 'checkout: no forecast floor: only 23.9 min of history; the seasonal forecast needs at least one period (1 h)' },
    schedule: { floor: 0, reason: 'checkout: no scheduled window now' },
    decision: { desired: 2, action: 'none', held: null, reason: 'checkout: hold at 2: tracking 2', inputs: { tracking: 2, stabilized: 2, schedule: 0, forecast: 0, wanted: 2 } },
    lastScaleOutAt: null,
    lastScaleInAt: null,
    ...o,
  };
}
const predictive = { enabled: true, services: ['catalog', 'checkout'], lookaheadSeconds: 120 };
const NOW = Date.parse('2026-11-28T12:38:50.573Z');

describe('metric wording: each metric with its unit', () => {
  test('the three metrics read as req/s per replica, ms event-loop lag, requests in flight per replica', () => {
    expect(metricUnit('rps-per-replica')).toBe('req/s per replica');
    expect(metricUnit('event-loop-lag-ms')).toBe('ms event-loop lag');
    expect(metricUnit('inflight-per-replica')).toBe('requests in flight per replica');
    expect(metricUnit('something-new')).toBe('something-new');
  });

  test('the value per replica is compared with its target, rounded for people', () => {
    expect(metricText({ name: 'rps-per-replica', value: 1.08, perReplica: 0.54, target: 30 })).toBe('0.54 req/s per replica vs target 30');
    expect(metricText({ name: 'rps-per-replica', value: 250, perReplica: 125.46, target: 120 })).toBe('125.5 req/s per replica vs target 120');
    expect(metricText({ name: 'event-loop-lag-ms', value: 12.345, perReplica: 12.345, target: 50 })).toBe('12.3 ms event-loop lag vs target 50');
    expect(metricText({ name: 'inflight-per-replica', value: 0, perReplica: 0, target: 10 })).toBe('0 requests in flight per replica vs target 10');
  });

  test('when Prometheus has no data, it says "no data" with the target, never 0', () => {
    expect(metricText({ name: 'inflight-per-replica', value: null, perReplica: null, target: 10 })).toBe('no data (target 10 requests in flight per replica)');
  });
});

describe('held wording: what keeps a wanted change from happening', () => {
  test("each hold is named with the policy's own seconds", () => {
    expect(heldText('scale-out-cooldown', policy)).toMatch(/^held by the scale-out cooldown: no replica is added within 20 s of the last change/);
    expect(heldText('scale-in-cooldown', policy)).toBe('held by the scale-in cooldown: no replica is removed within 120 s of the last change');
    expect(heldText('stabilization', policy)).toBe('held by stabilization: it scales in only to the highest recommendation of the last 60 s');
    expect(heldText('warming-up', policy)).toBe('warming up: the controller has watched for less than the 60 s stabilization window, so it does not scale in yet');
  });

  test('nothing held: no text (the card hides the row); an unknown hold is still shown', () => {
    expect(heldText(null, policy)).toBeUndefined();
    expect(heldText(undefined, policy)).toBeUndefined();
    expect(heldText('maintenance', policy)).toBe('held: maintenance');
  });
});

describe('decisions, floors and forecasts in words', () => {
  test('the reason loses its "service: " prefix (the card names the service), and only that prefix', () => {
    expect(withoutService('checkout: hold at 2: tracking 2', 'checkout')).toBe('hold at 2: tracking 2');
    expect(withoutService('cart: hold at 2', 'checkout')).toBe('cart: hold at 2');
  });

  test('the badge says what happened, or, observing, what would have', () => {
    const out = view({ configured: 4, decision: { ...view().decision!, desired: 4, action: 'out' } });
    expect(decisionBadge(out, true)).toBe('scaled out to 4');
    expect(decisionBadge(out, false)).toBe('would scale out to 4');
    expect(decisionBadge(view({ decision: { ...view().decision!, desired: 2, action: 'in' } }), false)).toBe('would scale in to 2');
    expect(decisionBadge(view({ decision: { ...view().decision!, held: 'stabilization' } }), true)).toBe('holding at 2');
    expect(decisionBadge(view(), true)).toBe('steady at 2');
    expect(decisionBadge(view({ decision: null }), true)).toBe('no decision yet');
  });

  test('the tone: bad with no healthy replica, warn while a change is wanted or a scale-out waits, ok otherwise', () => {
    expect(serviceTone(view())).toBe('ok');
    expect(serviceTone(view({ healthy: 0 }))).toBe('bad');
    expect(serviceTone(view({ healthy: 1 }))).toBe('warn');
    expect(serviceTone(view({ decision: { ...view().decision!, held: 'scale-out-cooldown' } }))).toBe('warn');
    expect(serviceTone(view({ decision: { ...view().decision!, held: 'stabilization' } }))).toBe('ok');
  });

  test('the schedule floor: "none now", or the window that holds it', () => {
    expect(scheduleFloorText(view())).toBe('none now');
    expect(scheduleFloorText(view({ schedule: { floor: 4, reason: 'checkout: schedule "flash sale" holds ≥ 4 replicas (until 12:30 UTC)' } }))).toBe(
      'schedule "flash sale" holds ≥ 4 replicas (until 12:30 UTC)',
    );
  });

  test('the forecast: req/s now and ahead; its reason when there is none; off for services not predicted', () => {
    expect(forecastText(view(), predictive)).toBe('no forecast floor: only 23.9 min of history; the seasonal forecast needs at least one period (1 h)');
    expect(forecastText(view({ forecast: { rpsNow: 41.25, rpsAhead: 180, reason: 'checkout: forecast 180 req/s in 90 s' } }), predictive)).toBe(
      '41.3 req/s now, up to 180 req/s within the next 2 min',
    );
    expect(forecastText(view({ forecast: { rpsNow: 0.256, rpsAhead: 3, reason: '' } }), { ...predictive, lookaheadSeconds: 90 })).toBe('0.26 req/s now, up to 3 req/s within the next 1 min 30 s');
    expect(forecastText(view({ forecast: { rpsNow: 12, rpsAhead: null, reason: 'checkout: no forecast floor: gaps' } }), predictive)).toBe('12 req/s now, none ahead (no forecast floor: gaps)');
    expect(forecastText(view({ service: 'cart', forecast: null }), predictive)).toBe('off for this service (predictive scaling is not configured for it)');
  });

  test('a policy\'s span reads without the "00 s" of whole minutes', () => {
    expect([spanText(45), spanText(120), spanText(90), spanText(600), spanText(3600)]).toEqual(['45 s', '2 min', '1 min 30 s', '10 min', '1 h 00 min']);
  });

  test('last scale-out / scale-in: a clock time and how long ago, or never', () => {
    expect(agoText(null, NOW)).toBe('never');
    expect(agoText('2026-11-28T12:36:45.573Z', NOW)).toMatch(/^\d\d:\d\d:45 \(2 min 05 s ago\)$/);
  });

  test("auto-recovery says what it does with the policy's numbers, and that off leaves hung containers alone", () => {
    const rp = { enabled: true, unhealthyThreshold: 3, maxRestarts: 3, windowSeconds: 600, restartGraceSeconds: 30 };
    expect(recoveryText(true, rp)).toContain('unhealthy for 3 checks in a row');
    expect(recoveryText(true, rp)).toContain('after 3 restarts within 10 min it stops and reports a restart loop');
    expect(recoveryText(false, rp)).toBe('Off: hung containers are left as they are.');
    expect(OBSERVING).toBe('observing: decisions are computed and shown, nothing is changed');
  });
});

describe('schedule windows and events', () => {
  const w: ScheduleWindow = {
    entry: 'flash sale',
    service: 'checkout',
    minReplicas: 4,
    active: false,
    replicasFrom: '2026-11-29T11:58:00.000Z',
    at: '2026-11-29T12:00:00.000Z',
    until: '2026-11-29T12:30:00.000Z',
  };

  test('a window reads with its floor and times, "tomorrow" when it is (in the zone given)', () => {
    expect(windowText(w, NOW, 'UTC')).toBe('at least 4 checkout replicas from 11:58 tomorrow (for 12:00 tomorrow) until 12:30 tomorrow');
    expect(whenText('2026-11-28T12:45:00Z', NOW, 'UTC')).toBe('12:45');
    expect(whenText('2026-11-30T09:00:00Z', NOW, 'UTC')).toBe('09:00 on 30 Nov');
    // Same instant, another zone: the day changes with it.
    expect(whenText('2026-11-28T23:30:00Z', NOW, 'Europe/Berlin')).toBe('00:30 tomorrow');
  });

  test("a daily entry showing twice (today's and tomorrow's) gets two keys", () => {
    expect(windowKey(w)).not.toBe(windowKey({ ...w, at: '2026-11-28T12:00:00.000Z' }));
  });

  test('event keys stay unique when two events are alike; kinds read in words with a tone', () => {
    const e = { at: '2026-11-28T12:36:13.882Z', kind: 'error' as const, target: 'catalog', reason: 'scaling 2 → 4 failed' };
    const keys = eventKeys([e, { ...e }, { ...e, kind: 'scale-out' as const }]);
    expect(new Set(keys).size).toBe(3);
    expect(eventKind('restart-loop')).toEqual({ word: 'restart loop', tone: 'bad' });
    expect(eventKind('scale-out')).toEqual({ word: 'scale-out', tone: 'ok' });
    expect(eventKind('new-kind')).toEqual({ word: 'new-kind', tone: 'idle' });
  });
});

describe('the one-off surge form', () => {
  test("minutes from now become an ISO `at` in UTC, whole seconds, that the API's parser accepts", () => {
    expect(atFromMinutes('5', NOW)).toEqual({ ok: true, at: '2026-11-28T12:43:51Z' });
    expect(atFromMinutes('0', NOW)).toEqual({ ok: true, at: '2026-11-28T12:38:51Z' });
    expect(atFromMinutes(' 1.5 ', Date.parse('2026-11-28T23:59:00Z'))).toEqual({ ok: true, at: '2026-11-29T00:00:30Z' });
    const r = atFromMinutes('90', NOW);
    // The autoscaler's own parser (the contract's) takes it as a one-off at that instant.
    expect(r.ok && parseScheduleTime(r.at)).toEqual({ kind: 'once', atMs: Date.parse('2026-11-28T14:08:51Z') });
  });

  test('minutes that are empty, not a number, negative or beyond a week are refused before sending', () => {
    expect(atFromMinutes('', NOW)).toMatchObject({ ok: false, problem: expect.stringContaining('required') });
    expect(atFromMinutes('soon', NOW)).toMatchObject({ ok: false, problem: 'must be a number of minutes' });
    expect(atFromMinutes('-1', NOW)).toMatchObject({ ok: false, problem: expect.stringContaining('0 or more') });
    expect(atFromMinutes('10081', NOW)).toMatchObject({ ok: false, problem: 'must be at most 10080 (a week)' });
  });

  test("the POST body uses the policy file's keys; numbers as numbers; empty lead left to the server's default", () => {
    const r = surgeRequest({ service: 'checkout', minutes: '10', lead: '', duration: '600', minReplicas: '4' }, NOW);
    expect(r).toEqual({ ok: true, body: { service: 'checkout', at: '2026-11-28T12:48:51Z', 'duration-seconds': 600, 'min-replicas': 4 } });
    const withLead = surgeRequest({ service: 'cart', minutes: '0', lead: '60', duration: '30', minReplicas: '3' }, NOW);
    expect(withLead.ok && withLead.body['lead-seconds']).toBe(60);
  });

  test('a value that is not a number is sent as typed, so the server names its field', () => {
    expect(readNumber(' 12 ')).toBe(12);
    expect(readNumber('')).toBeUndefined();
    expect(readNumber('lots')).toBe('lots');
    const r = surgeRequest({ service: 'cart', minutes: '1', lead: '', duration: '', minReplicas: 'x' }, NOW);
    expect(r.ok && [r.body['duration-seconds'], r.body['min-replicas']]).toEqual(['', 'x']);
  });

  test('bad minutes are a problem of the `at` field (the minutes input shows it), and nothing is sent', () => {
    const r = surgeRequest({ service: 'cart', minutes: '-3', lead: '', duration: '60', minReplicas: '3' }, NOW);
    expect(r.ok).toBe(false);
    expect(!r.ok && [...r.problems.keys()]).toEqual(['at']);
  });

  test("a 400's details go to the fields named by the body's keys; the rest is said in general", () => {
    // As POST /lab/api/scaling/schedule answers them (the autoscaler's scheduleEntry, services/autoscaler/src/domain/policy.ts).
    const p = surgeProblems([
      { field: 'min-replicas', problem: "is above checkout's max (5)" },
      { field: 'at', problem: 'must be "HH:MM" (daily, UTC) or an ISO timestamp with its zone, e.g. "2025-11-28T12:00:00Z"' },
      { field: 'duration-seconds', problem: 'must be a number' },
      { field: 'lead-seconds', problem: 'must not be negative' },
      { field: 'service', problem: 'is not an app service (allowed: catalog, cart, checkout)' },
      { field: 'name', problem: '"checkout at 2026-11-28T12:48:51Z" is already in the schedule' },
      { field: 'colour', problem: 'unknown field' },
    ]);
    expect(Object.fromEntries(p.byField)).toEqual({
      'min-replicas': ["is above checkout's max (5)"],
      at: ['must be "HH:MM" (daily, UTC) or an ISO timestamp with its zone, e.g. "2025-11-28T12:00:00Z"'],
      'duration-seconds': ['must be a number'],
      'lead-seconds': ['must not be negative'],
      service: ['is not an app service (allowed: catalog, cart, checkout)'],
    });
    expect(p.general).toEqual(['name: "checkout at 2026-11-28T12:48:51Z" is already in the schedule', 'colour: unknown field']);
    expect(surgeProblems(undefined)).toEqual({ byField: new Map(), general: [] });
  });

  test('the success message gives the window the entry holds', () => {
    const text = addedText({ name: 'checkout at 2026-11-28T12:48:51Z', service: 'checkout', at: '2026-11-28T12:48:51Z', leadSeconds: 120, durationSeconds: 600, minReplicas: 4 }, 'UTC');
    expect(text).toBe('Added “checkout at 2026-11-28T12:48:51Z”: at least 4 checkout replicas from 12:46:51 (120 s ahead) until 12:58:51.');
  });
});

describe('ConsoleApi: the scaling calls', () => {
  test("methods, paths and bodies; a schedule entry's name is encoded in its path", async () => {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ method: init?.method ?? 'GET', url: String(input), body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    const api = new ConsoleApi({ token: () => 't', fetch });
    await api.scaling();
    await api.setScalingModes({ autoscaling: false });
    await api.addScheduleEntry({ service: 'cart', at: '2026-11-28T12:48:51Z', 'duration-seconds': 60, 'min-replicas': 3 });
    await api.removeScheduleEntry('cart at 2026-11-28T12:48:51Z');
    expect(sent).toEqual([
      { method: 'GET', url: '/lab/api/scaling', body: undefined },
      { method: 'PUT', url: '/lab/api/scaling', body: { autoscaling: false } },
      { method: 'POST', url: '/lab/api/scaling/schedule', body: { service: 'cart', at: '2026-11-28T12:48:51Z', 'duration-seconds': 60, 'min-replicas': 3 } },
      { method: 'DELETE', url: '/lab/api/scaling/schedule/cart%20at%202026-11-28T12%3A48%3A51Z', body: undefined },
    ]);
  });
});
