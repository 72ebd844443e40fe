// Deletes carts idle past their expiry (carts have no Redis TTL, see cart-store.ts). Every
// replica may run it: the sweep script is atomic, so two sweepers never half-delete a cart.
import { type Logger, type Metrics, startLoop } from '@surge-lab/kit';
import type { CartStore } from './data-access/cart-store.ts';

export interface Sweeper {
  runOnce(now?: number): Promise<number>;
  close(): Promise<void>;
}

export function startSweeper(store: CartStore, opts: { intervalMs: number; logger: Logger; metrics: Metrics }): Sweeper {
  const swept = opts.metrics.counter('cart_carts_swept_total', 'Idle carts deleted by the sweeper', []);
  const runOnce = async (now?: number) => {
    const n = await store.sweep(now);
    swept.inc(n);
    if (n > 0) opts.logger.info({ swept: n }, 'swept idle carts');
    return n;
  };
  // A full batch runs again at once; failures back off (Redis down).
  const loop = startLoop({ name: 'cart-sweep', intervalMs: opts.intervalMs, maxBackoffMs: opts.intervalMs, logger: opts.logger, run: () => runOnce() });
  return { runOnce, close: () => loop.stop() };
}
