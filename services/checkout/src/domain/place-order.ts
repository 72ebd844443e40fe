// The checkout flow as a use case over ports (cart, orders, payment, counters), so it runs
// in-process against fakes. Expected business answers come back as outcome values; operational
// failures (a dependency down or slow, its breaker open, a bulkhead full) stay thrown AppErrors.
import { AppError, DependencyError } from '@surge-lab/kit';
import { type CartLine, type CheckoutRequest, fingerprint, normaliseLines, type Order } from './checkout.ts';

export interface CartPort {
  /** The cart's lines; undefined when there is no such cart. */
  lines(cartId: string): Promise<CartLine[] | undefined>;
}

export type Replay = { kind: 'replayed'; order: Order } | { kind: 'key_reused' } | { kind: 'in_progress' };
export type OutOfStock = { kind: 'out_of_stock'; productId: string; requested: number; available: number };
export type ProductNotFound = { kind: 'product_not_found'; productId: string };
export type Placement = { kind: 'placed'; order: Order } | Replay | OutOfStock | ProductNotFound;

export interface NewOrder {
  key: string;
  fingerprint: string;
  email: string;
  lines: CartLine[];
}

export interface OrdersRepo {
  /** What an earlier request with this key became; undefined when the key is new. */
  findReplay(key: string, fingerprint: string): Promise<Replay | undefined>;
  /**
   * One transaction: claim the key, take each line's units from stock (never below zero), write the
   * payment_pending order. A key claimed meanwhile by a concurrent request answers as a replay.
   */
  place(order: NewOrder): Promise<Placement>;
  /** payment_pending -> placed; false when the order was no longer pending. */
  markPaid(orderId: string, paymentId: string): Promise<boolean>;
  /** payment_pending -> cancelled, its units back in stock; false when it was no longer pending. */
  cancelUnpaid(orderId: string): Promise<boolean>;
  findOrder(id: string): Promise<Order | undefined>;
}

export type ChargeResult = { kind: 'captured'; chargeId: string } | { kind: 'declined'; reason: string };
export interface PaymentPort {
  charge(order: Pick<Order, 'id' | 'totalCents' | 'email'>): Promise<ChargeResult>;
}

export type OrderCount = 'placed' | 'payment_pending' | 'replayed' | 'out_of_stock' | 'payment_declined' | 'shed' | 'rejected';
export type PaymentCount = 'captured' | 'declined' | 'deferred';
/** orders_total{outcome} and payments_total{result}: dashboards, alerts and game days read them. */
export interface CheckoutCounters {
  order(outcome: OrderCount): void;
  payment(result: PaymentCount): void;
}

export interface PlaceOrderPorts {
  cart: CartPort;
  orders: OrdersRepo;
  payment: PaymentPort;
  counters: CheckoutCounters;
}

export type PlaceOrderOutcome =
  | { kind: 'placed'; order: Order }
  | { kind: 'payment_pending'; order: Order }
  | Replay
  | OutOfStock
  | ProductNotFound
  | { kind: 'cart_not_found'; cartId: string }
  | { kind: 'cart_empty'; cartId: string }
  | { kind: 'declined'; orderId: string; reason: string };

export async function placeOrder(ports: PlaceOrderPorts, cmd: { key: string; request: CheckoutRequest }): Promise<PlaceOrderOutcome> {
  const { cart, orders, counters } = ports;
  const { key, request } = cmd;
  const fp = fingerprint(request);
  // A replay is answered before the cart is read: the cart may have changed since.
  const earlier = await orders.findReplay(key, fp);
  if (earlier) {
    if (earlier.kind === 'replayed') counters.order('replayed');
    return earlier;
  }
  const cartLines = await cart.lines(request.cartId);
  if (!cartLines) return { kind: 'cart_not_found', cartId: request.cartId };
  const lines = normaliseLines(cartLines);
  if (lines.length === 0) return { kind: 'cart_empty', cartId: request.cartId };

  let placed: Placement;
  try {
    placed = await orders.place({ key, fingerprint: fp, email: request.email, lines });
  } catch (err) {
    if (err instanceof AppError) counters.order(err.code === 'OVERLOADED' ? 'shed' : 'rejected');
    throw err;
  }
  if (placed.kind !== 'placed') {
    // Refusals found inside the order transaction (the key raced, a product vanished) count as rejected.
    counters.order(placed.kind === 'replayed' ? 'replayed' : placed.kind === 'out_of_stock' ? 'out_of_stock' : 'rejected');
    return placed;
  }
  return pay(ports, placed.order);
}

/** The order stands (payment_pending) before the charge, so a slow or down payment service never loses it. */
async function pay({ orders, payment, counters }: PlaceOrderPorts, order: Order): Promise<PlaceOrderOutcome> {
  let charge: ChargeResult;
  let paid = false;
  try {
    charge = await payment.charge(order);
    if (charge.kind === 'captured') paid = await orders.markPaid(order.id, charge.chargeId);
  } catch (err) {
    // Payment slow or down, or the request's budget spent before it answered: accepted as
    // payment_pending; the capture job retries. Anything else is not ours to absorb.
    if (!(err instanceof DependencyError) && !(err instanceof AppError && err.code === 'DEADLINE_EXCEEDED')) throw err;
    counters.payment('deferred');
    counters.order('payment_pending');
    return { kind: 'payment_pending', order };
  }
  if (charge.kind === 'declined') {
    // Declined: the order is cancelled and its units released before the shopper hears of it.
    await orders.cancelUnpaid(order.id);
    counters.payment('declined');
    counters.order('payment_declined');
    return { kind: 'declined', orderId: order.id, reason: charge.reason };
  }
  counters.payment('captured');
  // Not paid here means the order left payment_pending meanwhile: it is answered as it was placed.
  if (!paid) {
    counters.order('payment_pending');
    return { kind: 'payment_pending', order };
  }
  counters.order('placed');
  return { kind: 'placed', order: { ...order, status: 'placed', paymentId: charge.chargeId } };
}
