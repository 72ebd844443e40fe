// The carrier port: an order is booked with the shipping carrier before it is marked shipped. The
// carrier ships an order once, whichever region asks: its 409 SHIPMENT_DUPLICATE means the order left
// already (another region shipped it before a failover lost that region's mark), and it is marked
// shipped without going out twice. Operational failures throw DependencyError: the shipment stays due.
import { budgetHeaders, DependencyError, guard, httpRequest, type Metrics } from '@surge-lab/kit';

export type CarrierAnswer = { kind: 'shipped' | 'duplicate'; shipmentId: string };
export interface CarrierPort {
  ship(orderId: string): Promise<CarrierAnswer>;
}

export function carrierClient(baseUrl: string, region: string, metrics: Metrics, timeoutMs: number): CarrierPort {
  const ship = guard(metrics, { name: 'fulfilment-carrier', timeoutMs, idempotent: true, retries: 1, capacity: 64, resetTimeoutMs: 5_000 }, async (signal, orderId: string): Promise<CarrierAnswer> => {
    const res = await httpRequest(`${baseUrl}/shipments`, {
      method: 'POST',
      signal,
      headers: { 'content-type': 'application/json', ...budgetHeaders() },
      body: JSON.stringify({ orderId, region }),
    });
    const body = (() => {
      try {
        return res.json() as { shipmentId?: string; error?: { code?: string; details?: { shipmentId?: string } } };
      } catch {
        return {};
      }
    })();
    if ((res.status === 201 || res.status === 200) && body.shipmentId) return { kind: 'shipped', shipmentId: body.shipmentId }; // 200: a retry of ours
    if (res.status === 409 && body.error?.code === 'SHIPMENT_DUPLICATE' && body.error.details?.shipmentId) return { kind: 'duplicate', shipmentId: body.error.details.shipmentId };
    throw new DependencyError('carrier', { cause: new Error(`carrier answered ${res.status} ${body.error?.code ?? ''}`.trim()) });
  });
  return { ship };
}
