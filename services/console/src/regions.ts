// The regions as the console shows them: the database's view (which region leads, each member's
// role, state and lag: the lab's regionsReport) and the region controller's, from the lab plane
// (each region in its sight or not, and for how long), read from Prometheus, which scrapes the
// controller on the lab plane's network (the console itself sits on region A's).
import { type Lab, type RegionsReport, regionsReport } from '@surge-lab/lab';

export interface RegionsView extends RegionsReport {
  at: string;
  /** Region B runs (the multi-region profile): with one region there is nothing to switch. */
  twoRegions: boolean;
  /** Per region, what the region controller sees (absent when Prometheus has no answer from it). */
  controller?: Partial<Record<'a' | 'b', { inSight: boolean; outOfSightSeconds: number }>>;
}

async function controllerView(lab: Lab): Promise<RegionsView['controller']> {
  const [reachable, lost] = await Promise.all([lab.prometheus.instant('region_reachable'), lab.prometheus.instant('region_out_of_sight_seconds')]);
  const view: NonNullable<RegionsView['controller']> = {};
  for (const s of reachable) {
    const r = s.metric.region;
    if (r !== 'a' && r !== 'b') continue;
    const seconds = Number(lost.find((l) => l.metric.region === r)?.value[1] ?? 0);
    view[r] = { inSight: s.value[1] === '1', outOfSightSeconds: Math.round(seconds * 10) / 10 };
  }
  return Object.keys(view).length ? view : undefined;
}

export async function regionsView(lab: Lab): Promise<RegionsView> {
  const deps = { runtime: lab.runtime, patroni: lab.patroni };
  const [report, controller] = await Promise.all([regionsReport(deps), controllerView(lab).catch(() => undefined)]);
  const twoRegions = report.regions.find((r) => r.region === 'b')?.role !== 'absent';
  return { at: new Date().toISOString(), twoRegions, ...report, ...(controller && twoRegions ? { controller } : {}) };
}
