import type pg from 'pg';
import { AppError, DependencyError, guard, type Service } from '@surge-lab/kit';
import { cancelUnpaid, findOrder, findReplay, markPaid, placeOrder } from './data-access/orders-repo.ts';
import type { Charge } from './data-access/remote.ts';
import { CheckoutRequest, fingerprint, idempotencyKey, normaliseLines, OrderIdParam, type CartLine } from './domain/checkout.ts';

export interface CheckoutDeps {
  pool: pg.Pool;
  cartLines: (cartId: string) => Promise<CartLine[]>;
  charge: (o: { id: string; totalCents: number; email: string }) => Promise<Charge>;
  orderTxCapacity: number;
}

export function buildApp(svc: Service, deps: CheckoutDeps) {
  const app = svc.app();
  const orders = svc.metrics.counter('orders_total', 'Checkout outcomes', ['outcome']);
  const payments = svc.metrics.counter('payments_total', 'Payment outcomes', ['result']);
  // The order transaction is the scarce resource: a bulkhead sheds (429) instead of queueing.
  // An open breaker tries the primary again every 2 s (not the default 5): after a failover the
  // new leader takes writes as soon as the router sees it, and a 5 s wait was a quarter of the
  // whole write outage (Patroni's TTL, 20 s, is the rest).
  const place = guard(svc.metrics, { name: 'checkout-db-order', timeoutMs: 5_000, idempotent: false, capacity: deps.orderTxCapacity, resetTimeoutMs: 2_000 },
    (_s, key: string, fp: string, email: string, lines: CartLine[]) => placeOrder(deps.pool, key, fp, email, lines));
  const read = guard(svc.metrics, { name: 'checkout-db-read', timeoutMs: 2_000, idempotent: true, retries: 1, capacity: 64, resetTimeoutMs: 2_000 },
    (_s, fn: () => Promise<unknown>) => fn());

  app.post('/api/checkout', async (req, res) => {
    const key = idempotencyKey(req.headers['idempotency-key']);
    const body = CheckoutRequest.parse(req.body ?? {});
    const fp = fingerprint(body);
    // A replay is answered before the cart is read: the cart may have changed since.
    let result = (await read(() => findReplay(deps.pool, key, fp))) as Awaited<ReturnType<typeof findReplay>>;
    if (!result) {
      const lines = normaliseLines(await deps.cartLines(body.cartId));
      if (lines.length === 0) throw new AppError({ code: 'CART_EMPTY', message: `cart ${body.cartId} has no items`, details: { cartId: body.cartId } });
      try {
        result = await place(key, fp, body.email, lines);
      } catch (err) {
        if (err instanceof AppError) orders.inc({ outcome: err.code === 'OUT_OF_STOCK' ? 'out_of_stock' : err.code === 'OVERLOADED' ? 'shed' : 'rejected' });
        throw err;
      }
    }
    if (result.replayed) {
      orders.inc({ outcome: 'replayed' });
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(200).json(result.order);
      return;
    }
    let order = result.order;
    try {
      const charge = await deps.charge(order);
      if (await markPaid(deps.pool, order.id, charge.chargeId)) order = { ...order, status: 'placed', paymentId: charge.chargeId };
      payments.inc({ result: 'captured' });
    } catch (err) {
      if (err instanceof AppError && err.code === 'PAYMENT_DECLINED') {
        // Declined: the order is cancelled and its units released before the shopper hears 402.
        await cancelUnpaid(deps.pool, order.id);
        payments.inc({ result: 'declined' });
        orders.inc({ outcome: 'payment_declined' });
        throw err;
      }
      // Payment slow or down: the order stands, accepted as payment_pending; the capture job retries.
      if (!(err instanceof DependencyError)) throw err;
      payments.inc({ result: 'deferred' });
    }
    orders.inc({ outcome: order.status === 'placed' ? 'placed' : 'payment_pending' });
    res.setHeader('Location', `/api/orders/${order.id}`);
    res.status(order.status === 'placed' ? 201 : 202).json(order);
  });

  app.get('/api/orders/:id', async (req, res) => {
    const { id } = OrderIdParam.parse(req.params);
    const order = await read(() => findOrder(deps.pool, id));
    if (!order) throw new AppError({ code: 'ORDER_NOT_FOUND', message: `no order ${id}`, details: { orderId: id } });
    res.setHeader('Cache-Control', 'no-store');
    res.json(order);
  });

  return svc.finish(app);
}
