import { AppError } from '@surge-lab/kit';
import { describe, expect, test } from 'vitest';
import { ZodError } from 'zod';
import { ChargeRequest, fingerprint, isReplay, parseIdempotencyKey, sampleLatencyMs } from '../../src/domain/charge.ts';

const valid = { orderId: '0b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d', amountCents: 1999, email: 'a@example.com' };
const problems = (body: unknown) => {
  const r = ChargeRequest.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.') || '(body)');
};

describe('charge request validation', () => {
  test('accepts a valid body', () => expect(ChargeRequest.parse(valid)).toEqual(valid));
  test.each([
    ['orderId not a uuid', { ...valid, orderId: 'order-1' }, ['orderId']],
    ['amount zero', { ...valid, amountCents: 0 }, ['amountCents']],
    ['amount fractional', { ...valid, amountCents: 10.5 }, ['amountCents']],
    ['amount as string', { ...valid, amountCents: '1999' }, ['amountCents']],
    ['email invalid', { ...valid, email: 'nope' }, ['email']],
    ['missing fields', {}, ['orderId', 'amountCents', 'email']],
    ['unknown field', { ...valid, currency: 'EUR' }, ['(body)']],
    ['not an object', [valid], ['(body)']],
  ])('rejects %s', (_name, body, fields) => expect(problems(body)).toEqual(fields));
  test('an unknown field is named in the message', () => {
    const err = (() => {
      try {
        ChargeRequest.parse({ ...valid, currency: 'EUR' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ZodError);
    expect((err as ZodError).issues[0]!.message).toContain('currency');
  });
});

describe('Idempotency-Key', () => {
  test('accepts 1-128 chars of [A-Za-z0-9_-]', () => {
    expect(parseIdempotencyKey('a')).toBe('a');
    expect(parseIdempotencyKey(`${'Ab_9-'.repeat(25)}xyz`)).toHaveLength(128);
  });
  test('missing → REQUEST_MISSING_IDEMPOTENCY_KEY', () => {
    for (const h of [undefined, '']) expect(() => parseIdempotencyKey(h)).toThrow(expect.objectContaining({ code: 'REQUEST_MISSING_IDEMPOTENCY_KEY', status: 400 }));
  });
  test('malformed → REQUEST_VALIDATION_FAILED naming the header', () => {
    for (const h of ['a'.repeat(129), 'has space', 'key/1', 'a, b']) {
      try {
        parseIdempotencyKey(h);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe('REQUEST_VALIDATION_FAILED');
        expect((e as AppError).message).toContain('Idempotency-Key');
      }
    }
  });
});

describe('idempotency comparison', () => {
  const stored = fingerprint(valid);
  test('the same request is a replay (uuid case does not matter)', () => {
    expect(isReplay(stored, { ...valid })).toBe(true);
    expect(isReplay(stored, { ...valid, orderId: valid.orderId.toUpperCase() })).toBe(true);
  });
  test.each([
    ['amount', { ...valid, amountCents: 2000 }],
    ['order', { ...valid, orderId: '1b7f3c1e-8a52-4d43-9d3e-6f5f0a1b2c3d' }],
    ['email', { ...valid, email: 'b@example.com' }],
  ])('a different %s is not', (_n, other) => expect(isReplay(stored, other)).toBe(false));
  test('the fingerprint does not contain the e-mail', () => expect(stored).toMatch(/^[0-9a-f]{64}$/));
});

describe('simulated latency', () => {
  test('centred on the median, capped, never negative', () => {
    expect(sampleLatencyMs(80, 0.5, 400, () => 0.25)).toBe(80); // cos(π/2)≈0 → the median
    expect(sampleLatencyMs(80, 3, 400, () => 1e-12)).toBe(400);
    const samples = Array.from({ length: 2000 }, () => sampleLatencyMs(80, 0.5, 400));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(400);
    const sorted = samples.sort((a, b) => a - b);
    expect(sorted[1000]).toBeGreaterThan(65);
    expect(sorted[1000]).toBeLessThan(95);
  });
});
