// Region faults of the multi-region lab: every container of a region killed, a region cut off by
// the WAN (alive, as in a real partition), a planned region switchover, and a WAN brownout. A
// fault that loses a region reports its loss window, the acknowledgements the audit may find
// missing: the replication lag allowed before the loss, and for a partition the time the isolated
// region may go on acknowledging (Patroni's demotion bound). Reverts bring the lost region back as
// the other's replica region, so that the next experiment finds two regions.
import { membersOf, otherRegion, primaryRegion, type RegionName, type RegionsDeps, regionsReport, SERVICES, type ServiceName, switchoverTo, WAN_PROXIES, waitFor, wanProxiesOf } from '@surge-lab/lab';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

export type RegionPick = 'primary' | 'replica' | RegionName;

const deps = (ctx: FaultContext): RegionsDeps => ({ runtime: ctx.lab.runtime, patroni: ctx.lab.patroni });

/** The region a fault names: the primary one, the other one, or by name. */
export async function resolveRegion(ctx: FaultContext, pick: RegionPick): Promise<RegionName> {
  if (pick === 'a' || pick === 'b') return pick;
  const report = await regionsReport(deps(ctx));
  if (report.regions.find((r) => r.region === 'b')?.role === 'absent')
    throw new Error('region B is not running: start the lab with the multi-region profile (docker compose --profile multi-region up -d --wait)');
  if (!report.primary) throw new Error('no region is primary (no Patroni leader): wait until the cluster has one');
  return pick === 'primary' ? report.primary : otherRegion(report.primary);
}

/**
 * Resolves with the time `region` first leads (`leading` true) or first has no leader (false), from
 * each member's own answer (/primary, through its container: no WAN; a member cut off from the DCS
 * may still show a stale /cluster), every 250 ms until `stop()`. Each member is one exec for the
 * whole watch: an exec per member every 500 ms took most of a core of the two while the failover it
 * measured was under way.
 */
function watchLeader(ctx: FaultContext, region: RegionName, leading: boolean) {
  const members = membersOf(region);
  const primary = new Map<string, boolean>();
  let seenAt: number | undefined;
  let on = true;
  const holds = () => primary.size === members.length && [...primary.values()].some(Boolean) === leading;
  const streams = Promise.all(
    members.map((m) =>
      ctx.lab.patroni.watchPrimary(m, (at, isPrimary) => {
        if (!on) return;
        primary.set(m, isPrimary);
        if (seenAt === undefined && holds()) seenAt = at;
      }),
    ),
  );
  return {
    stop: async (): Promise<number | undefined> => {
      on = false;
      await Promise.all((await streams).map((s) => s.stop()));
      if (seenAt !== undefined) return seenAt;
      // Not seen while watched: ask once more (the revert has to know which region leads now).
      const leads = (await Promise.all(members.map((m) => ctx.lab.patroni.isPrimary(m)))).some(Boolean);
      return leads === leading ? Date.now() : undefined;
    },
  };
}

