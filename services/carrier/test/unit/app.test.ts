// The carrier's routes over a private in-memory ledger (the real SQLite one): an order ships once,
// whichever region asks; a second request is refused naming the first shipment, and kept.
import { randomUUID } from 'node:crypto';
import { createService } from '@surge-lab/kit';
import { type Served, serve } from '@surge-lab/tests/serve';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { shipmentsRepo } from '../../src/data-access/shipments-repo.ts';

const repo = shipmentsRepo(':memory:');
let served: Served;
let base: string;
beforeAll(async () => {
  served = await serve(buildApp(createService('carrier', { logLevel: 'silent' }), { shipments: repo, latencyMs: () => 1 }));
  base = served.url;
});
afterAll(async () => {
  await served.close();
  repo.close();
});

type ErrorBody = { error: { code: string; message: string; details: Record<string, unknown> } };
const ship = (body: unknown) => fetch(`${base}/shipments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('carrier routes', () => {
  test('an order ships once: a retry from its region gets the shipment, a request from the other region is refused naming it', async () => {
    const orderId = randomUUID();
    const first = await ship({ orderId, region: 'a' });
    expect(first.status).toBe(201);
    const shipment = (await first.json()) as { shipmentId: string; orderId: string; region: string };
    expect(shipment).toMatchObject({ orderId, region: 'a' });
    expect(first.headers.get('location')).toBe(`/shipments/${shipment.shipmentId}`);

    const retry = await ship({ orderId, region: 'a' });
    expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(await retry.json()).toEqual(shipment);

    const again = await ship({ orderId, region: 'b' });
    expect(again.status).toBe(409);
    const err = ((await again.json()) as ErrorBody).error;
    expect(err.code).toBe('SHIPMENT_DUPLICATE');
    expect(err.message).toContain(`order ${orderId} was shipped already`);
    expect(err.details).toMatchObject({ shipmentId: shipment.shipmentId, region: 'a' });

    const record = (await (await fetch(`${base}/shipments?orderId=${orderId}`)).json()) as { shipments: unknown[]; refusals: { region: string }[] };
    expect(record.shipments).toEqual([expect.objectContaining({ shipmentId: shipment.shipmentId })]);
    expect(record.refusals.map((r) => r.region)).toEqual(['b']);
    expect(await (await fetch(`${base}/shipments/${shipment.shipmentId}`)).json()).toMatchObject(shipment);
    const summary = (await (await fetch(`${base}/shipments/summary`)).json()) as { shipments: number; refusals: number; refusedOrders: string[] };
    expect(summary).toMatchObject({ shipments: 1, refusals: 1, refusedOrders: [orderId] });
    const never = randomUUID();
    const counts = await fetch(`${base}/shipments/counts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderIds: [orderId, never] }) });
    expect(await counts.json()).toEqual({
      counts: [
        { orderId, shipments: 1, refusals: 1 },
        { orderId: never, shipments: 0, refusals: 0 },
      ],
    });
  });

  test('bad input: 400 naming the field, nothing shipped; unknown shipment 404', async () => {
    const before = repo.summary(0).shipments;
    for (const body of [{ orderId: 'order-1', region: 'a' }, { orderId: randomUUID(), region: 'c' }, { orderId: randomUUID() }, { orderId: randomUUID(), region: 'a', extra: 1 }]) {
      const r = await ship(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as ErrorBody).error.code).toBe('REQUEST_VALIDATION_FAILED');
    }
    expect(repo.summary(0).shipments).toBe(before);
    expect((await fetch(`${base}/shipments/${randomUUID()}`)).status).toBe(404);
    expect((await fetch(`${base}/shipments/nope`)).status).toBe(400);
    expect((await fetch(`${base}/shipments?orderId=nope`)).status).toBe(400);
  });
});
