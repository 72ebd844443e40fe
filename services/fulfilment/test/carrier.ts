// The real carrier (its app over a private in-memory ledger), in-process on a free port: fulfilment's
// tests ship through it as the lab ships through the carrier container.
import { buildApp } from '@surge-lab/carrier/app';
import { type ShipmentsRepo, shipmentsRepo } from '@surge-lab/carrier/shipments';
import { createService } from '@surge-lab/kit';
import { serve } from '@surge-lab/tests/serve';

export interface RunningCarrier {
  url: string;
  shipments: ShipmentsRepo;
  close(): Promise<void>;
}

export async function startCarrier(): Promise<RunningCarrier> {
  const shipments = shipmentsRepo(':memory:');
  const served = await serve(buildApp(createService('carrier', { logLevel: 'silent' }), { shipments, latencyMs: () => 0 }));
  return {
    url: served.url,
    shipments,
    close: async () => {
      await served.close();
      shipments.close();
    },
  };
}
