// The two regions of the multi-region lab, as the database and Redis see them, and the planned
// switchover between them. One Patroni cluster is stretched over both regions (docs/regions.md):
// the primary region holds the leader and its synchronous standby; the other region's members are
// `nosync` replicas through the WAN. Swapping the regions' roles is swapping those tags, then a
// Patroni switchover to a member that has every commit.
import type { PatroniClient, PatroniDynamicConfig, PatroniMember, StandbyLag } from './clients/patroni.ts';
import type { Runtime } from './runtime/runtime.ts';
import { ALL_PATRONI_MEMBERS, SERVICES, type ServiceName } from './topology.ts';
import { waitFor } from './wait.ts';
import { globalName, WAN_HOSTS } from './wan.ts';

export type RegionName = 'a' | 'b';
export const REGION_NAMES: readonly RegionName[] = ['a', 'b'];
export const isRegionName = (s: string): s is RegionName => (REGION_NAMES as readonly string[]).includes(s);
export const otherRegion = (r: RegionName): RegionName => (r === 'a' ? 'b' : 'a');

/** A region's Patroni members, in order. */
export const membersOf = (r: RegionName): ServiceName[] => ALL_PATRONI_MEMBERS.filter((m) => SERVICES[m].region === r);
/** Each region's Redis (the primary region's takes writes, the other's replicates it). */
export const REDIS_OF = { a: 'redis', b: 'redis-b' } as const satisfies Record<RegionName, ServiceName>;
export const regionOfMember = (member: string): RegionName | undefined => REGION_NAMES.find((r) => membersOf(r).includes(member as ServiceName));

export interface MemberStatus {
  name: string;
  role: string;
  state: string;
  nosync: boolean;
  /** Behind the leader (absent for the leader and for a member the leader does not stream to). */
  lag?: { bytes: number; seconds: number };
}

export interface RegionStatus {
  region: RegionName;
  /** primary: it has the leader; replica: its members follow it; down: members exist but none runs; absent: not started. */
  role: 'primary' | 'replica' | 'down' | 'absent';
  members: MemberStatus[];
  /** The most any of its members is behind the leader (0 in the primary region). */
  lag: { bytes: number; seconds: number };
}

export interface RegionsReport {
  primary?: RegionName;
  leader?: string;
  /** Commits wait for a member of the other region too (synchronous_node_count 2, a replica-region member not nosync). */
  crossRegionSync: boolean;
  regions: RegionStatus[];
}

export interface RegionsDeps {
  runtime: Runtime;
  patroni: PatroniClient;
}

/** The regions whose containers run now: region A, and region B when the multi-region profile is up. */
export async function runningRegions(d: Pick<RegionsDeps, 'runtime'>): Promise<RegionName[]> {
  const running = new Set((await d.runtime.containers()).map((c) => c.service));
  return REGION_NAMES.filter((r) => membersOf(r).some((m) => running.has(m)));
}

/**
 * The region whose member says it is the primary (Patroni's /primary answers 200), each running
 * member asked itself: a member cut off from the DCS may still show a stale /cluster (undefined: no leader).
 */
export async function primaryRegion(d: RegionsDeps): Promise<RegionName | undefined> {
  const running = new Set((await d.runtime.containers()).map((c) => c.service));
  const members = ALL_PATRONI_MEMBERS.filter((m) => running.has(m));
  const primary = await Promise.all(members.map((m) => d.patroni.isPrimary(m)));
  const leader = members.find((_, i) => primary[i]);
  return leader ? regionOfMember(leader) : undefined;
}

