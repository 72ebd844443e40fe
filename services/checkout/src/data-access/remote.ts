// HTTP clients of checkout, the cart and payment ports: the cart service (read the cart) and the
// payment service (charge). Business answers are values; operational failures throw DependencyError.

import { PRODUCT_ID } from '@surge-lab/contracts/products';
import { budgetHeaders, DependencyError, guard, type HttpAnswer, httpRequest, type Metrics } from '@surge-lab/kit';
import type { CartLine } from '../domain/checkout.ts';
import type { CartPort, ChargeResult, PaymentPort } from '../domain/place-order.ts';

function errorCode(res: HttpAnswer): string | undefined {
  try {
    return (res.json() as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export function cartClient(baseUrl: string, metrics: Metrics): CartPort {
  const read = guard(metrics, { name: 'checkout-cart', timeoutMs: 800, idempotent: true, retries: 1, capacity: 64 }, async (signal, cartId: string): Promise<CartLine[] | undefined> => {
    const res = await httpRequest(`${baseUrl}/api/carts/${cartId}`, { signal, headers: budgetHeaders() });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new DependencyError('cart', { cause: new Error(`cart answered ${res.status} ${errorCode(res) ?? ''}`) });
    const body = res.json() as { items?: { productId: string; quantity: number }[] };
    const lines = (body.items ?? []).filter((l) => PRODUCT_ID.test(l.productId) && Number.isInteger(l.quantity) && l.quantity > 0);
    return lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));
  });
  return { lines: read };
}

/** Charges are idempotent by key (one key per order), so a retried or repeated call charges once. */
export function paymentClient(baseUrl: string, metrics: Metrics, timeoutMs: number): PaymentPort {
  const charge = guard(
    metrics,
    { name: 'checkout-payment', timeoutMs, idempotent: true, retries: 0, capacity: 64, resetTimeoutMs: 5_000 },
    async (signal, order: { id: string; totalCents: number; email: string }): Promise<ChargeResult> => {
      const res = await httpRequest(`${baseUrl}/charges`, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', 'idempotency-key': `order-${order.id}`, ...budgetHeaders() },
        body: JSON.stringify({ orderId: order.id, amountCents: order.totalCents, email: order.email }),
      });
      if (res.status === 402) return { kind: 'declined', reason: 'payment declined' };
      // Any other refusal of this request (400, 422) will not change on retry: the charge is refused for good.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        return { kind: 'declined', reason: `the payment service refused the charge (${res.status} ${errorCode(res) ?? ''})`.trim() };
      }
      if (res.status < 200 || res.status > 299) throw new DependencyError('payment', { cause: new Error(`payment answered ${res.status} ${errorCode(res) ?? ''}`) });
      return { kind: 'captured', chargeId: (res.json() as { chargeId: string }).chargeId };
    },
  );
  return { charge };
}
