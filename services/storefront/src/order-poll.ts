// Follows an order until it is shipped or cancelled: GET /api/orders/{id} every interval, and
// after a busy or failed read waits at least the Retry-After the shop asked for.
import { type ApiClient, ApiError, type Order } from './api.ts';
import { FINAL_STATUSES, isRetryable, retryDelayS } from './messages.ts';

export interface PollOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  onOrder: (order: Order) => void;
  /** A read failed; `retryInS` is set when polling goes on. */
  onError?: (e: ApiError, retryInS: number | undefined) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const POLL_INTERVAL_MS = 1_500;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Resolves with the final order, or undefined when stopped (signal) or when the order cannot be
 * read for a reason retrying does not fix (404, 400).
 */
export async function pollOrder(api: ApiClient, id: string, o: PollOptions): Promise<Order | undefined> {
  const interval = o.intervalMs ?? POLL_INTERVAL_MS;
  const wait = o.sleep ?? sleep;
  let lastUpdate = '';
  while (!o.signal?.aborted) {
    let delay = interval;
    try {
      const r = await api.order(id, o.signal);
      const seen = `${r.body.status}|${r.body.updatedAt}`;
      if (seen !== lastUpdate) {
        lastUpdate = seen;
        o.onOrder(r.body);
      }
      if (FINAL_STATUSES.has(r.body.status)) return r.body;
    } catch (e) {
      if (o.signal?.aborted) return undefined;
      if (!(e instanceof ApiError)) throw e;
      if (!isRetryable(e)) {
        o.onError?.(e, undefined);
        return undefined;
      }
      const s = retryDelayS(e);
      delay = Math.max(interval, s * 1000);
      o.onError?.(e, Math.ceil(delay / 1000));
    }
    await wait(delay, o.signal);
  }
  return undefined;
}
