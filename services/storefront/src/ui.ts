// DOM helpers shared by the views. Text is always set as text (never innerHTML): product names
// and search terms come from outside.
import { type Attrs, h } from '@surge-lab/web-kit/dom';
import type { ApiClient } from './api.ts';
import { ApiError } from './api.ts';
import type { CartService } from './cart.ts';
import type { Checkout } from './checkout.ts';
import { countdown } from './countdown.ts';
import { busyMessage, isBusy, isRetryable, type MessageContext, retryDelayS, userMessage } from './messages.ts';
import type { Route } from './router.ts';

export { h };

/** A link the router handles (no page load). */
export const link = (href: string, text: string, attrs: Attrs = {}) => h('a', { href, 'data-link': true, ...attrs }, text);

/** What every view gets. */
export interface Ctx {
  api: ApiClient;
  cart: CartService;
  checkout: Checkout;
  route: Route;
  /** Aborted when the shopper leaves the page: stops polling and late renders. */
  signal: AbortSignal;
  navigate: (href: string, state?: unknown) => void;
  /** Polite announcement (status), or assertive (errors). */
  announce: (message: string, assertive?: boolean) => void;
  /** Shows the "may be a few seconds old" notice when any answer on this page was stale. */
  noteStale: (stale: boolean) => void;
  setCartCount: (n: number | undefined) => void;
  setTitle: (title: string) => void;
  /** history.state of this page (e.g. the checkout's answer on the order page). */
  state: unknown;
}

export interface ProblemOptions extends MessageContext {
  /** Called when the shopper (or, with `auto`, the countdown) retries. */
  retry?: () => void;
  /** Retry by itself when the countdown ends (safe reads). Otherwise the button waits for the shopper. */
  auto?: boolean;
  retryLabel?: string;
  /** Called when retrying becomes possible: at once, or when a busy countdown ends. */
  onRetryAllowed?: () => void;
  /** Extra content under the message (a link to the cart…). */
  extra?: Node;
}

/**
 * Shows an error in `box` (visible, not live) and announces it once through the page's live
 * region. A 429/503 shows "The shop is busy — try again in N s" counting down; a retry button
 * (and `onRetryAllowed`) waits until the count ends. Errors that retrying cannot fix (404, 409
 * out of stock, 402…) get no retry. Returns a cancel function for the countdown.
 */
export function showProblem(ctx: Ctx, box: HTMLElement, e: unknown, o: ProblemOptions = {}): () => void {
  box.replaceChildren();
  box.hidden = false;
  if (!(e instanceof ApiError)) {
    const msg = 'Something went wrong in this page. Please reload it.';
    box.append(h('p', {}, msg));
    ctx.announce(msg, true);
    console.error(e);
    return () => {};
  }
  const msg = userMessage(e, o);
  const text = h('p', { class: 'problem-text' }, msg);
  box.append(text);
  if (o.extra) box.append(o.extra);
  ctx.announce(msg, true);
  let cancel = () => {};
  const retry = o.retry;
  if (!isRetryable(e) || (!retry && !o.onRetryAllowed)) return cancel;
  const button = retry ? h('button', { type: 'button', class: 'secondary' }, o.retryLabel ?? 'Try again') : undefined;
  button?.addEventListener('click', () => {
    cancel();
    retry?.();
  });
  if (button) box.append(button);
  if (!isBusy(e)) {
    o.onRetryAllowed?.();
    return cancel;
  }
  if (button) button.disabled = true;
  cancel = countdown(
    retryDelayS(e),
    (left) => {
      text.textContent = busyMessage(left);
    },
    () => {
      if (ctx.signal.aborted) return;
      if (o.auto && retry) {
        ctx.announce('Trying again now.');
        retry();
        return;
      }
      text.textContent = 'The shop should have room again. You can try again now.';
      if (button) button.disabled = false;
      o.onRetryAllowed?.();
      ctx.announce('You can try again now.');
    },
  );
  ctx.signal.addEventListener('abort', cancel, { once: true });
  return cancel;
}

export function clearProblem(box: HTMLElement): void {
  box.replaceChildren();
  box.hidden = true;
}

export const problemBox = () => h('div', { class: 'problem', hidden: true });
