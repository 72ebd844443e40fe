// Charge requests: validation, the idempotency key, the request fingerprint that tells a
// replay from a reuse of the key, and the simulated processor latency.
import { createHash } from 'node:crypto';
import { EmailAddress } from '@surge-lab/contracts/orders';
import { AppError } from '@surge-lab/kit';
import { z } from 'zod';

export const ChargeRequest = z.strictObject({
  orderId: z.uuid(),
  amountCents: z.number().int().positive().max(2_147_483_647), // fits the integer column
  email: EmailAddress,
});
export type ChargeRequest = z.infer<typeof ChargeRequest>;

const KEY = /^[A-Za-z0-9_-]{1,128}$/;

export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new AppError({ code: 'REQUEST_MISSING_IDEMPOTENCY_KEY', message: 'the Idempotency-Key header is required', details: [{ field: 'Idempotency-Key', problem: 'required' }] });
  }
  if (!KEY.test(header)) {
    throw new AppError({
      code: 'REQUEST_VALIDATION_FAILED',
      message: 'invalid request: Idempotency-Key: must be 1-128 characters of A-Z a-z 0-9 _ -',
      details: [{ field: 'Idempotency-Key', problem: 'must be 1-128 characters of A-Z a-z 0-9 _ -' }],
    });
  }
  return header;
}

/**
 * Test mode, like a card processor's test cards: an address whose local part ends in +decline
 * (shopper+decline@example.com) is declined, so the decline path can be exercised end to end.
 */
export const declines = (r: ChargeRequest): boolean => /\+decline@/i.test(r.email);

/** A hash of the request, stored instead of the e-mail itself (the processor keeps no PII). */
export function fingerprint(r: ChargeRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([r.orderId.toLowerCase(), r.amountCents, r.email]))
    .digest('hex');
}

/** Same key, same request: a replay. Same key, another request: a client bug (422). */
export function isReplay(storedFingerprint: string, incoming: ChargeRequest): boolean {
  return storedFingerprint === fingerprint(incoming);
}

/** Log-normal latency with the given median, capped: mostly fast, with a realistic tail. */
export function sampleLatencyMs(medianMs: number, sigma: number, capMs: number, random = Math.random): number {
  const u1 = random() || Number.MIN_VALUE;
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
  return Math.min(capMs, Math.round(medianMs * Math.exp(sigma * normal)));
}
