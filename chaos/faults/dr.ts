// Disaster recovery of the database tier from pgBackRest, for the chaos experiment "dr-restore":
// both Patroni members and their data volumes are destroyed, the cluster state in etcd is cleared,
// then the cluster is bootstrapped again from the backup in the shared repo volume (pgbackrest-repo).
//
// The restore itself happens inside the postgres image (infra/postgres/entrypoint.sh): a member whose
// data directory is empty, started while the repo holds the RESTORE_REQUESTED marker and while etcd
// knows no cluster, bootstraps with `pgbackrest restore` and replays the archive to its end. What is
// restored is therefore everything up to the last archived WAL segment (archive_timeout 60s bounds
// the loss); the WAL not yet archived at the disaster is lost with the volumes.
import type { Lab, PatroniMember } from '@surge-lab/lab';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

/** Patroni scope and namespace (infra/postgres/patroni.yml): the cluster's keys in etcd. */
const DCS_PREFIX = '/service/surge/';
const STANZA = 'surge';
const REPO = '/var/lib/pgbackrest';
const MARKER = `${REPO}/RESTORE_REQUESTED`;
const WAL_SEGMENT_BYTES = 16 * 1024 * 1024;

export type Log = (line: string) => void;

export interface DrOptions {
  /** The lab (its compose project): the restore runs `docker compose` on the host. */
  lab: Lab;
  log?: Log;
}

