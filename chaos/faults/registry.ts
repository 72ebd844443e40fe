// Every fault by name, with the arguments it takes (validated, so a bad argument is named)
// and how it is injected. The experiment runner, the `npm run fault` CLI and the lab console
// all go through here.
import { LINK_NAMES } from '@surge-lab/lab';
import { z } from 'zod';
import * as autoscaler from './autoscaler.ts';
import * as containers from './containers.ts';
import * as database from './database.ts';
import { disasterFault } from './dr.ts';
import * as links from './links.ts';
import * as regions from './regions.ts';
import * as resources from './resources.ts';
import type { ActiveFault, FaultContext } from './types.ts';

const service = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a compose service name');
const pick = z.union([z.enum(['one', 'random', 'all']), z.number().int().min(1)]).default('one');
const link = z.enum(LINK_NAMES);
const ms = z.number().int().min(0).max(600_000);

/** A fault that loses a region: which one, the RPO its loss window allows, and how long the region may take to rejoin. */
const regionLoss = z.strictObject({
  region: z.enum(['primary', 'replica', 'a', 'b']).default('primary'),
  /** Acknowledged orders this much older than the loss may be lost (asynchronous replication: the lag at the cut). */
  'rpo-seconds': z.number().min(0).max(600).default(2),
  'rejoin-seconds': z.number().int().min(30).max(3_600).default(600),
});

interface FaultSpec<S extends z.ZodObject> {
  summary: string;
  args: S;
  inject(ctx: FaultContext, args: z.infer<S>): Promise<ActiveFault>;
}
const spec = <S extends z.ZodObject>(s: FaultSpec<S>) => s;

