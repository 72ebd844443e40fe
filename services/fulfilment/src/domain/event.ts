// Parses one Kafka message value into an OrderPlacedEvent, or says why it cannot be (DLQ).
import { OrderPlacedEvent } from '@surge-lab/contracts/orders';

export type ParsedEvent = { ok: true; event: OrderPlacedEvent } | { ok: false; reason: 'unparseable' | 'invalid'; error: string };

export function parseOrderEvent(value: Buffer | string | null | undefined): ParsedEvent {
  if (value === null || value === undefined || value.length === 0) return { ok: false, reason: 'unparseable', error: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (err) {
    return { ok: false, reason: 'unparseable', error: `not JSON: ${(err as Error).message}` };
  }
  const result = OrderPlacedEvent.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, reason: 'invalid', error: `not an OrderPlacedEvent: ${problems.join('; ')}` };
}