/** Waits until `region` is the other's replica region again: each of its members streaming, none a synchronous candidate. */
async function waitRejoined(ctx: FaultContext, region: RegionName, timeoutMs: number): Promise<void> {
  await waitFor(
    `region ${region} back as the replica region`,
    async () => {
      const r = await regionsReport(deps(ctx));
      const g = r.regions.find((x) => x.region === region)!;
      if (r.primary && r.primary !== region && g.members.every((m) => m.state === 'streaming' && m.nosync)) return true;
      // What waitFor reports when it gives up: where each member stands.
      throw new Error(`primary ${r.primary ?? 'none'}; region ${region}: ${g.members.map((m) => `${m.name} ${m.role} ${m.state}${m.nosync ? ' nosync' : ''}`).join(', ')}`);
    },
    { timeoutMs, intervalMs: 2_000 },
  );
  ctx.log(`[fault] region ${region} is the replica region again`);
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

/** The containers of a region, by the topology's `region` of their service (the compose label). */
async function containersOf(ctx: FaultContext, region: RegionName): Promise<string[]> {
  return (await ctx.lab.runtime.containers()).filter((c) => SERVICES[c.service as ServiceName]?.region === region).map((c) => c.name);
}

/**
 * SIGKILL of every container of a region at once (a region on fire). The other region's
 * controller promotes it; the revert starts the killed containers and waits until the region is
 * the replica region again (its members rewound, or cloned again when they cannot be).
 */
export async function regionOutage(ctx: FaultContext, pick: RegionPick, rpoSeconds: number, rejoinSeconds: number): Promise<ActiveFault> {
  const region = await resolveRegion(ctx, pick);
  const names = await containersOf(ctx, region);
  const promotion = watchLeader(ctx, otherRegion(region), true);
  const lostAt = Date.now();
  await ctx.lab.runtime.signal(names, 'KILL');
  const fault = activeFault({ name: `every container of region ${region} killed (${names.length})`, kind: 'region-outage', target: `region ${region}` }, ctx, async () => {
    const promotedAt = await promotion.stop();
    if (promotedAt) fault.measurements!['other region primary after (s)'] = seconds(promotedAt - lostAt);
    await ctx.lab.runtime.start(names);
    await waitRejoined(ctx, region, rejoinSeconds * 1000);
  });
  fault.measurements = { 'region lost at': iso(lostAt), 'loss window from': iso(lostAt - rpoSeconds * 1000), 'loss window to': iso(lostAt) };
  return fault;
}

/**
 * The region cut off by the WAN, alive: every WAN proxy to or from it disabled (replication, its
 * DCS member, the global entry's checks and forwarded requests). Its leader loses the DCS and
 * demotes itself within ttl + loop_wait; the other region is promoted after that. The revert
 * heals the WAN and waits until exactly one region is primary and the other its replica region.
 */
export async function regionPartition(ctx: FaultContext, pick: RegionPick, rpoSeconds: number, rejoinSeconds: number): Promise<ActiveFault> {
  const region = await resolveRegion(ctx, pick);
  const leader = (await regionsReport(deps(ctx))).leader;
  const { ttl = 20, loop_wait: loopWait = 2 } = leader ? await ctx.lab.patroni.config(leader) : {};
  const proxies = wanProxiesOf(region).map((p) => p.name);
  const promotion = watchLeader(ctx, otherRegion(region), true);
  const cutAt = Date.now();
  await Promise.all(proxies.map((p) => ctx.lab.toxiproxy.setEnabled(p, false)));
  const demotion = watchLeader(ctx, region, false);
  const fault = activeFault({ name: `region ${region} cut off by the WAN (${proxies.length} proxies)`, kind: 'region-partition', target: `region ${region}` }, ctx, async () => {
    const [promotedAt, demotedAt] = [await promotion.stop(), await demotion.stop()];
    if (promotedAt) fault.measurements!['other region primary after (s)'] = seconds(promotedAt - cutAt);
    if (demotedAt) fault.measurements!['isolated region without a leader after (s)'] = seconds(demotedAt - cutAt);
    await Promise.all(proxies.map((p) => ctx.lab.toxiproxy.setEnabled(p, true)));
    // The isolated region follows the other once that was promoted; else it still leads (a cut
    // shorter than the controller's bound) and the other region is its replica region as before.
    await waitRejoined(ctx, promotedAt ? region : otherRegion(region), rejoinSeconds * 1000);
    // No split brain: the other region led only once the isolated one had no leader any more.
    if (promotedAt && (!demotedAt || promotedAt < demotedAt))
      throw new Error(`two regions led at once: region ${otherRegion(region)} was primary ${seconds(promotedAt - cutAt)} s after the cut, region ${region} still had its leader`);
  });
  const bound = (ttl + loopWait) * 1000;
  fault.measurements = {
    'region lost at': iso(cutAt),
    'loss window from': iso(cutAt - rpoSeconds * 1000),
    'loss window to': iso(cutAt + bound),
    'demotion bound (s)': bound / 1000,
  };
  return fault;
}

/**
 * A planned switchover to a region (RPO 0); nothing to revert. A region named that already leads
 * is left as it is: an experiment starts from "region A primary" this way, whatever ran before.
 */
export async function regionSwitchover(ctx: FaultContext, pick: RegionPick): Promise<ActiveFault> {
  const to = await resolveRegion(ctx, pick);
  if ((await primaryRegion(deps(ctx))) === to) return activeFault({ name: `region ${to} is primary already`, kind: 'region-switchover', target: `region ${to}` }, ctx, async () => {});
  // The switchover is the disruption: its window starts with it, not once it is done.
  const started = new Date();
  const r = await switchoverTo(deps(ctx), to, { log: (l) => ctx.log(`[fault] ${l}`) });
  const fault = activeFault({ name: `switchover to region ${to} (leader ${r.newLeader})`, kind: 'region-switchover', target: `region ${to}` }, ctx, async () => {}, started);
  fault.measurements = { [`switchover to ${to}: commits waited (s)`]: seconds(r.syncWaitMs), [`switchover to ${to}: writes paused (s)`]: seconds(r.writesPausedMs) };
  return fault;
}

/** Added latency and a bandwidth cap, each way, on every WAN proxy, on top of its standing latency. */
export async function wanBrownout(ctx: FaultContext, latencyMs: number, jitterMs: number, rateKbps: number | undefined): Promise<ActiveFault> {
  const tp = ctx.lab.toxiproxy;
  const added: { proxy: string; toxic: string }[] = [];
  try {
    for (const p of WAN_PROXIES)
      for (const stream of ['downstream', 'upstream'] as const) {
        added.push({ proxy: p.name, toxic: await tp.addToxic(p.name, 'latency', { latency: latencyMs, jitter: jitterMs }, { stream }) });
        if (rateKbps !== undefined) added.push({ proxy: p.name, toxic: await tp.addToxic(p.name, 'bandwidth', { rate: rateKbps }, { stream }) });
      }
  } catch (err) {
    await Promise.all(added.map((a) => tp.removeToxic(a.proxy, a.toxic).catch(() => {})));
    throw err;
  }
  const what = `${latencyMs} ms${jitterMs ? ` ± ${jitterMs} ms` : ''} more${rateKbps !== undefined ? ` and ${rateKbps} KB/s at most` : ''}`;
  return activeFault({ name: `WAN brownout: ${what} on ${WAN_PROXIES.length} proxies`, kind: 'wan-brownout', target: 'wan' }, ctx, async () => {
    await Promise.all(added.map((a) => tp.removeToxic(a.proxy, a.toxic)));
  });
}
