// The region controller: every tick it probes each database member's Patroni through the WAN, from
// the lab plane's site (so a region cut off from shoppers is cut off from it too), decides
// (domain/decide.ts), and acts. Failing over is lifting synchronous mode, so that Patroni lets the
// other region's most advanced member take the leader key, then putting it back once that region
// leads, with its members as the synchronous candidates and Redis promoted beside them. Tags are set
// through the members' containers (the Docker socket: the provider's API, not the WAN).
import type { Logger, Metrics } from '@surge-lab/kit';
import { ALL_PATRONI_MEMBERS, alignRedis, globalName, type Lab, membersOf, otherRegion, PatroniClient, type RegionName, regionOfMember, switchRedis, type WanHostName } from '@surge-lab/lab';
import { type Decision, decide, type MemberView, type Memory } from './domain/decide.ts';
import { keepLeaderOnWitness, leaderKey } from './etcd.ts';

// Patroni's REST API answers slowly while its HA loop waits on the DCS (an etcd election after a
// cut, over the WAN): 800 ms made region B's members look lost too in one partition run.
const PROBE_TIMEOUT_MS = 2_500;
// A member of a region already out of sight is given less: waiting on it only delays the decision
// (a partition's failover came 2.5 s after its bound, every tick waiting out two timeouts), and
// taking a slow answer for none at worst prolongs the region's absence; the DCS still fences.
const OUT_OF_SIGHT_PROBE_MS = 1_000;
// Three times archive_timeout (60 s): a replica that cannot stream but reads the backup repository
// replays a segment at least that often, even from an idle leader, so it is never taken for stuck.
const STUCK_RECOVERY_MS = 180_000;
/** Longer than a planned switchover may take (its two waits, 60 s each): the controller never undoes one under way. */
const NOSYNC_GRACE_MS = 150_000;

export interface RegionControllerOptions {
  confirmMs: number;
  /** false: decide and report, never act. */
  act: boolean;
}

export interface ControllerEvent {
  at: string;
  kind: 'fail-over' | 'failed-over' | 'retag' | 'etcd-leader' | 'reinit';
  detail: string;
}

export class RegionController {
  private memory: Memory = { unreachableSince: {} };
  private last: { decision?: Decision; members: MemberView[]; leader?: string; leaderKey?: 'held' | 'free' } = { members: [] };
  /** The Patroni cluster's name (its /patroni says), for its leader key in the DCS. */
  private scope: string | undefined;
  private readonly events: ControllerEvent[] = [];
  private readonly wan: PatroniClient;
  private readonly m;
  private reachableBefore = new Set<string>();
  /** Members back in sight, not yet given their region's role (that waits for a steady decision). */
  private readonly back = new Set<string>();
  private redisCheckedAt = 0;
  /** Since when a primary-region member has been tagged nosync (the repair waits for a grace period). */
  private nosyncSince: Record<string, number> = {};
  /** Each replica in archive recovery: the WAL position it had replayed, and since when it has not moved. */
  private recovering: Record<string, { replayed: number; since: number }> = {};
  private readonly lab: Lab;
  private readonly o: RegionControllerOptions;
  private readonly log: Logger;

  constructor(lab: Lab, o: RegionControllerOptions, log: Logger, metrics: Metrics) {
    this.lab = lab;
    this.o = o;
    this.log = log;
    this.wan = new PatroniClient({ runtime: lab.runtime, direct: true, members: ALL_PATRONI_MEMBERS, hostOf: (m) => globalName(m as WanHostName), timeoutMs: PROBE_TIMEOUT_MS });
    this.m = {
      primary: metrics.gauge('region_primary', '1 for the region that has the database leader', ['region']),
      reachable: metrics.gauge('region_reachable', '1 while a member of the region answers through the WAN', ['region']),
      lost: metrics.gauge('region_out_of_sight_seconds', 'How long no member of the region has answered', ['region']),
      failovers: metrics.counter('region_failovers_total', 'Unplanned failovers the controller made', ['from', 'to']),
      // The WAN as the lab plane sees it: each probe crosses it once each way (its standing latency and any toxic).
      probe: metrics.gauge('region_probe_seconds', "Round trip of the last probe of a member's Patroni through the WAN", ['region', 'member']),
    };
  }

