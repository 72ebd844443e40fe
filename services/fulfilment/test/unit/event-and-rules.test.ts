import { describe, expect, test } from 'vitest';
import { parseOrderEvent } from '../../src/domain/event.ts';
import { canShip, decideConfirm } from '../../src/domain/rules.ts';
import { sampleEvent } from '../sample-event.ts';

describe('parseOrderEvent', () => {
  test('a valid event parses', () => {
    const e = sampleEvent();
    expect(parseOrderEvent(Buffer.from(JSON.stringify(e)))).toEqual({ ok: true, event: e });
  });
  test.each([
    ['null value', null],
    ['empty value', Buffer.alloc(0)],
    ['broken JSON', Buffer.from('{"eventId":')],
    ['plain text', Buffer.from('hello')],
  ])('%s is unparseable', (_n, value) => {
    expect(parseOrderEvent(value)).toMatchObject({ ok: false, reason: 'unparseable' });
  });
  test.each([
    ['wrong type', { ...sampleEvent(), type: 'order.cancelled' }, 'type'],
    ['bad order id', { ...sampleEvent(), orderId: 'o-1' }, 'orderId'],
    ['no lines', { ...sampleEvent(), lines: [] }, 'lines'],
    ['negative total', { ...sampleEvent(), totalCents: -1 }, 'totalCents'],
    ['a JSON array', [1, 2], '(root)'],
    ['a JSON string', 'order', '(root)'],
  ])('%s is schema-invalid and names the field', (_n, body, field) => {
    const r = parseOrderEvent(JSON.stringify(body));
    expect(r).toMatchObject({ ok: false, reason: 'invalid' });
    expect(!r.ok && r.error).toContain(field);
  });
});

describe('transition rules (from the contract)', () => {
  test('only a placed order is confirmed', () => {
    expect(decideConfirm('placed')).toBe('confirm');
    for (const s of ['payment_pending', 'confirmed', 'shipped', 'cancelled', 'bogus']) expect(decideConfirm(s)).toBe('not_placed');
    expect(decideConfirm(null)).toBe('order_missing');
  });
  test('only a confirmed order ships', () => {
    expect(canShip('confirmed')).toBe(true);
    for (const s of ['payment_pending', 'placed', 'shipped', 'cancelled', 'bogus']) expect(canShip(s)).toBe(false);
  });
});