/** The regions now: which one is primary, and how far the other is behind. */
export async function regionsReport(d: RegionsDeps): Promise<RegionsReport> {
  const containers = await d.runtime.containers({ all: true });
  const running = new Set(containers.filter((c) => c.state === 'running').map((c) => c.service));
  const existing = new Set(containers.map((c) => c.service));
  const cluster: PatroniMember[] = await d.patroni.cluster(ALL_PATRONI_MEMBERS.filter((m) => running.has(m)));
  const leader = cluster.find((m) => m.role === 'leader' && m.state === 'running')?.name;
  const lags: StandbyLag[] = leader ? await d.patroni.standbyLag(leader).catch(() => []) : [];
  const primary = leader ? regionOfMember(leader) : undefined;
  const config: PatroniDynamicConfig = leader ? await d.patroni.config(leader).catch(() => ({})) : {};
  const regions = REGION_NAMES.map((region): RegionStatus => {
    const members = membersOf(region).map((name): MemberStatus => {
      const m = cluster.find((c) => c.name === name);
      const l = lags.find((x) => x.name === name);
      return {
        name,
        role: m?.role ?? 'absent',
        state: m?.state ?? (running.has(name) ? 'unknown' : 'not running'),
        nosync: m?.tags?.nosync === true,
        ...(l ? { lag: { bytes: l.bytes, seconds: l.seconds } } : {}),
      };
    });
    const role = region === primary ? 'primary' : members.some((m) => m.role !== 'absent') ? 'replica' : membersOf(region).some((m) => existing.has(m)) ? 'down' : 'absent';
    const behind = region === primary ? [] : members.filter((m) => m.lag);
    return {
      region,
      role,
      members,
      lag: { bytes: Math.max(0, ...behind.map((m) => m.lag!.bytes)), seconds: Math.max(0, ...behind.map((m) => m.lag!.seconds)) },
    };
  });
  const replicaRegion = regions.find((r) => r.role === 'replica');
  const crossRegionSync = (config.synchronous_node_count ?? 1) >= 2 && (replicaRegion?.members.some((m) => m.role !== 'absent' && !m.nosync) ?? false);
  return { ...(primary ? { primary } : {}), ...(leader ? { leader } : {}), crossRegionSync, regions };
}

/** A refusal that changes nothing (exit 1 from the CLI, a 409 from the console). */
export class RegionRefusal extends Error {
  override readonly name = 'RegionRefusal';
}

export interface SwitchoverOptions {
  /** Refuse when the target region is further behind than this (bytes of WAL). */
  maxLagBytes?: number;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface SwitchoverResult {
  from: RegionName;
  to: RegionName;
  oldLeader: string;
  newLeader: string;
  /** Commits went on meanwhile, each waiting for the target region too: from the tags' change until a member there was the synchronous standby. */
  syncWaitMs: number;
  /** Patroni's switchover: from the old leader's stop until the new one took writes. */
  writesPausedMs: number;
  totalMs: number;
}

/**
 * The planned switchover: commits first wait for a member of the target region (the target's members
 * lose `nosync`, the old primary region's gain it), so when Patroni switches over to that synchronous
 * standby it has every acknowledged commit (RPO 0). Then the target region's second member becomes
 * the new leader's synchronous standby, and the old region's members replicate through the WAN.
 * Redis moves while Patroni switches over: the target's replica, once it has every write, becomes
 * the primary.
 */
export async function switchoverTo(d: RegionsDeps, to: RegionName, o: SwitchoverOptions = {}): Promise<SwitchoverResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const before = await regionsReport(d);
  const target = before.regions.find((r) => r.region === to)!;
  if (!before.primary || !before.leader) throw new RegionRefusal('no region is primary now (no running leader): a switchover needs one; an outage is the region controller’s');
  if (before.primary === to) throw new RegionRefusal(`region ${to} is already the primary region (leader ${before.leader})`);
  const ready = target.members.filter((m) => m.state === 'streaming');
  if (ready.length === 0) throw new RegionRefusal(`region ${to} has no streaming member (${target.members.map((m) => `${m.name} ${m.state}`).join(', ')})`);
  const maxLag = o.maxLagBytes ?? 16 * 1024 * 1024;
  if (target.lag.bytes > maxLag) throw new RegionRefusal(`region ${to} is ${target.lag.bytes} bytes (${target.lag.seconds.toFixed(1)} s) behind, more than ${maxLag}: wait until it catches up`);
  const from = before.primary;
  const oldLeader = before.leader;

