// Database faults on the Patroni cluster: kill -9 of the leader (automatic failover), a planned
// switchover, and kill -9 of the replica. Killed members come back on revert and the revert
// waits until the cluster is whole again (a leader and a streaming synchronous standby).
import { waitFor } from '@surge-lab/lab';
import { bringBack } from './containers.ts';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

const containerOf = async (ctx: FaultContext, member: string) => {
  const name = (await ctx.lab.runtime.containers({ all: true })).find((c) => c.service === member)?.name;
  if (!name) throw new Error(`no container for ${member}`);
  return name;
};

async function killMember(ctx: FaultContext, member: string, kind: string, description: string): Promise<ActiveFault> {
  const name = await containerOf(ctx, member);
  await ctx.lab.runtime.signal([name], 'KILL');
  return activeFault({ name: description, kind, target: member }, ctx, async () => {
    await bringBack([name], ctx);
    await ctx.lab.patroni.waitHealthy();
  });
}

/** kill -9 of the current leader: the sync standby is promoted after Patroni's TTL. */
export async function killLeader(ctx: FaultContext): Promise<ActiveFault> {
  const l = await ctx.lab.patroni.leader();
  return killMember(ctx, l, 'db-failover', `kill -9 of the Patroni leader ${l}`);
}

/** kill -9 of the replica: the leader goes on alone (synchronous_mode_strict is off). */
export async function killReplica(ctx: FaultContext): Promise<ActiveFault> {
  const r = ctx.lab.patroni.other(await ctx.lab.patroni.leader());
  return killMember(ctx, r, 'db-replica-kill', `kill -9 of the Patroni replica ${r}`);
}

/** A planned switchover to the other member; done when the candidate leads. Nothing to revert. */
export async function switchover(ctx: FaultContext): Promise<ActiveFault> {
  const p = ctx.lab.patroni;
  const old = await p.leader();
  const candidate = p.other(old);
  const started = new Date(); // the switchover is the disruption: its window starts with it
  await p.switchover(old, candidate);
  await waitFor(`${candidate} leads`, async () => (await p.leader()) === candidate, { timeoutMs: 30_000, intervalMs: 250 });
  return activeFault({ name: `switchover ${old} → ${candidate}`, kind: 'db-switchover', target: old }, ctx, () => p.waitHealthy(), started);
}
