// Checkout with one Idempotency-Key per attempt.
//
// An attempt is "place this cart for this email". Its key is made once and reused for:
//  - a second submit while the first is in flight (a double click): no second request is sent,
//    both callers get the first request's outcome;
//  - a retry after an answer that leaves the outcome open or asks to come back (network error,
//    timeout, 429, 5xx, 409 IDEMPOTENCY_IN_PROGRESS): the shop answers a retry of a placed order
//    with that order (200, Idempotent-Replayed), never a second order;
//  - a reload of the page mid-attempt: the attempt is persisted.
// A definitive answer ends the attempt (an order, 402 declined, 409 out of stock, 400…): the next
// submit is a new attempt with a new key. So does changing the email or the cart, because the
// shop refuses a key reused with a different body (422).
import { type ApiClient, ApiError, type Order } from './api.ts';
import { isRetryable } from './messages.ts';
import { type KeyValueStore, safe } from './storage.ts';

export const ATTEMPT_KEY = 'surge-lab.checkoutAttempt';

export interface CheckoutResult {
  order: Order;
  /** 201 placed and paid, 202 accepted with payment pending, 200 a replay of this attempt. */
  status: number;
  replayed: boolean;
}

interface Attempt {
  cartId: string;
  email: string;
  key: string;
}

/** A key the API accepts (^[A-Za-z0-9_-]{8,128}$), from the CSPRNG (works outside secure contexts too). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `sf-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const normaliseEmail = (email: string) => email.trim();

export class Checkout {
  readonly #api: ApiClient;
  readonly #store: KeyValueStore;
  readonly #newKey: () => string;
  #inFlight: { attempt: Attempt; promise: Promise<CheckoutResult> } | undefined;

  constructor(api: ApiClient, store: KeyValueStore, newKey: () => string = newIdempotencyKey) {
    this.#api = api;
    this.#store = store;
    this.#newKey = newKey;
  }

  /** True while a request is on its way (the page disables the button). */
  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  /** The key the next submit of (cartId, email) will use, if an attempt is open for them. */
  pendingKey(cartId: string, email: string): string | undefined {
    const a = this.#attempt();
    return a && a.cartId === cartId && a.email === normaliseEmail(email) ? a.key : undefined;
  }

  submit(cartId: string, email: string): Promise<CheckoutResult> {
    const mail = normaliseEmail(email);
    if (this.#inFlight) {
      const f = this.#inFlight;
      // A double submit of the same attempt joins it. A submit for different data while one is
      // in flight is refused rather than racing it: the page disables the form meanwhile.
      if (f.attempt.cartId === cartId && f.attempt.email === mail) return f.promise;
      return Promise.reject(new Error('a checkout is already in progress'));
    }
    let attempt = this.#attempt();
    if (!attempt || attempt.cartId !== cartId || attempt.email !== mail) {
      attempt = { cartId, email: mail, key: this.#newKey() };
      safe(() => this.#store.setItem(ATTEMPT_KEY, JSON.stringify(attempt)));
    }
    const a = attempt;
    const promise = this.#api
      .checkout(a.cartId, a.email, a.key)
      .then(
        (r) => {
          this.#end(a);
          return { order: r.body, status: r.status, replayed: r.replayed };
        },
        (e: unknown) => {
          if (!(e instanceof ApiError) || !isRetryable(e)) this.#end(a);
          throw e;
        },
      )
      .finally(() => {
        if (this.#inFlight?.promise === promise) this.#inFlight = undefined;
      });
    this.#inFlight = { attempt: a, promise };
    return promise;
  }

  #attempt(): Attempt | undefined {
    const raw = safe(() => this.#store.getItem(ATTEMPT_KEY));
    if (!raw) return undefined;
    try {
      const a = JSON.parse(raw) as Partial<Attempt>;
      if (typeof a.cartId === 'string' && typeof a.email === 'string' && typeof a.key === 'string') return { cartId: a.cartId, email: a.email, key: a.key };
    } catch {
      /* unreadable: a new attempt */
    }
    return undefined;
  }

  #end(a: Attempt): void {
    if (this.#attempt()?.key === a.key) safe(() => this.#store.removeItem(ATTEMPT_KEY));
  }
}
