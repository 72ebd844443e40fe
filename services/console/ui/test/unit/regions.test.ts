// The Regions view's words and actions: what a region's role and members read as, and which
// actions a region offers (switch over to the replica region; fail or partition the primary one).
import { describe, expect, test } from 'vitest';
import { bytesText, controllerText, memberText, regionActions, regionRoleText } from '../../src/regions.ts';
import type { RegionInfo, RegionsView } from '../../src/types.ts';

const a: RegionInfo = {
  region: 'a',
  role: 'primary',
  lag: { bytes: 0, seconds: 0 },
  members: [
    { name: 'pg-1', role: 'leader', state: 'running', nosync: false },
    { name: 'pg-2', role: 'sync_standby', state: 'streaming', nosync: false, lag: { bytes: 0, seconds: 0 } },
  ],
};
const b: RegionInfo = {
  region: 'b',
  role: 'replica',
  lag: { bytes: 72_400, seconds: 0.14 },
  members: [
    { name: 'pg-b1', role: 'replica', state: 'streaming', nosync: true, lag: { bytes: 72_400, seconds: 0.14 } },
    { name: 'pg-b2', role: 'replica', state: 'streaming', nosync: true, lag: { bytes: 0, seconds: 0 } },
  ],
};
const view = (o: Partial<RegionsView> = {}): RegionsView => ({ at: '2026-12-04T03:00:00Z', twoRegions: true, primary: 'a', leader: 'pg-1', crossRegionSync: false, regions: [a, b], ...o });

describe('the Regions view in words', () => {
  test('the primary region names its leader; the replica region says how far behind it is', () => {
    expect(regionRoleText(a, view())).toBe('primary: pg-1 takes the writes');
    expect(regionRoleText(b, view())).toBe('replica region, 0.1 s behind (72.4 kB)');
    expect(regionRoleText({ ...b, lag: { bytes: 0, seconds: 0 } }, view())).toBe('replica region, caught up');
    expect(regionRoleText({ ...b, role: 'down' }, view())).toMatch(/^down/);
  });

  test('a member reads as its role, state, whether it may be the synchronous standby, and its lag', () => {
    expect(memberText(a.members[1]!)).toBe('pg-2 · synchronous standby · streaming · caught up');
    expect(memberText(b.members[0]!)).toBe('pg-b1 · replica · streaming · never a synchronous standby · 0.1 s behind (72.4 kB)');
    expect(memberText({ name: 'pg-b2', role: 'absent', state: 'not running', nosync: true })).toBe('pg-b2 · not in the cluster · not running · never a synchronous standby');
  });

  test('the controller in sight or not, and for how long', () => {
    expect(controllerText({ inSight: true, outOfSightSeconds: 0 })).toMatch(/^in the region controller/);
    expect(controllerText({ inSight: false, outOfSightSeconds: 12.34 })).toBe('out of the region controller’s sight for 12.3 s');
    expect(controllerText(undefined)).toMatch(/not reported/);
    expect([bytesText(512), bytesText(1_500), bytesText(2_345_678)]).toEqual(['512 B', '1.5 kB', '2.3 MB']);
  });
});

describe('the actions a region offers', () => {
  test('the replica region can be switched over to; the primary region failed or partitioned for the length given', () => {
    expect(regionActions(view(), 'b', 60).map((x) => [x.key, x.label, x.request])).toEqual([['switchover', 'Switch over to Region B', { fault: 'region-switchover', args: { to: 'b' } }]]);
    expect(regionActions(view(), 'a', 90).map((x) => [x.key, x.request])).toEqual([
      ['fail', { fault: 'region-outage', args: { region: 'a' }, durationSeconds: 90 }],
      ['partition', { fault: 'region-partition', args: { region: 'a' }, durationSeconds: 90 }],
    ]);
    // A switchover answers once it is done: it waits longer than the client's 15 s.
    expect(regionActions(view(), 'b', 60)[0]!.timeoutMs).toBeGreaterThan(60_000);
  });

  test('nothing is offered with one region, while no region leads, or on a region that is down', () => {
    expect(regionActions(view({ twoRegions: false }), 'a', 60)).toEqual([]);
    const noLeader = view();
    delete noLeader.primary;
    expect(regionActions(noLeader, 'b', 60)).toEqual([]);
    expect(regionActions(view({ regions: [a, { ...b, role: 'down' }] }), 'b', 60)).toEqual([]);
  });
});
