// The Regions view in words, and the actions it offers: pure (unit-tested), the section renders it.
import type { InjectRequest, RegionInfo, RegionMember, RegionName, RegionsView } from './types.ts';

const NAME: Record<RegionName, string> = { a: 'Region A', b: 'Region B' };
export const regionName = (r: RegionName) => NAME[r];

/** "72 kB", "1.5 MB": replication lag in bytes for people. */
export function bytesText(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 100) / 10} kB`;
  return `${Math.round(bytes / 100_000) / 10} MB`;
}

const lagText = (lag: { bytes: number; seconds: number }) => (lag.bytes === 0 ? 'caught up' : `${lag.seconds.toFixed(1)} s behind (${bytesText(lag.bytes)})`);

/** "primary (pg-1 leads)", "replica region, caught up", "down: no member runs", "not started". */
export function regionRoleText(r: RegionInfo, view: Pick<RegionsView, 'leader'>): string {
  if (r.role === 'primary') return `primary: ${view.leader ?? 'its leader'} takes the writes`;
  if (r.role === 'replica') return `replica region, ${lagText(r.lag)}`;
  if (r.role === 'down') return 'down: none of its members runs';
  return 'not started (docker compose --profile multi-region up -d --wait)';
}

/** "pg-b1 · replica · streaming · never a synchronous standby · 0.1 s behind (2 kB)". */
export function memberText(m: RegionMember): string {
  const role = m.role === 'sync_standby' ? 'synchronous standby' : m.role === 'absent' ? 'not in the cluster' : m.role;
  const parts = [m.name, role, m.state];
  if (m.nosync && m.role !== 'leader') parts.push('never a synchronous standby');
  if (m.lag) parts.push(lagText(m.lag));
  return parts.join(' · ');
}

/** What the region controller sees from the lab plane. */
export function controllerText(c: { inSight: boolean; outOfSightSeconds: number } | undefined): string {
  if (!c) return 'the region controller has not reported yet';
  return c.inSight ? 'in the region controller’s sight' : `out of the region controller’s sight for ${c.outOfSightSeconds.toFixed(1)} s`;
}

export interface RegionAction {
  key: 'switchover' | 'fail' | 'partition';
  label: string;
  /** What it does, next to the button. */
  hint: string;
  request: InjectRequest;
  /** A switchover answers once it is done. */
  timeoutMs?: number;
}

/**
 * The actions on a region: a replica region can be switched over to (the database has a leader
 * to hand over from); the primary region can be failed (every container killed) or cut off by the
 * WAN for `seconds`, after which it rejoins as the replica region. None while no region leads.
 */
export function regionActions(view: RegionsView, region: RegionName, seconds: number): RegionAction[] {
  const r = view.regions.find((x) => x.region === region);
  if (!view.twoRegions || !view.primary || !r) return [];
  if (r.role === 'replica')
    return [
      {
        key: 'switchover',
        label: `Switch over to ${regionName(region)}`,
        hint: `planned, RPO 0: commits wait for ${regionName(region)}, then Patroni hands the leader over (writes pause for seconds)`,
        request: { fault: 'region-switchover', args: { to: region } },
        timeoutMs: 180_000,
      },
    ];
  if (r.role !== 'primary') return [];
  return [
    {
      key: 'fail',
      label: `Fail ${regionName(region)}`,
      hint: `every container of ${regionName(region)} killed for ${seconds} s; the region controller promotes the other region, then ${regionName(region)} rejoins as its replica region`,
      request: { fault: 'region-outage', args: { region }, durationSeconds: seconds },
    },
    {
      key: 'partition',
      label: `Partition ${regionName(region)}`,
      hint: `${regionName(region)} cut off by the WAN for ${seconds} s, alive: its leader demotes itself, the other region is promoted, then it rejoins as the replica region`,
      request: { fault: 'region-partition', args: { region }, durationSeconds: seconds },
    },
  ];
}
