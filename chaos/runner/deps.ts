// The runner's dependencies against the live lab.
import { type Lab, runningRegions, waitFor } from '@surge-lab/lab';
import { audit } from '../audit/audit.ts';
import { recordOverride, takeBaseline } from '../audit/baseline.ts';
import { bringBackAll } from '../faults/containers.ts';
import { resetAll } from '../faults/links.ts';
import { inject } from '../faults/registry.ts';
import { runLoad } from '../load/run.ts';
import { changeAutoscaler } from './autoscaler.ts';
import type { FrontDoor } from './experiment.ts';
import { startMonitor } from './monitors.ts';
import { httpProbe } from './probes.ts';
import type { RunnerDeps } from './run.ts';

/** The runner against the lab, its shoppers through `frontDoor` (a multi-region door needs region B running). */
export async function labDeps(lab: Lab, log: (l: string) => void, frontDoor: FrontDoor = 'edge'): Promise<RunnerDeps> {
  if (frontDoor !== 'edge' && !(await runningRegions(lab)).includes('b'))
    throw new Error(`this experiment goes through ${frontDoor}: start region B first (docker compose --profile multi-region up -d --wait)`);
  const target = lab.endpoints.url(frontDoor);
  return {
    inject: (ctx, name, args) => inject({ ...ctx, lab }, name, args),
    autoscaler: (ctx, change) => changeAutoscaler({ ...ctx, lab }, change),
    runLoad,
    startMonitor: (def, ledger) => startMonitor(def, ledger, def.via ? lab.endpoints.url(def.via) : target),
    http: (r) => httpProbe(r, target),
    promql: (expr) => lab.prometheus.value(expr),
    firingAlerts: () => lab.prometheus.firingAlerts(),
    takeBaseline: () => takeBaseline(lab),
    recordOverride: (b, id, units) => recordOverride(lab, b, id, units),
    audit: (ledger, b, o) => audit(lab, ledger, b, o),
    async setStock(id, units) {
      // Setting an absolute stock is idempotent: a write refused for now (5xx: the shop just came
      // back from a switchover, say) is sent again for up to 30 s. In one CI run both region
      // experiments, started right after the region tests' switchovers, failed before their method
      // on one connect timeout at the new primary. A 4xx is an answer and fails at once.
      const answer = await waitFor(
        `the stock of ${id} set`,
        async () => {
          const r = await fetch(`${target}/api/products/${id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${lab.adminToken}` },
            body: JSON.stringify({ stock: units }),
            signal: AbortSignal.timeout(10_000),
          });
          if (r.ok) return { ok: true as const };
          const e = new Error(`setting the stock of ${id}: ${r.status} ${await r.text()}`);
          if (r.status < 500) return { ok: false as const, refused: e };
          throw e;
        },
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
      if (!answer.ok) throw answer.refused;
    },
    async rollback(action, say) {
      const ctx = { log: say, lab };
      if (action === 'reset-links') return resetAll(ctx);
      if (action === 'wait-db-healthy') return lab.patroni.waitHealthy();
      // start-all: every container of the lab that is stopped or paused comes back.
      if ((await bringBackAll(ctx)).length === 0) say('every container is running');
    },
    annotator: await lab.annotator(log, ['chaos']),
    target,
    ...(lab.adminToken ? { adminToken: lab.adminToken } : {}),
  };
}
