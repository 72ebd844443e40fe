// The shipping carrier (an external provider on the lab plane): POST /shipments ships an order once,
// whichever region's fulfilment asks. The same region asking again gets the shipment (200,
// Idempotent-Replayed: a retry); the other region is refused (409 SHIPMENT_DUPLICATE, naming the
// first shipment); GET /shipments/:id, GET /shipments?orderId= (the order's shipment and
// refusals) and GET /shipments/summary are what an audit reads.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type Service } from '@surge-lab/kit';
import type { Express } from 'express';
import { z } from 'zod';
import type { ShipmentsRepo } from './data-access/shipments-repo.ts';

export interface CarrierDeps {
  shipments: ShipmentsRepo;
  /** Milliseconds the simulated carrier takes to book a shipment. */
  latencyMs: () => number;
}

const ShipRequest = z.strictObject({ orderId: z.uuid(), region: z.enum(['a', 'b']) });
const ShipmentIdParams = z.object({ shipmentId: z.uuid() });
const OrderQuery = z.strictObject({ orderId: z.uuid() });
const CountsRequest = z.strictObject({ orderIds: z.array(z.uuid()).max(400) }); // 16 KB bodies at most
const SummaryQuery = z.strictObject({ limit: z.coerce.number().int().min(0).max(10_000).default(100) });

export function buildApp(svc: Service, deps: CarrierDeps): Express {
  const shipped = svc.metrics.counter('carrier_shipments_total', 'Orders shipped, by the region that asked', ['region']);
  const refused = svc.metrics.counter('carrier_duplicates_refused_total', 'Second shipments of an order refused, by the region that asked', ['region']);
  svc.readiness.push({ name: 'ledger', check: async () => deps.shipments.ping() });

  const app = svc.app();
  app.post('/shipments', async (req, res) => {
    const body = ShipRequest.parse(req.body);
    await sleep(deps.latencyMs()); // booking with the "depot"
    const out = deps.shipments.ship({ shipmentId: randomUUID(), orderId: body.orderId, region: body.region });
    if (out.kind === 'duplicate') {
      refused.inc({ region: body.region });
      throw new AppError({
        code: 'SHIPMENT_DUPLICATE',
        message: `order ${body.orderId} was shipped already (shipment ${out.shipment.shipmentId}, asked by region ${out.shipment.region})`,
        details: out.shipment,
      });
    }
    if (out.kind === 'replayed') {
      res.setHeader('Idempotent-Replayed', 'true').status(200).json(out.shipment);
      return;
    }
    shipped.inc({ region: body.region });
    res.status(201).location(`/shipments/${out.shipment.shipmentId}`).json(out.shipment);
  });
  // Many orders at once (an audit of a run): each order's shipments and refusals.
  app.post('/shipments/counts', (req, res) => {
    const { orderIds } = CountsRequest.parse(req.body);
    res.json({ counts: deps.shipments.counts(orderIds) });
  });
  app.get('/shipments/summary', (req, res) => {
    const { limit } = SummaryQuery.parse(req.query);
    res.json(deps.shipments.summary(limit));
  });
  app.get('/shipments', (req, res) => {
    const { orderId } = OrderQuery.parse(req.query);
    res.json(deps.shipments.forOrder(orderId));
  });
  app.get('/shipments/:shipmentId', (req, res) => {
    const { shipmentId } = ShipmentIdParams.parse(req.params);
    const s = deps.shipments.byId(shipmentId);
    if (!s) throw new AppError({ code: 'SHIPMENT_NOT_FOUND', message: `no shipment ${shipmentId}`, details: { shipmentId } });
    res.json(s);
  });
  return svc.finish(app);
}
