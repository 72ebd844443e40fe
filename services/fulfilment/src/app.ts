// fulfilment serves no API: only /healthz, /readyz (database + consumer joined) and /metrics.

import type { Service } from '@surge-lab/kit';
import type { Express } from 'express';

export interface FulfilmentDeps {
  pingDb: () => Promise<unknown>;
  consumerJoined: () => boolean;
}

export function buildApp(svc: Service, deps: FulfilmentDeps): Express {
  svc.readiness.push(
    { name: 'postgres', check: () => deps.pingDb() },
    {
      name: 'kafka-consumer',
      check: async () => {
        if (!deps.consumerJoined()) throw new Error('consumer has not joined its group');
      },
    },
  );
  return svc.finish(svc.app());
}