  // 1. Commits wait for the target region: its members may be synchronous, the old region's may not.
  log(`commits now wait for region ${to}: ${membersOf(to).join(', ')} eligible as synchronous standbys, ${membersOf(from).join(', ')} not`);
  const syncFrom = Date.now();
  let candidate: string;
  try {
    // All at once: each tag is an exec and a reload, seconds of a busy machine one after another.
    await Promise.all([
      ...ready.map((m) => d.patroni.setNosync(m.name, false)),
      ...membersOf(from)
        .filter((m) => m !== oldLeader)
        .map((m) => d.patroni.setNosync(m, true).catch(() => {})),
      d.patroni.patchConfig(oldLeader, { synchronous_node_count: 1 }),
    ]);
    candidate = await waitFor(
      `a member of region ${to} as the synchronous standby`,
      async () => (await d.patroni.cluster([oldLeader])).find((m) => m.role === 'sync_standby' && regionOfMember(m.name) === to && m.state === 'streaming')?.name,
      { timeoutMs: o.timeoutMs ?? 60_000, intervalMs: 250 },
    );
  } catch (err) {
    // Nothing has switched yet: the regions get their roles back, and the error says where it stopped.
    await Promise.all([...membersOf(to).map((m) => d.patroni.setNosync(m, true).catch(() => {})), ...membersOf(from).map((m) => d.patroni.setNosync(m, false).catch(() => {}))]);
    throw new RegionRefusal(`switchover to region ${to} stopped before Patroni's switchover, roles put back: ${(err as Error).message}`);
  }
  const syncWaitMs = Date.now() - syncFrom;
  log(`${candidate} is the synchronous standby after ${syncWaitMs} ms: every acknowledged commit is in region ${to}`);

  // 2. Patroni's switchover to that standby: the old leader stops, the candidate promotes. Patroni may
  // move the synchronous standby to the region's other member meanwhile (both are eligible), and then
  // refuses or abandons the switchover: it is asked again with the synchronous standby of the moment.
  // The old leader's shutdown checkpoint is most of Patroni's pause: one now, while writes go on, leaves it little.
  await d.patroni.checkpoint(oldLeader).catch((err: Error) => log(`CHECKPOINT on ${oldLeader} first: ${err.message.split('\n')[0]}`));
  const switchedFrom = Date.now();
  // 3. Redis beside it: every write is refused while the old leader demotes, carts included (no front
  // door has a leader), so moving carts then costs nothing; moved after the promotion, it added its
  // seconds of cart 503s (READONLY) to the pause. switchRedis pauses the old primary's writes first.
  const redis = switchRedis(d, to, log).then(
    () => undefined,
    (err: Error) => err,
  );
  for (let attempt = 1; ; attempt++) {
    // Patroni answers the request only once it has seen the new leader (checked once a second):
    // the candidate is watched meanwhile, not after.
    const asked = d.patroni.switchover(oldLeader, candidate).catch((err: Error) => log(`switchover to ${candidate}: ${err.message.split('\n')[0]}`));
    const led = await waitFor(`${candidate} to lead and take writes`, () => d.patroni.isPrimary(candidate), { timeoutMs: 20_000, intervalMs: 200 }).then(
      () => true,
      () => false,
    );
    if (led) break;
    await asked;
    const now = await d.patroni.cluster([oldLeader, ...membersOf(to)]);
    const sync = now.find((m) => m.role === 'sync_standby' && regionOfMember(m.name) === to && m.state === 'streaming')?.name;
    if (attempt === 3 || !sync || !now.some((m) => m.name === oldLeader && m.role === 'leader')) {
      // The database stayed where it was: so do carts.
      await redis;
      await switchRedis(d, from, log).catch((err: Error) => log(`Redis back to region ${from}: ${err.message}`));
      throw new RegionRefusal(`switchover to region ${to}: ${candidate} did not take the lead (${now.map((m) => `${m.name} ${m.role} ${m.state}`).join(', ')})`);
    }
    log(`${candidate} did not take the lead (attempt ${attempt}); again with the synchronous standby now, ${sync}`);
    candidate = sync;
  }
  const writesPausedMs = Date.now() - switchedFrom;
  log(`${candidate} leads: writes paused ${writesPausedMs} ms`);
  const redisFailed = await redis;
  if (redisFailed) {
    // The database has moved, so this is no refusal: carts must follow it, once more or loudly.
    log(`Redis did not follow (${redisFailed.message}): again`);
    await switchRedis(d, to, log).catch((err: Error) => {
      throw new Error(`switchover to region ${to}: ${candidate} leads, but region ${to}'s Redis does not take writes: ${err.message}`);
    });
  }
  await d.patroni.setNosync(oldLeader, true).catch(() => {});
  await waitFor(
    `a synchronous standby in region ${to}`,
    async () => (await d.patroni.cluster(membersOf(to))).some((m) => m.role === 'sync_standby' && regionOfMember(m.name) === to) || membersOf(to).length < 2,
    { timeoutMs: o.timeoutMs ?? 90_000, intervalMs: 500 },
  ).catch(() => log(`no synchronous standby in region ${to} yet: the new leader commits alone until one streams`));
  return { from, to, oldLeader, newLeader: candidate, syncWaitMs, writesPausedMs, totalMs: Date.now() - started };
}

