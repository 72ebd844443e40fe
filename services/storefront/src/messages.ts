// What the shopper reads: API errors and order statuses in plain words. Pure functions.
import type { ApiError, OrderStatus } from './api.ts';

/** Seconds to wait when a 429/503 comes without a readable Retry-After. */
export const DEFAULT_RETRY_S = 5;

export const busyMessage = (seconds: number) => `The shop is busy — try again in ${seconds} s`;

/** Whether the same request may simply be sent again later (with the same Idempotency-Key for checkout). */
export function isRetryable(e: ApiError): boolean {
  if (e.kind !== 'http') return true; // no answer: the outcome is unknown, retrying is the way to learn it
  if (e.code === 'IDEMPOTENCY_IN_PROGRESS') return true;
  return e.status === 429 || e.status >= 500;
}

/** Whether the shopper should see a countdown before trying again. */
export function isBusy(e: ApiError): boolean {
  return e.kind === 'http' && (e.status === 429 || e.status === 503);
}

/** Seconds before a retry: Retry-After when the API sent one. */
export function retryDelayS(e: ApiError): number {
  return e.retryAfterS ?? (e.code === 'IDEMPOTENCY_IN_PROGRESS' ? 1 : DEFAULT_RETRY_S);
}

export interface MessageContext {
  /** A product's name, when the page knows it, for messages that name a product id. */
  productName?: (productId: string) => string | undefined;
}

interface OutOfStockDetails {
  productId?: unknown;
  requested?: unknown;
  available?: unknown;
}
interface FieldProblem {
  field?: unknown;
  problem?: unknown;
}

const FIELD_NAMES: Record<string, string> = { email: 'Email address', quantity: 'Quantity', q: 'Search', cartId: 'Cart', category: 'Category' };

/** One sentence (or two) for the shopper; never a stack, never an error code alone. */
export function userMessage(e: ApiError, ctx: MessageContext = {}): string {
  if (e.kind === 'network') return 'We can’t reach the shop right now. Check your connection and try again.';
  if (e.kind === 'timeout') return 'The shop is taking too long to answer. Please try again in a moment.';
  const ref = e.requestId ? ` (reference ${e.requestId})` : '';
  switch (e.code) {
    case 'OUT_OF_STOCK': {
      const d = (e.details ?? {}) as OutOfStockDetails;
      const id = typeof d.productId === 'string' ? d.productId : undefined;
      const name = (id && ctx.productName?.(id)) || (id ? `Product ${id}` : 'one of the products in your cart');
      const available = typeof d.available === 'number' ? d.available : undefined;
      if (available === 0) return `Sorry, ${name} is out of stock. Remove it from your cart to place your order.`;
      if (available !== undefined) return `Sorry, only ${available} of ${name} ${available === 1 ? 'is' : 'are'} left. Lower the quantity in your cart to place your order.`;
      return `Sorry, ${name} is out of stock. Change your cart to place your order.`;
    }
    case 'CART_EMPTY':
      return 'Your cart is empty. Add something before checking out.';
    case 'IDEMPOTENCY_IN_PROGRESS':
      return 'Your order is still being placed. We’ll check again in a moment — please don’t close this page.';
    case 'IDEMPOTENCY_KEY_REUSED':
      return 'This order attempt no longer matches your cart. Please place the order again.';
    case 'PAYMENT_DECLINED':
      return 'Your payment was declined, so the order was cancelled. Nothing was charged.';
    case 'CART_NOT_FOUND':
      return 'Your cart has expired. Please add your items again.';
    case 'PRODUCT_NOT_FOUND':
      return 'We couldn’t find that product. It may have been removed.';
    case 'ORDER_NOT_FOUND':
      return 'We couldn’t find that order. Check the link you followed.';
    case 'REQUEST_VALIDATION_FAILED':
      return validationMessage(e.details);
    case 'DEPENDENCY_TIMEOUT':
      return 'The shop is taking too long to answer. Please try again in a moment.';
  }
  if (isBusy(e)) return busyMessage(retryDelayS(e));
  if (e.status === 402) return 'Your payment was declined, so the order was cancelled. Nothing was charged.';
  if (e.status === 409) return 'Your cart changed while you were checking out. Please review it and try again.';
  if (e.status === 404) return 'We couldn’t find what you were looking for.';
  if (e.status >= 500) return `Something went wrong on our side. Please try again${ref}.`;
  return `Something about that request didn’t work. Please check and try again${ref}.`;
}

function validationMessage(details: unknown): string {
  const problems = Array.isArray(details) ? (details as FieldProblem[]) : [];
  const parts = problems.filter((p) => typeof p.field === 'string').map((p) => `${FIELD_NAMES[p.field as string] ?? p.field}: ${typeof p.problem === 'string' ? p.problem : 'is not valid'}`);
  return parts.length ? `Please check: ${parts.join('; ')}.` : 'Please check what you entered and try again.';
}

/** The order's progress as the storefront shows it (payment_pending and cancelled are off the main line). */
export const ORDER_STEPS = ['placed', 'confirmed', 'shipped'] as const satisfies readonly OrderStatus[];

/** Statuses after which an order never changes (polling stops). */
export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['shipped', 'cancelled']);

export interface StatusText {
  label: string;
  text: string;
}

export function orderStatusText(status: OrderStatus): StatusText {
  switch (status) {
    case 'payment_pending':
      return { label: 'Payment processing', text: 'Your payment is being processed; the order is safe. This page updates by itself when it goes through.' };
    case 'placed':
      return { label: 'Placed', text: 'Thank you! Your order is placed and paid. We’re getting it ready.' };
    case 'confirmed':
      return { label: 'Confirmed', text: 'Your order is confirmed and being packed.' };
    case 'shipped':
      return { label: 'Shipped', text: 'Your order has shipped.' };
    case 'cancelled':
      return { label: 'Cancelled', text: 'This order was cancelled because the payment was declined. Nothing was charged.' };
  }
}

/** Step i of ORDER_STEPS for a status: 'done', 'current' or 'todo'. A pending payment has no step done yet. */
export function stepState(status: OrderStatus, step: (typeof ORDER_STEPS)[number]): 'done' | 'current' | 'todo' {
  const at = (ORDER_STEPS as readonly OrderStatus[]).indexOf(status);
  const i = ORDER_STEPS.indexOf(step);
  if (at < 0) return 'todo';
  return i < at ? 'done' : i === at ? (status === 'shipped' ? 'done' : 'current') : 'todo';
}

export const STALE_NOTICE = 'Prices and stock may be a few seconds old.';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
export const formatPrice = (cents: number) => money.format(cents / 100);
