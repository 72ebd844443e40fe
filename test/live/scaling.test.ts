// The autoscaler against the live lab: catalog scaled from 2 to 3 and back under browse load
// with no failed request. The third replica is made the way Compose makes them (docker compose ps
// lists it), joins the edge at once and leaves it with a graceful drain.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActiveFault } from '@surge-lab/chaos/faults';
import { runLoad } from '@surge-lab/chaos/load';
import { changeAutoscaler } from '@surge-lab/chaos/runner';
import { waitFor } from '@surge-lab/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoscaler, compose, edgeUrl, faultCtx, labProject, prometheusUrl } from './lab.ts';

interface ScalingState {
  services: { service: string; configured: number; healthy: number }[];
  events: { kind: string; target: string; reason: string; at: string }[];
}
const catalog = async () => (await autoscaler.state<ScalingState>()).services.find((s) => s.service === 'catalog')!;
const composePs = async () => (await compose(['ps', '--format', '{{.Name}}', 'catalog'])).stdout.trim().split('\n').sort();
const promValue = async (q: string) =>
  Number(((await (await fetch(`${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1] ?? NaN);

let on: ActiveFault;
beforeAll(async () => {
  on = await changeAutoscaler(faultCtx(), { modes: { autoscaling: true } });
});
afterAll(async () => {
  await on?.revert();
});

describe('autoscaling catalog', () => {
  it('scales catalog 2 → 3 → 2 under browse load with 0 failed requests', async () => {
    expect(await catalog()).toMatchObject({ configured: 2, healthy: 2 });
    const outBefore = await promValue('sum(autoscaler_scaling_events_total{service="catalog",direction="out"})');
    // Origin reads (past the edge cache) all through, at a rate target tracking keeps at 2 replicas.
    const load = runLoad({
      scenario: 'browse',
      target: edgeUrl(),
      durationSeconds: 150,
      connections: 8,
      rate: 60,
      bypassEdgeCache: true,
      reportDir: mkdtempSync(join(tmpdir(), 'surge-scale-')),
      log: () => {},
    });
    await new Promise((r) => setTimeout(r, 10_000));

    // A surge on the schedule from now: the controller scales out at once (a schedule floor skips the cooldown).
    const at = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await autoscaler.addScheduleEntry({ name: 'scale-test', service: 'catalog', at, 'lead-seconds': 120, 'duration-seconds': 600, 'min-replicas': 3 });
    await waitFor('3 healthy catalog replicas', async () => (await catalog()).healthy === 3, { timeoutMs: 60_000, intervalMs: 1_000 });
    expect(await composePs()).toEqual([1, 2, 3].map((n) => `${labProject}-catalog-${n}`));
    await waitFor('Prometheus counted the scale-out', async () => (await promValue('sum(autoscaler_scaling_events_total{service="catalog",direction="out"})')) > outBefore, {
      timeoutMs: 30_000,
      intervalMs: 2_000,
    });

    // The surge is called off: after the scale-in cooldown the third replica drains and goes.
    await autoscaler.removeScheduleEntry('scale-test');
    await waitFor('back to 2 catalog replicas', async () => (await composePs()).length === 2, { timeoutMs: 150_000, intervalMs: 2_000 });
    const events = (await autoscaler.state<ScalingState>()).events.filter((e) => e.target === 'catalog');
    expect(events.map((e) => e.kind).slice(0, 2)).toEqual(['scale-in', 'scale-out']);
    expect(events[1]!.reason).toMatch(/schedule floor 3/);

    const r = await load;
    expect(r.summary.requests).toBeGreaterThan(5_000);
    expect(r.summary.requests - r.summary.ok).toBe(0);
  });
});
