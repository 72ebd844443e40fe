import { randomUUID } from 'node:crypto';
import type { OrderPlacedEvent } from '@surge-lab/contracts/orders';

export const sampleEvent = (over: Partial<OrderPlacedEvent> = {}): OrderPlacedEvent => ({
  eventId: randomUUID(),
  type: 'order.placed',
  orderId: randomUUID(),
  occurredAt: new Date().toISOString(),
  email: 'a@example.com',
  totalCents: 1_000,
  lines: [{ productId: 'p-1', quantity: 2, priceCents: 500 }],
  ...over,
});
