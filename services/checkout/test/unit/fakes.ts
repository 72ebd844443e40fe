// Hand-written fakes of checkout's ports: an in-memory shop (stock, orders, idempotency keys)
// that behaves like the Postgres adapter, a cart and a payment service that record every call.
import { randomUUID } from 'node:crypto';
import { type CartLine, type Order, totalOf } from '../../src/domain/checkout.ts';
import type { CartPort, ChargeResult, CheckoutCounters, NewOrder, OrderCount, OrdersRepo, PaymentCount, PaymentPort, Placement, PlaceOrderPorts, Replay } from '../../src/domain/place-order.ts';

export interface Product {
  name: string;
  priceCents: number;
  stock: number;
}

export class FakeOrders implements OrdersRepo {
  readonly products = new Map<string, Product>();
  readonly orders = new Map<string, Order>();
  readonly keys = new Map<string, { fingerprint: string; orderId: string | null }>();
  readonly calls: string[] = [];
  /** Thrown by every call while set: the database down, its breaker open, a bulkhead full. */
  failure: Error | undefined;
  /** Runs inside `place` before the key is claimed: a concurrent request's moment. */
  beforePlace: (() => void) | undefined;

  constructor(products: Record<string, Product> = {}) {
    for (const [id, p] of Object.entries(products)) this.products.set(id, { ...p });
  }

  stock(productId: string) {
    return this.products.get(productId)?.stock;
  }

  private enter(call: string) {
    this.calls.push(call);
    if (this.failure) throw this.failure;
  }

  private replay(key: string, fp: string): Replay {
    const rec = this.keys.get(key);
    if (!rec?.orderId) return { kind: 'in_progress' };
    if (rec.fingerprint !== fp) return { kind: 'key_reused' };
    return { kind: 'replayed', order: structuredClone(this.orders.get(rec.orderId)!) };
  }

  async findReplay(key: string, fp: string) {
    this.enter('findReplay');
    return this.keys.has(key) ? this.replay(key, fp) : undefined;
  }

  async place(o: NewOrder): Promise<Placement> {
    this.enter('place');
    this.beforePlace?.();
    if (this.keys.has(o.key)) return this.replay(o.key, o.fingerprint);
    // Checked line by line in the given order, like the transaction's conditional decrements; nothing changes on a refusal.
    for (const l of o.lines) {
      const p = this.products.get(l.productId);
      if (!p) return { kind: 'product_not_found', productId: l.productId };
      if (p.stock < l.quantity) return { kind: 'out_of_stock', productId: l.productId, requested: l.quantity, available: p.stock };
    }
    const lines = o.lines.map((l) => {
      const p = this.products.get(l.productId)!;
      p.stock -= l.quantity;
      return { productId: l.productId, name: p.name, quantity: l.quantity, priceCents: p.priceCents };
    });
    const now = new Date().toISOString();
    const order: Order = { id: randomUUID(), status: 'payment_pending', email: o.email, totalCents: totalOf(lines), lines, paymentId: null, createdAt: now, updatedAt: now };
    this.orders.set(order.id, order);
    this.keys.set(o.key, { fingerprint: o.fingerprint, orderId: order.id });
    return { kind: 'placed', order: structuredClone(order) };
  }

  async markPaid(orderId: string, paymentId: string) {
    this.enter('markPaid');
    const o = this.orders.get(orderId);
    if (o?.status !== 'payment_pending') return false;
    Object.assign(o, { status: 'placed', paymentId, updatedAt: new Date().toISOString() });
    return true;
  }

  async cancelUnpaid(orderId: string) {
    this.enter('cancelUnpaid');
    const o = this.orders.get(orderId);
    if (o?.status !== 'payment_pending') return false;
    o.status = 'cancelled';
    for (const l of o.lines) this.products.get(l.productId)!.stock += l.quantity;
    return true;
  }

  async findOrder(id: string) {
    this.enter('findOrder');
    const o = this.orders.get(id);
    return o ? structuredClone(o) : undefined;
  }
}

export class FakeCart implements CartPort {
  readonly carts = new Map<string, CartLine[]>();
  readonly reads: string[] = [];
  failure: Error | undefined;
  async lines(cartId: string) {
    this.reads.push(cartId);
    if (this.failure) throw this.failure;
    return this.carts.get(cartId)?.map((l) => ({ ...l }));
  }
}

export class FakePayment implements PaymentPort {
  readonly charges: { id: string; totalCents: number; email: string }[] = [];
  /** What the next charges answer, or throw; by default captured as ch-1, ch-2 … */
  answer: () => ChargeResult | Promise<ChargeResult> = () => ({ kind: 'captured', chargeId: `ch-${this.charges.length}` });
  async charge(o: { id: string; totalCents: number; email: string }) {
    this.charges.push({ id: o.id, totalCents: o.totalCents, email: o.email });
    return this.answer();
  }
}

export class FakeCounters implements CheckoutCounters {
  readonly orders: OrderCount[] = [];
  readonly payments: PaymentCount[] = [];
  order(outcome: OrderCount) {
    this.orders.push(outcome);
  }
  payment(result: PaymentCount) {
    this.payments.push(result);
  }
}

export const CART_ID = '2f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f';
export const EMPTY_CART_ID = '3f1c7a8e-4a4e-4c59-9a53-0a5d6c7b8e9f';

/** A shop with two products, a cart holding both and an empty cart. */
export function fakeShop() {
  const orders = new FakeOrders({
    'p-00001': { name: 'Kettle', priceCents: 2_500, stock: 10 },
    'p-00002': { name: 'Mug', priceCents: 800, stock: 3 },
  });
  const cart = new FakeCart();
  cart.carts.set(CART_ID, [
    { productId: 'p-00002', quantity: 2 },
    { productId: 'p-00001', quantity: 1 },
  ]);
  cart.carts.set(EMPTY_CART_ID, []);
  const payment = new FakePayment();
  const counters = new FakeCounters();
  const ports: PlaceOrderPorts = { orders, cart, payment, counters };
  return { orders, cart, payment, counters, ports };
}
