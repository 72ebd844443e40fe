// The carrier's ledger as its replicas use it: two connections to one file. However often and from
// wherever an order is asked for, it is shipped once, and every other request is kept as a refusal.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { shipmentsRepo } from '../../src/data-access/shipments-repo.ts';

const dir = mkdtempSync(join(tmpdir(), 'carrier-ledger-'));
const file = join(dir, 'shipments.db');
const one = shipmentsRepo(file);
const other = shipmentsRepo(file);
afterAll(() => {
  one.close();
  other.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('shipments ledger', () => {
  test('20 requests for one order through both connections, from both regions: one shipment, the same to all; the other region refused 10 times', () => {
    const orderId = randomUUID();
    const outs = Array.from({ length: 20 }, (_, i) => (i % 2 ? other : one).ship({ shipmentId: randomUUID(), orderId, region: i % 2 ? 'b' : 'a' }));
    expect(outs.map((o) => o.kind).filter((k) => k === 'shipped')).toEqual(['shipped']);
    expect(new Set(outs.map((o) => o.shipment.shipmentId)).size).toBe(1);
    expect(outs.filter((o) => o.kind === 'replayed')).toHaveLength(9); // region a's own retries
    const record = other.forOrder(orderId);
    expect(record.shipments).toHaveLength(1);
    expect(record.refusals.map((r) => r.region)).toEqual(Array(10).fill('b'));
  });

  test('a shipment survives the process: a ledger opened again has it', () => {
    const out = one.ship({ shipmentId: randomUUID(), orderId: randomUUID(), region: 'a' });
    const reopened = shipmentsRepo(file);
    try {
      expect(reopened.byId(out.shipment.shipmentId)).toEqual(out.shipment);
    } finally {
      reopened.close();
    }
  });
});