const membersOf = (o: DrOptions) => o.lab.patroni.members;
const pc = (o: DrOptions, args: string[], timeoutMs = 60_000) => o.lab.runtime.compose(args, { timeoutMs });
const stamp = (log: Log | undefined, message: string): string => {
  const at = new Date().toISOString();
  log?.(`[${at}] dr: ${message}`);
  return at;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** psql as the local superuser inside a member (trust over the Unix socket). Tuples only, `|`-separated. */
export async function psql(service: string, sql: string, o: DrOptions & { database?: string; timeoutMs?: number }): Promise<string> {
  const { stdout } = await pc(o, ['exec', '-T', service, 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', o.database ?? 'postgres', '-c', sql], o.timeoutMs ?? 15_000);
  return stdout.trim();
}

/** The running leader, or undefined (asked of the lab's one Patroni client). */
const leader = (o: DrOptions): Promise<string | undefined> => o.lab.patroni.leaderOrNone();

/** Runs a query on the current leader (e.g. the newest order after a restore, for the RPO). */
export async function leaderQuery(sql: string, o: DrOptions & { database?: string }): Promise<string> {
  const name = await leader(o);
  if (!name) throw new Error('no running leader');
  return psql(name, sql, o);
}

export interface ArchivedWal {
  /** WAL file name, e.g. 000000010000000000000007. */
  wal: string;
  /** When it was archived (ISO). */
  at: string;
  /** The LSN just past that segment: every commit below it is in the archive, so a restore recovers it. */
  endLsn: string;
  /**
   * When the leader closed that segment (its file time in pg_wal): a commit acknowledged before this
   * instant is in the archive. Earlier than `at` by the archiving delay; a commit acknowledged in
   * between may be lost. Absent when the segment is no longer in pg_wal.
   */
  coversUntil?: string;
  source: 'pg_stat_archiver' | 'repo';
}

/** The LSN just past WAL segment `wal` (16 MiB segments). */
export function segmentEndLsn(wal: string): string {
  const log = BigInt(`0x${wal.slice(8, 16)}`);
  const seg = BigInt(`0x${wal.slice(16, 24)}`);
  const end = log * 0x1_0000_0000n + (seg + 1n) * BigInt(WAL_SEGMENT_BYTES);
  return `${(end >> 32n).toString(16).toUpperCase()}/${(end & 0xffff_ffffn).toString(16).toUpperCase()}`;
}

/**
 * The newest WAL segment in the archive and when it got there: pg_stat_archiver of the leader, or,
 * when the leader has none (stats reset by a crash or a restore), the newest segment in the repo
 * and its file time.
 */
export async function lastArchived(o: DrOptions): Promise<ArchivedWal | undefined> {
  const name = await leader(o);
  // pg_stat_file() has whole seconds only: ask the file system for the segment's mtime.
  const closedAt = (wal: string) =>
    !name
      ? Promise.resolve(undefined)
      : pc(o, ['exec', '-T', name, 'sh', '-c', `date -r "$PGDATA/pg_wal/${wal}" +%s.%N`], 10_000).then(
          (r) => ({ coversUntil: new Date(Number(r.stdout.trim()) * 1000).toISOString() }),
          () => undefined,
        );
  if (name) {
    // The newest archived file may be a backup label (<segment>.<offset>.backup, archived right after
    // its segment) or a timeline history file (no segment: fall back to the repo).
    const row = await psql(
      name,
      "SELECT left(last_archived_wal, 24), to_char(last_archived_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM pg_stat_archiver WHERE last_archived_wal ~ '^[0-9A-F]{24}($|\\.[0-9A-F]{8}\\.backup$)'",
      o,
    );
    const [wal, at] = row.split('|');
    if (wal && at) return { wal, at: new Date(at).toISOString(), endLsn: segmentEndLsn(wal), ...(await closedAt(wal)), source: 'pg_stat_archiver' };
  }
  for (const service of membersOf(o)) {
    try {
      const { stdout } = await pc(
        o,
        [
          'exec',
          '-T',
          service,
          'sh',
          '-c',
          `wal=$(pgbackrest --stanza=${STANZA} --output=json info | jq -r '[.[0].archive[].max // empty] | max // empty'); ` +
            `[ -n "$wal" ] && echo "$wal $(find ${REPO}/archive/${STANZA} -name "$wal-*" -printf '%T@' | head -n1)"`,
        ],
        30_000,
      );
      const [wal, epoch] = stdout.trim().split(' ');
      if (wal && epoch) return { wal, at: new Date(Number(epoch) * 1000).toISOString(), endLsn: segmentEndLsn(wal), ...(await closedAt(wal)), source: 'repo' };
    } catch {
      /* member down: ask the next one */
    }
  }
  return undefined;
}

export interface BackupInfo {
  label: string;
  type: string;
  start: string;
  stop: string;
  timeline: number;
}

/** The newest backup in the repo (pgbackrest info), asked of any running member. */
export async function latestBackup(o: DrOptions): Promise<BackupInfo | undefined> {
  for (const service of membersOf(o)) {
    try {
      const { stdout } = await pc(o, ['exec', '-T', service, 'pgbackrest', `--stanza=${STANZA}`, '--output=json', 'info'], 30_000);
      const backups = (JSON.parse(stdout) as { backup?: { label: string; type: string; timestamp: { start: number; stop: number }; archive: { start: string } }[] }[])[0]?.backup ?? [];
      const b = backups.at(-1);
      if (!b) return undefined;
      return {
        label: b.label,
        type: b.type,
        start: new Date(b.timestamp.start * 1000).toISOString(),
        stop: new Date(b.timestamp.stop * 1000).toISOString(),
        timeline: parseInt(b.archive.start.slice(0, 8), 16),
      };
    } catch {
      /* member down: ask the next one */
    }
  }
  return undefined;
}

/**
 * Checks that a restore can work before anything is destroyed: a running leader whose image knows
 * the restore bootstrap (an image built before it would silently initdb an empty cluster), a backup
 * in the repo and WAL in the archive.
 */
export async function preflight(o: DrOptions): Promise<{ leader: string; backup: BackupInfo; archived: ArchivedWal }> {
  const name = await leader(o);
  if (!name) throw new Error('dr preflight: no running leader');
  await pc(o, ['exec', '-T', name, 'test', '-x', '/usr/local/bin/pg-restore-bootstrap']).catch(() => {
    throw new Error('dr preflight: the postgres image has no restore bootstrap (rebuild infra/postgres)');
  });
  const backup = await latestBackup(o);
  if (!backup) throw new Error('dr preflight: the pgBackRest repo holds no backup');
  const archived = await lastArchived(o);
  if (!archived) throw new Error('dr preflight: no WAL archived yet');
  return { leader: name, backup, archived };
}

export interface DestroyResult {
  /** When the members were killed: the disaster (the kill was issued). */
  disasterAt: string;
  /** The kill returned: no commit can be acknowledged after this. */
  killedAt: string;
  doneAt: string;
  volumes: string[];
  etcdKeysDeleted: number;
}

/** The data volume of each member, as Compose names it (e.g. surge-lab_pg-1-data). */
async function dataVolumes(o: DrOptions): Promise<string[]> {
  const { stdout } = await pc(o, ['config', '--format', 'json']);
  const config = JSON.parse(stdout) as { volumes: Record<string, { name?: string }> };
  return membersOf(o).map((m) => config.volumes[`${m}-data`]?.name ?? `${o.lab.project}_${m}-data`);
}

/**
 * The disaster: SIGKILL both members, remove their containers and data volumes (the repo volume
 * stays), and delete the Patroni cluster from etcd so that the next start bootstraps a new cluster.
 */
export async function destroyCluster(o: DrOptions): Promise<DestroyResult> {
  const { log } = o;
  const volumes = await dataVolumes(o);
  const MEMBERS = membersOf(o);
  const disasterAt = stamp(log, `killing ${MEMBERS.join(', ')} (project ${o.lab.project})`);
  await pc(o, ['kill', '-s', 'SIGKILL', ...MEMBERS]);
  const killedAt = stamp(log, 'killed; removing their containers');
  await pc(o, ['rm', '-f', '-s', ...MEMBERS]);
  stamp(log, `removing data volumes ${volumes.join(', ')}`);
  for (const v of volumes) {
    await o.lab.runtime.docker(['volume', 'rm', v]).catch((err: Error) => {
      if (!/no such volume/i.test(err.message)) throw err;
    });
  }
  stamp(log, `clearing the Patroni cluster in etcd (${DCS_PREFIX})`);
  const { stdout } = await pc(o, ['exec', '-T', 'etcd', 'etcdctl', '--endpoints=http://127.0.0.1:2379', 'del', '--prefix', DCS_PREFIX]);
  const etcdKeysDeleted = Number(stdout.trim()) || 0;
  const doneAt = stamp(log, `cluster destroyed (${etcdKeysDeleted} etcd keys deleted)`);
  return { disasterAt, killedAt, doneAt, volumes, etcdKeysDeleted };
}

export interface RestoreResult {
  startedAt: string;
  /** `docker compose up` of the members returned. */
  startedMembersAt: string;
  /** The first write committed on the restored leader. */
  writesAcceptedAt: string;
  /** A replica streams from the restored leader. */
  replicaStreamingAt: string;
  /** The fresh full backup on the new timeline finished (only with waitForFullBackup). */
  fullBackupAt?: string;
  leader: string;
  timeline: number;
  /** Seconds from startedAt. */
  seconds: { writes: number; replica: number; fullBackup?: number };
}

/** pgBackRest wants "YYYY-MM-DD HH:MM:SS[.mmm][+TZ]", not ISO 8601 with T and Z: convert what Date can parse. */
export function pgbackrestTime(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}+00`;
}

/** One write on a member, if it is the leader: the moment writes are accepted again. */
async function tryWrite(o: DrOptions, service: string): Promise<boolean> {
  try {
    if (!(await o.lab.patroni.isPrimary(service))) return false;
    await pc(o, ['exec', '-T', service, 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', 'SELECT txid_current()'], 10_000);
    return true;
  } catch {
    return false;
  }
}

/**
 * Brings the database tier back from the backup: writes the restore marker into the repo volume,
 * starts both members (one restores and leads, the other clones it) and waits until the leader
 * accepts writes and a replica streams. Optionally waits for the fresh full backup too.
 */
export async function restoreCluster(
  o: DrOptions & {
    /** Recovery target time (PostgreSQL timestamp); the end of the archive when absent. */
    targetTime?: string;
    waitForFullBackup?: boolean;
    timeoutSeconds?: number;
  },
): Promise<RestoreResult> {
  const { log } = o;
  const MEMBERS = membersOf(o);
  const deadline = Date.now() + (o.timeoutSeconds ?? 600) * 1000;
  const target = o.targetTime ? pgbackrestTime(o.targetTime) : '';
  const startedAt = stamp(log, `writing the restore marker ${MARKER}${target ? ` (target ${target})` : ''}`);
  // A throwaway container of the member image mounts the repo volume (the members are gone).
  await pc(
    o,
    [
      'run',
      '--rm',
      '--no-deps',
      '-T',
      '-e',
      `DR_TARGET=${target}`,
      '--entrypoint',
      'sh',
      MEMBERS[0]!,
      '-c',
      `pgbackrest --stanza=${STANZA} --output=json info | jq -e '.[0].backup | length > 0' >/dev/null ` + `|| { echo "no backup in the repo" >&2; exit 1; }; printf '%s\\n' "$DR_TARGET" > ${MARKER}`,
    ],
    120_000,
  );
  stamp(log, `starting ${MEMBERS.join(', ')}`);
  await pc(o, ['up', '-d', ...MEMBERS], 300_000);
  const startedMembersAt = stamp(log, 'members started; waiting for a leader that accepts writes');

  let writer: string | undefined;
  while (!writer) {
    if (Date.now() > deadline) throw new Error('restore: no leader accepting writes before the timeout');
    const ok = await Promise.all(MEMBERS.map((m) => tryWrite(o, m)));
    writer = MEMBERS[ok.indexOf(true)];
    if (!writer) await sleep(250);
  }
  const writesAcceptedAt = stamp(log, `${writer} accepts writes`);

  let timeline = 0;
  let replicaStreamingAt: string | undefined;
  while (!replicaStreamingAt) {
    if (Date.now() > deadline) throw new Error('restore: no streaming replica before the timeout');
    const ms: PatroniMember[] = await o.lab.patroni.cluster(MEMBERS);
    const replica = ms.find((m) => m.role !== 'leader' && m.state === 'streaming');
    timeline = ms.find((m) => m.role === 'leader')?.timeline ?? timeline;
    if (replica) replicaStreamingAt = stamp(log, `${replica.name} streams from the leader (${replica.role}); timeline ${timeline}`);
    else await sleep(500);
  }

  // post-bootstrap removes the marker once the restored cluster is promoted. Still there means the
  // members did not bootstrap from the backup (e.g. etcd still knew the cluster): never leave it behind.
  const { stdout: marker } = await pc(o, ['exec', '-T', writer, 'sh', '-c', `test -e ${MARKER} && echo present || echo gone`]);
  if (marker.trim() === 'present') {
    await pc(o, ['exec', '-T', writer, 'rm', '-f', MARKER]);
    throw new Error('restore: the marker was not consumed, the cluster did not bootstrap from the backup');
  }

  let fullBackupAt: string | undefined;
  if (o.waitForFullBackup) {
    stamp(log, 'waiting for the fresh full backup on the new timeline');
    for (;;) {
      if (Date.now() > deadline) throw new Error('restore: no fresh full backup before the timeout');
      const b = await latestBackup(o);
      if (b && b.type === 'full' && b.timeline >= timeline && b.stop > startedAt) {
        fullBackupAt = stamp(log, `full backup ${b.label} done (timeline ${b.timeline})`);
        break;
      }
      await sleep(2000);
    }
  }
  const since = (t: string) => (Date.parse(t) - Date.parse(startedAt)) / 1000;
  return {
    startedAt,
    startedMembersAt,
    writesAcceptedAt,
    replicaStreamingAt,
    leader: writer,
    timeline,
    ...(fullBackupAt ? { fullBackupAt } : {}),
    seconds: { writes: since(writesAcceptedAt), replica: since(replicaStreamingAt), ...(fullBackupAt ? { fullBackup: since(fullBackupAt) } : {}) },
  };
}

/**
 * The dr-restore fault: the cluster is destroyed on injection and restored from the backup on
 * revert. Its measurements: the archive cut-off (every commit before it must survive), the
 * recovery point actually reached (newest restored order) and the time to writes again.
 */
export async function disasterFault(ctx: FaultContext): Promise<ActiveFault> {
  const log = (l: string) => ctx.log(l.replace(/^\[[^\]]+\] /, ''));
  const o = { lab: ctx.lab, log };
  const pre = await preflight(o);
  const archived = (await lastArchived(o)) ?? pre.archived;
  const destroyed = await destroyCluster(o);
  const cutoff = archived.coversUntil ?? archived.at;
  const fault = activeFault({ name: 'both Patroni members and their volumes destroyed', kind: 'db-disaster', target: membersOf(o).join(', ') }, ctx, async () => {
    const restored = await restoreCluster(o);
    // Orders the shop takes once the restored leader accepts writes are not "restored": only older ones count.
    const newest = await psql(restored.leader, `SELECT to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM orders WHERE created_at < '${destroyed.disasterAt}'`, {
      ...o,
      database: ctx.lab.db.database,
    });
    const disaster = Date.parse(destroyed.disasterAt);
    const s = (t: string) => Number(((Date.parse(t) - disaster) / 1000).toFixed(1));
    Object.assign(fault.measurements!, {
      'disaster at': destroyed.disasterAt,
      'archive cut-off': cutoff,
      'last archived WAL': archived.wal,
      'newest restored order': newest || 'none',
      'RPO (s): disaster − newest restored order': newest ? -s(newest) : 'no order restored',
      'RPO bound (s): disaster − archive cut-off': -s(cutoff),
      'RTO (s): disaster → restored leader accepts writes': s(restored.writesAcceptedAt),
      'disaster → replica streaming (s)': s(restored.replicaStreamingAt),
      'restored timeline': restored.timeline,
    });
  });
  fault.measurements = {};
  return fault;
}
