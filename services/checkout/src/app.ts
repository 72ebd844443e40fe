import { AppError, type Service } from '@surge-lab/kit';
import { CheckoutRequest, idempotencyKey, OrderIdParam } from './domain/checkout.ts';
import { type CartPort, type OrdersRepo, type PaymentPort, type PlaceOrderOutcome, placeOrder } from './domain/place-order.ts';

export interface CheckoutDeps {
  orders: OrdersRepo;
  cart: CartPort;
  payment: PaymentPort;
  /** Told of every order this replica committed (its relay publishes the event at once). */
  onOrderCommitted?: () => void;
}

type Refusal = Exclude<PlaceOrderOutcome, { kind: 'placed' | 'payment_pending' | 'replayed' }>;

/** A refused checkout as the error clients branch on (code, message, details, Retry-After). */
function refusal(o: Refusal): AppError {
  switch (o.kind) {
    case 'in_progress':
      return new AppError({ code: 'IDEMPOTENCY_IN_PROGRESS', message: 'an order with this Idempotency-Key is being placed; retry shortly', retryAfter: 1 });
    case 'key_reused':
      return new AppError({ code: 'IDEMPOTENCY_KEY_REUSED', message: 'this Idempotency-Key was used for a different request', details: { header: 'Idempotency-Key' } });
    case 'cart_not_found':
      return new AppError({ code: 'CART_NOT_FOUND', message: `no cart ${o.cartId}`, details: { cartId: o.cartId } });
    case 'cart_empty':
      return new AppError({ code: 'CART_EMPTY', message: `cart ${o.cartId} has no items`, details: { cartId: o.cartId } });
    case 'product_not_found':
      return new AppError({ code: 'PRODUCT_NOT_FOUND', message: `product ${o.productId} in the cart no longer exists`, details: { productId: o.productId } });
    case 'out_of_stock':
      return new AppError({
        code: 'OUT_OF_STOCK',
        message: `not enough stock of ${o.productId}: ${o.requested} wanted, ${o.available} left`,
        details: { productId: o.productId, requested: o.requested, available: o.available },
      });
    case 'declined':
      return new AppError({ code: 'PAYMENT_DECLINED', message: o.reason, details: { orderId: o.orderId } });
  }
}

export function buildApp(svc: Service, deps: CheckoutDeps) {
  const app = svc.app();
  const orders = svc.metrics.counter('orders_total', 'Checkout outcomes', ['outcome']);
  const payments = svc.metrics.counter('payments_total', 'Payment outcomes', ['result']);
  const ports = {
    ...deps,
    counters: { order: (outcome: string) => orders.inc({ outcome }), payment: (result: string) => payments.inc({ result }) },
  };

  app.post('/api/checkout', async (req, res) => {
    const key = idempotencyKey(req.headers['idempotency-key']);
    const request = CheckoutRequest.parse(req.body ?? {});
    const outcome = await placeOrder(ports, { key, request });
    if (outcome.kind === 'placed' || outcome.kind === 'payment_pending' || outcome.kind === 'declined') deps.onOrderCommitted?.();
    switch (outcome.kind) {
      case 'replayed':
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(200).json(outcome.order);
        return;
      case 'placed':
      case 'payment_pending':
        res.setHeader('Location', `/api/orders/${outcome.order.id}`);
        res.status(outcome.kind === 'placed' ? 201 : 202).json(outcome.order);
        return;
      default:
        throw refusal(outcome);
    }
  });

  app.get('/api/orders/:id', async (req, res) => {
    const { id } = OrderIdParam.parse(req.params);
    const order = await deps.orders.findOrder(id);
    if (!order) throw new AppError({ code: 'ORDER_NOT_FOUND', message: `no order ${id}`, details: { orderId: id } });
    res.setHeader('Cache-Control', 'no-store');
    res.json(order);
  });

  return svc.finish(app);
}
