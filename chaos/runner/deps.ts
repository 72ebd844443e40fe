// The runner's dependencies against the live lab.
import { labEnv } from '../../infra/lab/compose.ts';
import { audit } from '../audit/audit.ts';
import { recordOverride, takeBaseline } from '../audit/baseline.ts';
import { bringBackAll } from '../faults/containers.ts';
import { waitHealthyCluster } from '../faults/database.ts';
import { resetAll } from '../faults/links.ts';
import { inject } from '../faults/registry.ts';
import { runLoad } from '../load/run.ts';
import { grafanaAnnotator } from './grafana.ts';
import { startMonitor } from './monitors.ts';
import { edgeUrl, firingAlerts, httpProbe, promqlValue } from './probes.ts';
import type { RunnerDeps } from './run.ts';

export async function labDeps(log: (l: string) => void): Promise<RunnerDeps> {
  const env = labEnv();
  const target = edgeUrl();
  return {
    inject, runLoad, startMonitor, http: (r) => httpProbe(r), promql: promqlValue, firingAlerts, takeBaseline, recordOverride, audit,
    async setStock(id, units) {
      const r = await fetch(`${target}/api/products/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${env.ADMIN_TOKEN}` }, body: JSON.stringify({ stock: units }) });
      if (!r.ok) throw new Error(`setting the stock of ${id}: ${r.status} ${await r.text()}`);
    },
    async rollback(action, say) {
      const ctx = { log: say };
      if (action === 'reset-links') return resetAll(ctx);
      if (action === 'wait-db-healthy') return waitHealthyCluster();
      // start-all: every container of the lab that is stopped or paused comes back.
      if ((await bringBackAll(ctx)).length === 0) say('every container is running');
    },
    annotator: await grafanaAnnotator(log),
    target,
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
  };
}
