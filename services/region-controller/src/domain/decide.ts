// The region controller's decision, as a pure function of what it sees through the WAN from the lab
// plane's site (as a global load balancer would) and what it remembers. It never promotes a region
// while the other may still accept writes: the primary region must have been out of sight for the
// confirmation window *and* its leader key must have expired in the DCS majority, Patroni's own
// fence (a leader that cannot renew its key demotes itself before the key expires). Lifting
// synchronous mode then only lets Patroni elect the other region's member.
import type { RegionName } from '@surge-lab/lab';

export interface MemberView {
  name: string;
  region: RegionName;
  /** Its Patroni answered through the WAN this tick. */
  reachable: boolean;
  /** Patroni's role (primary, replica) and Postgres' state (running, stopped, starting…). */
  role?: string;
  state?: string;
  /** Its nosync tag (true: never a synchronous standby). */
  nosync?: boolean;
}

export interface Observation {
  at: number;
  members: readonly MemberView[];
  /** The running leader, as a reachable member's /cluster says (absent when none says so). */
  leader?: string;
  /** Patroni's leader key in the DCS majority: held, expired (free), or not known (absent: not asked, or no quorum answered). */
  leaderKey?: 'held' | 'free';
}

export interface DecideSettings {
  /** How long the primary region must be out of sight before anything is done (the confirmation window). */
  confirmMs: number;
}

export interface Memory {
  /** The region that had the leader when last seen. */
  primary?: RegionName;
  /** Since when no member of each region answered: the last tick one did (absent while one does). */
  unreachableSince: Partial<Record<RegionName, number>>;
  /** The last tick a member of each region answered. */
  lastSeen?: Partial<Record<RegionName, number>>;
  /** A failover under way: synchronous mode was lifted so that `to` could take the leader key. */
  failover?: { from: RegionName; to: RegionName; startedAt: number };
}

export type Decision =
  | { kind: 'steady'; primary: RegionName }
  | { kind: 'wait'; reason: string }
  | { kind: 'fail-over'; from: RegionName; to: RegionName }
  | { kind: 'complete-failover'; from: RegionName; to: RegionName };

const other = (r: RegionName): RegionName => (r === 'a' ? 'b' : 'a');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function decide(obs: Observation, memory: Memory, s: DecideSettings): { decision: Decision; memory: Memory } {
  // A region is out of sight from the last tick it answered, not the first it did not: that tick's
  // probes took up to their timeout to fail, and the leader's demotion clock started before them.
  const unreachableSince: Memory['unreachableSince'] = {};
  const lastSeen: NonNullable<Memory['lastSeen']> = { ...memory.lastSeen };
  for (const r of ['a', 'b'] as const) {
    const members = obs.members.filter((m) => m.region === r);
    if (members.some((m) => m.reachable)) lastSeen[r] = obs.at;
    else if (members.length > 0) unreachableSince[r] = memory.unreachableSince[r] ?? memory.lastSeen?.[r] ?? obs.at;
  }
  const next: Memory = { ...memory, unreachableSince, lastSeen };
  const leader = obs.leader ? obs.members.find((m) => m.name === obs.leader) : undefined;

  if (leader && unreachableSince[leader.region] === undefined) {
    next.primary = leader.region;
    if (memory.failover && memory.failover.to === leader.region) return { decision: { kind: 'complete-failover', from: memory.failover.from, to: leader.region }, memory: next };
    if (memory.failover) delete next.failover; // the old region led again before the new one did: nothing to complete
    return { decision: { kind: 'steady', primary: leader.region }, memory: next };
  }
  if (memory.failover) return { decision: { kind: 'wait', reason: `failing over to region ${memory.failover.to}: waiting for its leader` }, memory: next };
  const primary = memory.primary;
  if (!primary) return { decision: { kind: 'wait', reason: 'no primary region seen yet' }, memory: next };
  const lostAt = unreachableSince[primary];
  if (lostAt === undefined) return { decision: { kind: 'wait', reason: `region ${primary} answers but has no leader: Patroni is electing one there` }, memory: next };
  const lostFor = obs.at - lostAt;
  if (lostFor < s.confirmMs) return { decision: { kind: 'wait', reason: `region ${primary} out of sight for ${seconds(lostFor)}: confirming (${seconds(s.confirmMs)})` }, memory: next };
  if (obs.leaderKey === 'held')
    return {
      decision: { kind: 'wait', reason: `region ${primary} out of sight for ${seconds(lostFor)}: its leader key has not expired (it may still take writes, or still reach the DCS quorum)` },
      memory: next,
    };
  if (obs.leaderKey !== 'free')
    return { decision: { kind: 'wait', reason: `region ${primary} out of sight for ${seconds(lostFor)}: the DCS majority did not say whether its leader key expired` }, memory: next };
  const to = other(primary);
  // A replica whose leader is gone no longer streams: running is what makes it a candidate.
  const candidates = obs.members.filter((m) => m.region === to && m.reachable && m.role === 'replica' && m.state === 'running');
  if (candidates.length === 0) return { decision: { kind: 'wait', reason: `region ${primary} is lost, and region ${to} has no running replica to promote` }, memory: next };
  next.failover = { from: primary, to, startedAt: obs.at };
  return { decision: { kind: 'fail-over', from: primary, to }, memory: next };
}
