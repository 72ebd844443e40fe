// The order contract shared by checkout (writes orders, publishes events) and fulfilment
// (consumes them): statuses, the legal transitions, and the event schema on Kafka.
import { z } from 'zod';

export const ORDER_STATUSES = ['payment_pending', 'placed', 'confirmed', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Every legal move of an order. Anything else is an illegal transition (409). */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  payment_pending: ['placed', 'cancelled'], // payment captured later, or declined
  placed: ['confirmed'], // fulfilment accepted the order
  confirmed: ['shipped'],
  shipped: [],
  cancelled: [],
};

/** An order as checkout answers it (GET /api/orders/{id}, and the body of a checkout). */
export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  priceCents: number;
}
export interface Order {
  id: string;
  status: OrderStatus;
  email: string;
  totalCents: number;
  lines: OrderLine[];
  paymentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

// RFC 5322 atext plus Unicode letters and digits (RFC 6531), and a dotted domain. Checkout and
// payment validate with this one schema: an address checkout accepts, payment must accept too,
// or an accepted order could never be paid (it once stayed payment_pending for good).
const EMAIL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}@[\p{L}\p{N}-]{1,63}(\.[\p{L}\p{N}-]{1,63})+$/u;
export const EmailAddress = z.string().trim().max(254, 'at most 254 characters').regex(EMAIL, 'must be an email address');

export const ORDERS_TOPIC = 'orders';
export const ORDERS_DLQ_TOPIC = 'orders.dlq';

/** Published once per order, when its payment is captured (at checkout, or later by the capture job). */
export const OrderPlacedEvent = z.object({
  eventId: z.string().uuid(),
  type: z.literal('order.placed'),
  orderId: z.string().uuid(),
  occurredAt: z.string().datetime(),
  email: z.string(),
  totalCents: z.number().int().nonnegative(),
  lines: z.array(z.object({ productId: z.string(), quantity: z.number().int().positive(), priceCents: z.number().int().nonnegative() })).min(1),
});
export type OrderPlacedEvent = z.infer<typeof OrderPlacedEvent>;