  /** One probe, decision and action. */
  async tick(now = Date.now()): Promise<Decision> {
    const members = await Promise.all(
      ALL_PATRONI_MEMBERS.map(async (name): Promise<MemberView> => {
        const region = regionOfMember(name)!;
        try {
          const started = performance.now();
          const timeoutMs = this.memory.unreachableSince[region] === undefined ? PROBE_TIMEOUT_MS : OUT_OF_SIGHT_PROBE_MS;
          const p = await this.wan.rest<{
            role?: string;
            state?: string;
            replication_state?: string;
            xlog?: { replayed_location?: number };
            tags?: { nosync?: boolean };
            patroni?: { scope?: string };
          }>(name, '/patroni', timeoutMs);
          this.scope ??= p.patroni?.scope;
          this.m.probe.set({ region, member: name }, (performance.now() - started) / 1000);
          this.watchRecovery(name, p.replication_state === 'in archive recovery' ? p.xlog?.replayed_location : undefined);
          return { name, region, reachable: true, role: p.role ?? '', state: p.state ?? '', nosync: p.tags?.nosync === true };
        } catch {
          return { name, region, reachable: false };
        }
      }),
    );
    const reachable = members.filter((m) => m.reachable).map((m) => m.name);
    const cluster = reachable.length ? await this.wan.cluster(reachable) : [];
    // The leader only if it says so itself: a member just back from a partition answers /cluster
    // from its stale view (itself the leader) for a tick, and the members back then were given the
    // old primary region's roles (measured: region A's two members were made synchronous candidates
    // of region B's leader, and the partition's revert waited for their nosync).
    const leader = cluster.find((m) => m.role === 'leader' && m.state === 'running' && members.some((x) => x.name === m.name && x.reachable && x.role === 'primary'))?.name;
    // The DCS is asked only while the primary region is out of sight and no failover is under way.
    const lost = this.memory.primary !== undefined && this.memory.unreachableSince[this.memory.primary] !== undefined && !this.memory.failover && !leader;
    const key = lost && this.scope ? await leaderKey(this.scope).catch((err: Error) => void this.log.debug({ err: err.message }, 'leader key not read')) : undefined;
    const { decision, memory } = decide({ at: now, members, ...(leader ? { leader } : {}), ...(key ? { leaderKey: key } : {}) }, this.memory, { confirmMs: this.o.confirmMs });
    this.memory = memory;
    const said = (x?: Decision) => (x ? `${x.kind} ${'reason' in x ? x.reason.replace(/[\d.]+ s/g, '') : ''}` : '');
    if (said(decision) !== said(this.last.decision)) this.log.info({ decision }, 'decision');
    this.last = { decision, members, ...(leader ? { leader } : {}), ...(key ? { leaderKey: key } : {}) };
    for (const r of ['a', 'b'] as const) {
      this.m.primary.set({ region: r }, memory.primary === r ? 1 : 0);
      this.m.reachable.set({ region: r }, members.some((m) => m.region === r && m.reachable) ? 1 : 0);
      this.m.lost.set({ region: r }, memory.unreachableSince[r] !== undefined ? (now - memory.unreachableSince[r]!) / 1000 : 0);
    }
    for (const m of members) {
      if (!m.reachable) this.back.delete(m.name);
      else if (!this.reachableBefore.has(m.name) && this.reachableBefore.size > 0) this.back.add(m.name);
    }
    if (this.o.act) await this.act(decision, members);
    this.reachableBefore = new Set(reachable);
    return decision;
  }

  /**
   * A replica that stays in archive recovery without replaying anything has WAL its leader's timeline
   * does not (measured: pg-1, killed with its region while it was a synchronous standby ahead of the
   * asynchronous member that was promoted, came back "in archive recovery" with "record with incorrect
   * prev-link" every 5 s; Patroni had not seen it diverge, so neither rewound nor cloned it). It never
   * streams again by itself: after STUCK_RECOVERY_MS it is cloned afresh from the leader (Patroni's
   * reinitialize). A replica restoring a backlog from the archive replays, so it is left alone.
   */
  private watchRecovery(member: string, replayed: number | undefined) {
    const now = Date.now();
    const was = this.recovering[member];
    if (replayed === undefined) {
      delete this.recovering[member];
      return;
    }
    if (!was || was.replayed !== replayed) {
      this.recovering[member] = { replayed, since: now };
      return;
    }
    if (now - was.since < STUCK_RECOVERY_MS || !this.o.act) return;
    this.recovering[member] = { replayed, since: now }; // once per window, not every tick
    void this.wan.reinitialize(member).then(
      () => this.event('reinit', `${member} replayed nothing for ${STUCK_RECOVERY_MS / 1000} s in archive recovery (diverged from the leader's timeline): cloned again from the leader`),
      (err: Error) => this.log.error({ member, err: err.message }, 'could not reinitialize'),
    );
  }

  private event(kind: ControllerEvent['kind'], detail: string) {
    this.events.push({ at: new Date().toISOString(), kind, detail });
    if (this.events.length > 50) this.events.shift();
    this.log.warn({ kind }, detail);
  }