export const FAULTS = {
  'container-kill': spec({ summary: 'SIGKILL a container; it stays down until the fault ends', args: z.strictObject({ service, pick }), inject: (c, a) => containers.kill(c, a.service, a.pick) }),
  'container-stop': spec({
    summary: 'graceful stop (SIGTERM, then SIGKILL after the grace period)',
    args: z.strictObject({ service, pick, 'grace-seconds': z.number().int().min(0).max(120).default(10) }),
    inject: (c, a) => containers.stop(c, a.service, a.pick, a['grace-seconds']),
  }),
  'container-pause': spec({
    summary: 'freeze a container (SIGSTOP of every process): connections hang',
    args: z.strictObject({ service, pick }),
    inject: (c, a) => containers.pause(c, a.service, a.pick),
  }),
  'container-restart': spec({ summary: 'graceful restart', args: z.strictObject({ service, pick }), inject: (c, a) => containers.restart(c, a.service, a.pick) }),
  'process-freeze': spec({
    summary: 'hang the main process (SIGSTOP): the container runs, nothing answers',
    args: z.strictObject({ service, pick }),
    inject: (c, a) => containers.freeze(c, a.service, a.pick),
  }),
  'container-restart-loop': spec({
    summary: 'crash loop: SIGKILL and start again every N seconds',
    args: z.strictObject({ service, pick, 'every-seconds': z.number().int().min(2).max(600).default(10) }),
    inject: (c, a) => containers.restartLoop(c, a.service, a.pick, a['every-seconds']),
  }),
  'link-latency': spec({
    summary: 'added latency (with jitter) on a dependency link',
    args: z.strictObject({ link, 'latency-ms': ms, 'jitter-ms': ms.default(0) }),
    inject: (c, a) => links.latency(c, a.link, a['latency-ms'], a['jitter-ms']),
  }),
  'link-bandwidth': spec({
    summary: 'bandwidth cap on a dependency link',
    args: z.strictObject({ link, 'rate-kbps': z.number().int().min(1) }),
    inject: (c, a) => links.bandwidth(c, a.link, a['rate-kbps']),
  }),
  'link-timeout': spec({
    summary: 'data stops; connections close after timeout-ms (0: blackhole)',
    args: z.strictObject({ link, 'timeout-ms': ms.default(0) }),
    inject: (c, a) => links.timeout(c, a.link, a['timeout-ms']),
  }),
  'link-reset-peer': spec({
    summary: 'connections reset (TCP RST) after timeout-ms',
    args: z.strictObject({ link, 'timeout-ms': ms.default(0) }),
    inject: (c, a) => links.resetPeer(c, a.link, a['timeout-ms']),
  }),
  'link-down': spec({ summary: 'the link is cut: connections refused', args: z.strictObject({ link }), inject: (c, a) => links.down(c, a.link) }),
  'db-failover': spec({ summary: 'kill -9 of the Patroni leader (automatic failover)', args: z.strictObject({}), inject: (c) => database.killLeader(c) }),
  'db-switchover': spec({ summary: 'planned Patroni switchover to the replica', args: z.strictObject({}), inject: (c) => database.switchover(c) }),
  'db-replica-kill': spec({ summary: 'kill -9 of the Patroni replica', args: z.strictObject({}), inject: (c) => database.killReplica(c) }),
  'db-disaster': spec({ summary: 'destroy both Patroni members and their volumes; the revert restores from pgBackRest', args: z.strictObject({}), inject: (c) => disasterFault(c) }),
  'cpu-squeeze': spec({
    summary: 'limit containers to a fraction of a CPU (docker update --cpus)',
    args: z.strictObject({ service, pick, cpus: z.number().min(0.01).max(64) }),
    inject: (c, a) => resources.cpuSqueeze(c, a.service, a.pick, a.cpus),
  }),
  'memory-hog': spec({
    summary: 'hold memory inside a container',
    args: z.strictObject({ service, pick, mb: z.number().int().min(1).max(16_384) }),
    inject: (c, a) => resources.memoryHog(c, a.service, a.pick, a.mb),
  }),
  'region-outage': spec({
    summary: 'SIGKILL of every container of a region (multi-region lab); the revert starts them and waits until the region is the replica region again',
    args: regionLoss,
    inject: (c, a) => regions.regionOutage(c, a.region, a['rpo-seconds'], a['rejoin-seconds']),
  }),
  'region-partition': spec({
    summary: 'cut a region off by the WAN, alive (every WAN proxy to or from it disabled); the revert heals the WAN and waits for one primary region',
    args: regionLoss,
    inject: (c, a) => regions.regionPartition(c, a.region, a['rpo-seconds'], a['rejoin-seconds']),
  }),
  'region-switchover': spec({
    summary: 'planned switchover to a region with RPO 0 (npm run region -- switchover); a named region that leads already is left as it is',
    args: z.strictObject({ to: z.enum(['replica', 'a', 'b']).default('replica') }),
    inject: (c, a) => regions.regionSwitchover(c, a.to),
  }),
  'wan-brownout': spec({
    summary: 'added latency (and a bandwidth cap) on every WAN proxy, on top of its standing latency',
    args: z.strictObject({ 'latency-ms': ms, 'jitter-ms': ms.default(0), 'rate-kbps': z.number().int().min(1).optional() }),
    inject: (c, a) => regions.wanBrownout(c, a['latency-ms'], a['jitter-ms'], a['rate-kbps']),
  }),
  'autoscaler-down': spec({
    summary: 'stop the autoscaler gracefully (no scaling, no auto-recovery) until the fault ends; then start it and wait until healthy',
    args: z.strictObject({ 'grace-seconds': z.number().int().min(0).max(120).default(30) }),
    inject: (c, a) => autoscaler.autoscalerDown(c, a['grace-seconds']),
  }),
} as const;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

/** Validates the arguments of a fault: the problems, each naming its argument, or the parsed arguments. */
export function checkArgs(name: FaultName, args: unknown): { ok: true; args: Record<string, unknown> } | { ok: false; problems: { path: string; message: string }[] } {
  const r = (FAULTS[name].args as z.ZodObject).safeParse(args ?? {});
  if (r.success) return { ok: true, args: r.data as Record<string, unknown> };
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({
      path: i.path.join('.'),
      message:
        i.code === 'unrecognized_keys'
          ? `unknown argument(s) ${(i as { keys: string[] }).keys.join(', ')}; ${name} takes ${Object.keys((FAULTS[name].args as z.ZodObject).shape).join(', ') || 'no arguments'}`
          : i.message,
    })),
  };
}

export async function inject(ctx: FaultContext, name: FaultName, args: unknown): Promise<ActiveFault> {
  const checked = checkArgs(name, args);
  if (!checked.ok) throw new Error(`${name}: ${checked.problems.map((p) => `${p.path || 'arguments'}: ${p.message}`).join('; ')}`);
  return (FAULTS[name] as FaultSpec<z.ZodObject>).inject(ctx, checked.args as never);
}
