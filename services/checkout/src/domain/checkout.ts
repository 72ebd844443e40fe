// Checkout rules: the request, the idempotency key, the fingerprint that tells a replay from a
// reuse of a key with another body, and the public order form.
import { createHash } from 'node:crypto';
import { EmailAddress, type Order, type OrderLine } from '@surge-lab/contracts/orders';

export type { Order, OrderLine };

import { AppError } from '@surge-lab/kit';
import { z } from 'zod';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

export const CheckoutRequest = z
  .object({
    cartId: z.string().uuid('must be a cart id (UUID)'),
    email: EmailAddress,
  })
  .strict();
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

export const OrderIdParam = z.object({ id: z.string().uuid('must be an order id (UUID)') });

export function idempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new AppError({ code: 'REQUEST_MISSING_IDEMPOTENCY_KEY', message: 'Idempotency-Key header is required (8-128 characters of A-Z a-z 0-9 _ -)' });
  }
  const key = Array.isArray(header) ? header[0]! : header;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError({ code: 'REQUEST_MISSING_IDEMPOTENCY_KEY', message: 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ -', details: { header: 'Idempotency-Key' } });
  }
  return key;
}

export const fingerprint = (r: CheckoutRequest) =>
  createHash('sha256')
    .update(JSON.stringify([r.cartId, r.email.toLowerCase()]))
    .digest('hex');

export interface CartLine {
  productId: string;
  quantity: number;
}

/** Merges duplicate products and sorts by id, so concurrent orders lock stock rows in one order (no deadlocks). */
export function normaliseLines(lines: CartLine[]): CartLine[] {
  const byId = new Map<string, number>();
  for (const l of lines) byId.set(l.productId, (byId.get(l.productId) ?? 0) + l.quantity);
  return [...byId].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => a.productId.localeCompare(b.productId));
}

export const totalOf = (lines: Pick<OrderLine, 'quantity' | 'priceCents'>[]) => lines.reduce((s, l) => s + l.quantity * l.priceCents, 0);

const CAPTURE_BACKOFF_MAX_S = 30;

/** Seconds until the next payment attempt after `attempts` attempts: 1, 2, 4 … capped at 30. */
export const captureBackoffSeconds = (attempts: number) => Math.min(CAPTURE_BACKOFF_MAX_S, 2 ** Math.max(0, attempts - 1));

/**
 * The capture backoff is defined once, here in TS, where a unit test pins it; the claim statement
 * only indexes this table, so it stays one atomic UPDATE timed by the database's clock.
 * Entry i is the wait after attempt i + 1; the last (the cap) holds for every later attempt.
 */
export const CAPTURE_BACKOFF_TABLE: readonly number[] = (() => {
  const table: number[] = [];
  for (let attempt = 1; table.at(-1) !== CAPTURE_BACKOFF_MAX_S; attempt++) table.push(captureBackoffSeconds(attempt));
  return table;
})();
