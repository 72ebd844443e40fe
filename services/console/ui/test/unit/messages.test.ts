import { describe, expect, test } from 'vitest';
import { ApiError } from '../../src/api.ts';
import { countdownText, durationText, safeHref } from '../../src/format.ts';
import { detailsText, errorMessage, isUnreachable, summaryRows, verdict } from '../../src/messages.ts';

const http = (status: number, code: string, message = 'm', details?: unknown) => new ApiError({ kind: 'http', status, code, message, details, requestId: 'req-7' });

describe('errorMessage: API errors in plain words', () => {
  test('409s say that a load or a game day is already going', () => {
    expect(errorMessage(http(409, 'LOAD_RUNNING', 'a browse load is running; stop it first'), 'Starting the load')).toMatch(/^A load is already running: only one runs at a time\. Stop it/);
    expect(errorMessage(http(409, 'RUN_IN_PROGRESS'), 'Starting x')).toMatch(/^A game day is already running/);
    expect(errorMessage(http(409, 'SOMETHING_ELSE', 'busy'), 'Doing it')).toBe('Doing it was refused because something is already going: busy.');
  });
  test('network errors say the backend is unreachable', () => {
    expect(errorMessage(new ApiError({ kind: 'network', status: 0, code: 'NETWORK', message: 'x' }), 'Reset all')).toBe(
      'Reset all failed: the console backend is unreachable. Is the lab up? Try again in a moment.',
    );
    expect(errorMessage(new ApiError({ kind: 'timeout', status: 0, code: 'TIMEOUT', message: 'x' }), 'Reset all')).toMatch(/did not answer in time/);
  });
  test('validation errors list what to fix, without the args. prefix', () => {
    const e = http(400, 'REQUEST_VALIDATION_FAILED', 'invalid', [
      { field: 'args.latency-ms', problem: 'too big' },
      { field: 'durationSeconds', problem: 'too small' },
    ]);
    expect(errorMessage(e, 'Injecting link-latency')).toBe('Injecting link-latency was refused; please check: latency-ms: too big; durationSeconds: too small.');
  });
  test('401 and 403 explain the token and the origin check', () => {
    expect(errorMessage(http(401, 'UNAUTHORIZED'))).toMatch(/did not accept the token\. npm run lab:console prints/);
    expect(errorMessage(http(403, 'FORBIDDEN_ORIGIN'))).toMatch(/only answers requests from this machine/);
  });
  test('server failures keep the message and the request id; unknown errors are not shown as codes', () => {
    expect(errorMessage(http(500, 'INTERNAL', 'docker said no'), 'Killing cart-1')).toBe('Killing cart-1 failed in the console backend: docker said no (request req-7).');
    expect(errorMessage(http(404, 'FAULT_NOT_FOUND', 'no fault f1 in place'), 'Reverting')).toBe('Reverting failed: not found (no fault f1 in place). It may have ended already.');
    expect(errorMessage(new TypeError('boom'), 'Drawing')).toMatch(/^Drawing failed in this page: boom/);
  });
  test('unreachable: no answer, or the edge could not reach the backend', () => {
    expect(isUnreachable(new ApiError({ kind: 'network', status: 0, code: 'NETWORK', message: '' }))).toBe(true);
    expect(isUnreachable(http(502, 'HTTP_502'))).toBe(true);
    expect(isUnreachable(http(500, 'INTERNAL'))).toBe(false);
    expect(isUnreachable(new Error('x'))).toBe(false);
  });
  test('detailsText ignores what is not a detail', () => {
    expect(detailsText([null, 3, { problem: 'alone' }])).toBe('alone');
    expect(detailsText('nope')).toBe('');
  });
});

describe('verdict', () => {
  test('each run state in words', () => {
    expect(verdict('passed')).toMatchObject({ word: 'passed', tone: 'ok' });
    expect(verdict('failed')).toMatchObject({ word: 'failed', tone: 'bad' });
    expect(verdict('aborted').text).toMatch(/faults rolled back/);
    expect(verdict('error')).toMatchObject({ word: 'error', tone: 'bad' });
    expect(verdict('running').text).toBe('Running…');
  });
});

describe('summaryRows', () => {
  test("the load runner's summary object gets readable rows", () => {
    const rows = summaryRows({
      requests: 12000,
      ok: 11900,
      rejected: 50,
      durationSeconds: 60,
      throughput: 200,
      latencyMs: { p50: 4, p90: 9, p99: 31.5, p999: 80, max: 120 },
      serviceTimeMs: { p50: 3, p90: 8, p99: 20, p999: 60, max: 120 },
      latencyMethod: "from each request's intended send time",
      byStatus: { 200: 11900, 409: 50, 503: 50 },
      errors: { 503: 50 },
    });
    expect(rows).toEqual([
      ['requests', '12,000 in 60 s (200 req/s)'],
      ['ok', '11,900'],
      ['rejected (409, e.g. out of stock)', '50'],
      ['latency p50 / p90 / p99 / max', '4 / 9 / 31.5 / 120 ms'],
      ['latency measured', "from each request's intended send time"],
      ['service time p50 / p99 / max (raw)', '3 / 20 / 120 ms'],
      ['by status', '200: 11,900, 409: 50, 503: 50'],
      ['errors', '503: 50'],
    ]);
  });
  test('text stays text; nothing is no rows; other objects show their keys', () => {
    expect(summaryRows('requests 10')).toEqual([['summary', 'requests 10']]);
    expect(summaryRows(null)).toEqual([]);
    expect(summaryRows({ a: 1, b: { c: 2 } })).toEqual([
      ['a', '1'],
      ['b', '{"c":2}'],
    ]);
  });
});

describe('times and links', () => {
  test('durations', () => {
    expect(durationText(42)).toBe('42 s');
    expect(durationText(125)).toBe('2 min 05 s');
    expect(durationText(3720)).toBe('1 h 02 min');
  });
  test("a fault's countdown", () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(countdownText('2025-01-01T12:00:42Z', now)).toBe('ends in 42 s');
    expect(countdownText('2025-01-01T12:02:05Z', now)).toBe('ends in 2 min 05 s');
    expect(countdownText('2025-01-01T11:59:59Z', now)).toBe('ending…');
    expect(countdownText(undefined, now)).toBe('holds until reverted');
  });
  test('only http(s) URLs and same-origin paths become links', () => {
    expect(safeHref('http://localhost:3000/d/surge-overview')).toBe('http://localhost:3000/d/surge-overview');
    expect(safeHref('/lab/api/runs/1/report')).toBe('/lab/api/runs/1/report');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('//evil.example/x')).toBeUndefined();
    expect(safeHref(undefined)).toBeUndefined();
  });
});