  private async act(d: Decision, members: MemberView[]): Promise<void> {
    if (d.kind === 'fail-over') {
      const via = members.find((m) => m.region === d.to && m.reachable)!;
      this.event('fail-over', `region ${d.from} out of sight and its leader key expired in the DCS majority: lifting synchronous mode so that region ${d.to} takes the key`);
      // All at once (each is one or more execs: one after another they took 4 s of a partition's 30):
      // the tags, lifting synchronous mode, and Redis, while Patroni promotes. Carts are written where
      // the database leads, and a Redis promoted only after it answered READONLY for seconds gave 5 s
      // of cart 503s in one partition run. The lost region's Redis takes no shopper's writes any more:
      // its front door is out of sight. A tag does not gate the promotion (nosync only keeps a member
      // from being the synchronous standby), so lifting synchronous mode need not wait for them.
      await Promise.all([
        ...membersOf(d.to).map((m) => this.wan.setNosync(m, false).catch((err: Error) => this.log.error({ member: m, err: err.message }, 'could not set the tag'))),
        this.wan.patchConfig(via.name, { synchronous_mode: false }),
        switchRedis({ runtime: this.lab.runtime, patroni: this.wan }, d.to, (l) => this.log.info(l), { regionLost: true }).catch((err: Error) =>
          this.log.error({ err: err.message }, 'Redis did not follow'),
        ),
      ]);
      return;
    }
    if (d.kind === 'complete-failover') {
      const leader = members.find((m) => m.region === d.to && m.reachable && m.role === 'primary')?.name ?? membersOf(d.to)[0]!;
      await this.wan.patchConfig(leader, { synchronous_mode: true });
      // Again (it did at fail-over): a Redis that was not running then takes writes now.
      await switchRedis({ runtime: this.lab.runtime, patroni: this.wan }, d.to, (l) => this.log.info(l)).catch((err: Error) => this.log.error({ err: err.message }, 'Redis did not follow'));
      this.m.failovers.inc({ from: d.from, to: d.to });
      this.event('failed-over', `region ${d.to} is primary (leader ${leader}); synchronous mode is back, with region ${d.to}'s members as its candidates`);
      delete this.memory.failover;
      return;
    }
    if (d.kind === 'steady') {
      // A member back in sight (a region that rejoins after an outage) takes its region's role, and
      // its region's Redis follows the primary's again.
      const back = members.filter((x) => x.reachable && this.back.has(x.name));
      // Redis's role is checked every 10 s (two execs): a Redis that restarts alone comes back as it was.
      if (Date.now() - this.redisCheckedAt >= 10_000 && members.some((m) => m.region !== d.primary && m.reachable)) {
        this.redisCheckedAt = Date.now();
        // Both regions in sight: etcd's leader goes back to the witness if an election moved it.
        await keepLeaderOnWitness().then(
          (moved) => moved && this.event('etcd-leader', moved),
          (err: Error) => this.log.debug({ err: err.message }, 'etcd leadership not checked'),
        );
        await alignRedis({ runtime: this.lab.runtime, patroni: this.wan }, d.primary).then(
          (changed) => changed && this.event('retag', `region ${otherRegion(d.primary)}'s Redis follows region ${d.primary}'s again`),
          (err: Error) => this.log.error({ err: err.message }, 'Redis could not follow'),
        );
      }
      // A member of the primary region tagged nosync leaves the region without a synchronous standby.
      // Tags are set by switchovers and by this controller, and a member that came back while the
      // primary region changed can keep the old region's tag: after a grace longer than a switchover
      // (which sets the tags of the region it promotes first), it is made a candidate again.
      const now = Date.now();
      for (const m of members) {
        const wrong = m.reachable && m.region === d.primary && m.state === 'running' && m.nosync === true;
        if (!wrong) {
          delete this.nosyncSince[m.name];
          continue;
        }
        this.nosyncSince[m.name] ??= now;
        if (this.nosyncSince[m.name]! <= now - NOSYNC_GRACE_MS) {
          delete this.nosyncSince[m.name];
          await this.wan.setNosync(m.name, false).then(
            () => this.event('retag', `${m.name} was tagged nosync in the primary region ${d.primary}: a synchronous candidate again`),
            (err: Error) => this.log.error({ member: m.name, err: err.message }, 'could not set the tag'),
          );
        }
      }
      for (const m of back) {
        const nosync = m.region !== d.primary;
        await this.wan.setNosync(m.name, nosync).then(
          () => {
            this.back.delete(m.name);
            this.event('retag', `${m.name} is back: ${nosync ? `a replica of region ${otherRegion(m.region)} (nosync)` : 'a synchronous candidate'}`);
          },
          (err: Error) => this.log.error({ member: m.name, err: err.message }, 'could not set the tag'),
        );
      }
    }
  }

  /** The running leader the last probe found (undefined while none is in sight). */
  leader(): string | undefined {
    return this.last.leader;
  }

  state() {
    return {
      primary: this.memory.primary ?? null,
      decision: this.last.decision ?? null,
      leaderKey: this.last.leaderKey ?? null,
      confirmMs: this.o.confirmMs,
      acting: this.o.act,
      outOfSightSince: Object.fromEntries(Object.entries(this.memory.unreachableSince).map(([r, t]) => [r, new Date(t).toISOString()])) as Partial<Record<RegionName, string>>,
      members: this.last.members,
      events: [...this.events],
    };
  }
}
