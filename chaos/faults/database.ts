// Database faults on the Patroni cluster: kill -9 of the leader (automatic failover), a planned
// switchover, and kill -9 of the replica. Killed members come back on revert and the revert
// waits until the cluster is whole again (a leader and a streaming synchronous standby).
import { docker, execIn, ps } from '../../infra/lab/compose.ts';
import { waitFor } from '../../infra/lab/wait.ts';
import { bringBack } from './containers.ts';
import { activeFault, type ActiveFault, type FaultContext } from './types.ts';

export const MEMBERS = ['pg-1', 'pg-2'] as const;
export type Member = (typeof MEMBERS)[number];
export interface ClusterMember { name: string; role: string; state: string; lag?: number | string; timeline?: number }

/** The cluster as Patroni sees it, asked of whichever member answers. */
export async function cluster(): Promise<ClusterMember[]> {
  for (const m of MEMBERS) {
    try {
      const { stdout } = await execIn(m, ['curl', '-fs', '--max-time', '2', 'http://127.0.0.1:8008/cluster'], { timeoutMs: 10_000 });
      return (JSON.parse(stdout) as { members: ClusterMember[] }).members;
    } catch {
      // try the other member
    }
  }
  throw new Error('no Patroni member answers');
}

export async function leader(): Promise<Member> {
  const l = (await cluster()).filter((m) => m.role === 'leader');
  if (l.length !== 1) throw new Error(`expected one leader, found ${l.map((m) => m.name).join(',') || 'none'}`);
  return l[0]!.name as Member;
}

export const other = (m: Member): Member => MEMBERS.find((x) => x !== m)!;

/** The cluster is whole: one running leader and a streaming synchronous standby. */
export async function waitHealthyCluster(timeoutMs = 180_000): Promise<void> {
  await waitFor('a Patroni leader and a streaming sync standby', async () => {
    const members = await cluster();
    return members.filter((m) => m.role === 'leader' && m.state === 'running').length === 1 &&
      members.some((m) => m.role === 'sync_standby' && m.state === 'streaming');
  }, { timeoutMs, intervalMs: 1_000 });
}

const containerOf = async (member: Member) => {
  const name = (await ps({ all: true })).find((c) => c.service === member)?.name;
  if (!name) throw new Error(`no container for ${member}`);
  return name;
};

async function killMember(ctx: FaultContext, member: Member, kind: string, description: string): Promise<ActiveFault> {
  const name = await containerOf(member);
  await docker(['kill', '--signal', 'KILL', name]);
  return activeFault({ name: description, kind, target: member }, ctx, async () => {
    await bringBack([name], ctx);
    await waitHealthyCluster();
  });
}

/** kill -9 of the current leader: the sync standby is promoted after Patroni's TTL. */
export async function killLeader(ctx: FaultContext): Promise<ActiveFault> {
  const l = await leader();
  return killMember(ctx, l, 'db-failover', `kill -9 of the Patroni leader ${l}`);
}

/** kill -9 of the replica: the leader goes on alone (synchronous_mode_strict is off). */
export async function killReplica(ctx: FaultContext): Promise<ActiveFault> {
  const r = other(await leader());
  return killMember(ctx, r, 'db-replica-kill', `kill -9 of the Patroni replica ${r}`);
}

/** A planned switchover to the other member; done when the candidate leads. Nothing to revert. */
export async function switchover(ctx: FaultContext): Promise<ActiveFault> {
  const old = await leader();
  const candidate = other(old);
  await execIn(old, ['patronictl', '-c', '/etc/patroni/patroni.yml', 'switchover', '--leader', old, '--candidate', candidate, '--force'], { timeoutMs: 60_000 });
  await waitFor(`${candidate} leads`, async () => (await leader()) === candidate, { timeoutMs: 30_000, intervalMs: 250 });
  return activeFault({ name: `switchover ${old} → ${candidate}`, kind: 'db-switchover', target: old }, ctx, () => waitHealthyCluster());
}