const redisCli = (d: RegionsDeps, r: RegionName, ...args: string[]) =>
  d.runtime.execIn(REDIS_OF[r], ['redis-cli', '-p', String(redisPort(r)), ...args], { timeoutMs: 10_000 }).then((x) => x.stdout.trim());

interface RedisRole {
  up: boolean;
  master: boolean;
  /** Replicating whom (its global name), with the link up. */
  following?: string;
  linkUp: boolean;
  offset: number;
}

async function redisRole(d: RegionsDeps, r: RegionName): Promise<RedisRole> {
  const info = await redisCli(d, r, 'INFO', 'replication').catch(() => '');
  const field = (k: string) => new RegExp(`^${k}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const master = field('role') === 'master';
  const host = field('master_host');
  return {
    up: info !== '',
    master,
    ...(host ? { following: host } : {}),
    linkUp: field('master_link_status') === 'up',
    offset: Number(field(master ? 'master_repl_offset' : 'slave_repl_offset') ?? -1),
  };
}

/** Makes `r`'s Redis follow `primary`'s (or take writes when it is the primary's), and keeps that across restarts (one exec). */
async function redisFollow(d: RegionsDeps, r: RegionName, primary: RegionName): Promise<void> {
  const of = r === primary ? 'NO ONE' : `${globalName(REDIS_OF[primary])} ${redisPort(primary)}`;
  const cli = `redis-cli -p ${redisPort(r)}`;
  await d.runtime.execIn(REDIS_OF[r], ['sh', '-c', `${cli} REPLICAOF ${of} && ${cli} CONFIG REWRITE`], { timeoutMs: 10_000 });
}

/** Longer than a Redis switch takes: a paused primary that is not told to follow ends its pause by itself. */
const REDIS_PAUSE_MS = 15_000;

/**
 * Redis follows the database: `to`'s Redis, once it has every write of the old primary's (when it
 * is replicating it), takes writes, and the other region's replicates it. The old primary's writes
 * are paused first (CLIENT PAUSE WRITE, Redis's own failover recipe), so no cart written there
 * after its offset was read is lost: a paused write waits, then is refused (READONLY).
 */
export async function switchRedis(d: RegionsDeps, to: RegionName, log: (l: string) => void = () => {}, o: { regionLost?: boolean } = {}): Promise<void> {
  const from = otherRegion(to);
  if (o.regionLost) {
    // The region controller after losing `from`: nothing streams to wait for, so `to` takes writes
    // first, with no roles read (one exec, not three: the role reads made carts wait 4.7 s longer
    // than the database in one partition run), and `from` is told to follow if its Redis is up.
    await redisFollow(d, to, to);
    log(`Redis: region ${to}'s takes writes (region ${from} is lost)`);
    if ((await redisRole(d, from)).up) await redisFollow(d, from, to);
    return;
  }
  const [src, dst] = await Promise.all([redisRole(d, from), redisRole(d, to)]);
  const streaming = src.up && src.master && !dst.master && dst.linkUp && dst.following === globalName(REDIS_OF[from]);
  if (streaming) {
    await redisCli(d, from, 'CLIENT', 'PAUSE', String(REDIS_PAUSE_MS), 'WRITE');
    const { offset } = await redisRole(d, from);
    await waitFor(`region ${to}'s Redis to have every write (offset ${offset})`, async () => (await redisRole(d, to)).offset >= offset, { timeoutMs: 10_000, intervalMs: 100 }).catch(
      async (err: Error) => {
        await redisCli(d, from, 'CLIENT', 'UNPAUSE').catch(() => {}); // nothing moved: carts go on where they were
        throw err;
      },
    );
  } else if (!dst.master) {
    log(`region ${to}'s Redis was not streaming from region ${from}'s (${src.up ? 'link down' : `region ${from}'s Redis is down`}): it takes writes with what it has`);
  }
  // Streaming (a planned switchover), the old primary follows first, then the new one takes writes:
  // never two Redis primaries at once, for the region controller's alignRedis, which reads both roles
  // while the database may still lead in the old region, made the new one follow the old once when
  // both were primaries (a cycle of two replicas, every cart 503). The two replicas follow each other
  // for the length of one exec instead. Not streaming (a region lost or cut off), the new one takes
  // writes first: the old one's exec cost a failover seconds of carts, and it takes no writes anyway.
  const tellOld = async () => {
    if (src.up) await redisFollow(d, from, to);
    else log(`region ${from}'s Redis is not running: it is told to follow region ${to} when its region is back`);
  };
  if (streaming) await tellOld();
  await redisFollow(d, to, to);
  if (!streaming) await tellOld();
  if (streaming) await redisCli(d, from, 'CLIENT', 'UNPAUSE').catch(() => {});
  log(`Redis: region ${to}'s takes writes, region ${from}'s replicates it`);
}

/**
 * After a region is back: its Redis follows the primary region's (a restarted one came back as it
 * was). Only once the primary region's Redis takes writes: during a switchover the database leads
 * in the new region a few seconds before its Redis does, and following a replica would make a cycle.
 */
export async function alignRedis(d: RegionsDeps, primary: RegionName): Promise<boolean> {
  const other = otherRegion(primary);
  const [role, primaryRole] = await Promise.all([redisRole(d, other), redisRole(d, primary)]);
  if (!role.up || !primaryRole.master || role.following === globalName(REDIS_OF[primary])) return false;
  await redisFollow(d, other, primary);
  return true;
}

/**
 * Cross-region synchronous commits on or off: on, a commit waits for the primary region's standby
 * and one member of the other region (RPO 0 for a region's loss, at a WAN round trip per commit).
 */
export async function setCrossRegionSync(d: RegionsDeps, on: boolean, log: (l: string) => void = () => {}): Promise<RegionsReport> {
  const now = await regionsReport(d);
  if (!now.primary || !now.leader) throw new RegionRefusal('no region is primary now (no running leader)');
  const replica = otherRegion(now.primary);
  const first = now.regions.find((r) => r.region === replica)!.members.find((m) => m.state === 'streaming');
  if (on && !first) throw new RegionRefusal(`region ${replica} has no streaming member to commit to`);
  for (const m of membersOf(replica)) if (m !== first?.name || !on) await d.patroni.setNosync(m, true).catch(() => {});
  if (on && first) await d.patroni.setNosync(first.name, false);
  await d.patroni.patchConfig(now.leader, { synchronous_node_count: on ? 2 : 1 });
  log(on ? `commits wait for the primary region's standby and ${first?.name} (region ${replica})` : `commits wait for the primary region's standby only`);
  if (on)
    await waitFor(`${first?.name} as a synchronous standby`, async () => (await d.patroni.cluster([now.leader!])).some((m) => m.name === first?.name && m.role === 'sync_standby'), {
      timeoutMs: 60_000,
    });
  else
    await waitFor(
      `region ${replica}'s members nosync and asynchronous again`,
      async () => (await d.patroni.cluster([now.leader!])).filter((m) => regionOfMember(m.name) === replica).every((m) => m.tags?.nosync === true && m.role !== 'sync_standby'),
      { timeoutMs: 60_000 },
    );
  return regionsReport(d);
}

/** The WAN host of a region's Redis (its replica follows the primary region's). */
export const redisPort = (r: RegionName) => WAN_HOSTS[REDIS_OF[r]].ports.redis;
