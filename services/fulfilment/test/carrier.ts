// The real carrier (its app over a private in-memory ledger), in-process on a free port: fulfilment's
// tests ship through it as the lab ships through the carrier container.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@surge-lab/carrier/app';
import { type ShipmentsRepo, shipmentsRepo } from '@surge-lab/carrier/shipments';
import { createService } from '@surge-lab/kit';

export interface RunningCarrier {
  url: string;
  shipments: ShipmentsRepo;
  close(): Promise<void>;
}

export async function startCarrier(): Promise<RunningCarrier> {
  const shipments = shipmentsRepo(':memory:');
  const app = buildApp(createService('carrier', { logLevel: 'silent' }), { shipments, latencyMs: () => 0 });
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    shipments,
    close: async () => {
      await new Promise((r) => server.close(r));
      shipments.close();
    },
  };
}
