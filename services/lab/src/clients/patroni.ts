// The one Patroni client of the lab: the cluster as Patroni's REST API (`/cluster`) describes it,
// with Patroni's own role words (leader, sync_standby, replica). From the host it asks through
// the member's container (the REST port is not published); inside the lab, over the network.
import type { Runtime, Streaming } from '../runtime/runtime.ts';
import { PATRONI_MEMBERS } from '../topology.ts';
import { waitFor } from '../wait.ts';
import { WAN_HOSTS } from '../wan.ts';

/** How often `watchPrimary` asks. */
const WATCH_MS = 250;

/** A member's Patroni REST port: each member has its own (services/lab/src/wan.ts). */
export const patroniPort = (member: string): number => {
  const host = WAN_HOSTS[member as keyof typeof WAN_HOSTS] as { ports: { patroni?: number } } | undefined;
  if (!host?.ports.patroni) throw new Error(`${member} is not a Patroni member`);
  return host.ports.patroni;
};

export type PatroniRole = 'leader' | 'sync_standby' | 'replica' | 'standby_leader';

export interface PatroniMember {
  name: string;
  role: PatroniRole;
  /** running (a leader), streaming (a replica that receives WAL), stopped, starting, … */
  state: string;
  timeline?: number;
  /** Replication lag in bytes (a number), or Patroni's "unknown". */
  lag?: number | string;
  host?: string;
  tags?: { nosync?: boolean };
}

/** A member's tags, on its data volume (infra/postgres/entrypoint.sh writes them at first start). */
export const PATRONI_TAGS_FILE = '/var/lib/postgresql/data/region-tags.yml';

/** A standby as the leader's pg_stat_replication sees it. */
export interface StandbyLag {
  name: string;
  state: string;
  sync: string;
  /** Bytes of WAL the leader has that the standby has not replayed. */
  bytes: number;
  /** Seconds the standby's replay is behind (0 when it has caught up). */
  seconds: number;
}

/** The cluster's dynamic configuration (kept in the DCS), as far as the lab reads and changes it. */
export interface PatroniDynamicConfig {
  synchronous_mode?: boolean;
  synchronous_node_count?: number;
  maximum_lag_on_failover?: number;
  ttl?: number;
  loop_wait?: number;
  retry_timeout?: number;
}

export interface PatroniClientOptions {
  runtime: Runtime;
  /** Ask members over the network (inside the lab) instead of through their containers. */
  direct: boolean;
  members?: readonly string[];
  /** The name a member is reached by over the network (default: its service name; the region
   * controller uses global names, `<member>.surge`, to see members through the WAN). */
  hostOf?: (member: string) => string;
  /** Per request, over the network (default 2 s). */
  timeoutMs?: number;
}

export class PatroniClient {
  readonly members: readonly string[];
  private readonly o: PatroniClientOptions;

  constructor(o: PatroniClientOptions) {
    this.o = o;
    this.members = o.members ?? PATRONI_MEMBERS;
  }

  /** GET a Patroni REST path of one member (direct: within `timeoutMs`, the client's by default). */
  async rest<T = unknown>(member: string, path: string, timeoutMs = this.o.timeoutMs ?? 2_000): Promise<T> {
    if (this.o.direct) {
      const r = await fetch(this.url(member, path), { signal: AbortSignal.timeout(timeoutMs) });
      if (!r.ok) throw new Error(`patroni ${member} ${path}: ${r.status}`);
      return (await r.json()) as T;
    }
    const { stdout } = await this.o.runtime.execIn(member, ['curl', '-fs', '--max-time', '2', `http://127.0.0.1:${patroniPort(member)}${path}`], { timeoutMs: 10_000 });
    return JSON.parse(stdout) as T;
  }

  private url(member: string, path: string): string {
    return `http://${this.o.hostOf?.(member) ?? member}:${patroniPort(member)}${path}`;
  }

  /** A REST call that changes something (POST or PATCH), over the network or through the member's container. */
  private async send(member: string, method: 'POST' | 'PATCH', path: string, body?: unknown, timeoutS = 10): Promise<string> {
    if (this.o.direct) {
      const r = await fetch(this.url(member, path), {
        method,
        signal: AbortSignal.timeout(timeoutS * 1000),
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`patroni ${member} ${method} ${path}: ${r.status} ${text.trim()}`);
      return text;
    }
    const data = body === undefined ? [] : ['-H', 'Content-Type: application/json', '-d', JSON.stringify(body)];
    // The status on a line of its own after the body, so that a refusal says Patroni's reason, as over the network.
    const { stdout } = await this.o.runtime.execIn(
      member,
      ['curl', '-sS', '--max-time', String(timeoutS), '-w', '\n%{http_code}', '-X', method, ...data, `http://127.0.0.1:${patroniPort(member)}${path}`],
      {
        timeoutMs: (timeoutS + 10) * 1000,
      },
    );
    const cut = stdout.lastIndexOf('\n');
    const [text, status] = [stdout.slice(0, cut), Number(stdout.slice(cut + 1))];
    if (!(status >= 200 && status < 300)) throw new Error(`patroni ${member} ${method} ${path}: ${status} ${text.trim()}`);
    return text;
  }

  /** Clones a replica afresh from the leader (its data directory removed): Patroni's reinitialize. */
  async reinitialize(member: string): Promise<void> {
    await this.send(member, 'POST', '/reinitialize', { force: true });
  }

  /** The dynamic configuration, as one member sees it. */
  async config(member: string): Promise<PatroniDynamicConfig> {
    return this.rest<PatroniDynamicConfig>(member, '/config');
  }

  /** Changes the dynamic configuration (written to the DCS through `member`: it needs quorum). */
  async patchConfig(member: string, change: PatroniDynamicConfig): Promise<void> {
    await this.send(member, 'PATCH', '/config', change);
  }

  /**
   * Sets a member's `nosync` tag (a member of the replica region is never a synchronous standby):
   * rewrites its tags file and has Patroni reload its configuration.
   */
  async setNosync(member: string, nosync: boolean): Promise<void> {
    // Only the nosync line changes: the file's layout is the entrypoint's.
    await this.o.runtime.execIn(member, ['sed', '-i', `s/^  nosync: .*/  nosync: ${nosync}/`, PATRONI_TAGS_FILE], { timeoutMs: 10_000 });
    await this.send(member, 'POST', '/reload');
  }

  /** How far each standby is behind, asked of the leader's Postgres (its Unix socket, as postgres). */
  async standbyLag(leader: string): Promise<StandbyLag[]> {
    const sql = `SELECT application_name, state, sync_state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) FROM pg_stat_replication`;
    const { stdout } = await this.o.runtime.execIn(leader, ['psql', '-XAtq', '-F', '|', '-d', 'postgres', '-c', sql], { timeoutMs: 10_000 });
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name = '', state = '', sync = '', bytes = '0', seconds = '0'] = l.split('|');
        return { name, state, sync, bytes: Number(bytes), seconds: Number(bytes) === 0 ? 0 : Number(seconds) };
      });
  }

  /** The member's Patroni says it is the primary (its REST `/primary` answers 200). */
  async isPrimary(member: string): Promise<boolean> {
    return this.rest(member, '/primary').then(
      () => true,
      () => false,
    );
  }

  /**
   * Watches whether the member says it is the primary, every 250 ms, until `stop()`: `onProbe` gets
   * each probe's start time and answer (false when its container is gone). From the host it is one
   * exec for the whole watch, a loop in the member's container that ends when the exec's stdin
   * closes; inside the lab, HTTP.
   */
  async watchPrimary(member: string, onProbe: (at: number, primary: boolean) => void): Promise<Streaming> {
    if (this.o.direct) {
      let on = true;
      const ended = (async () => {
        while (on) {
          const at = Date.now();
          onProbe(at, await this.isPrimary(member));
          await new Promise((r) => setTimeout(r, Math.max(0, at + WATCH_MS - Date.now())));
        }
      })();
      return {
        ended,
        stop: async () => {
          on = false;
          await ended;
        },
      };
    }
    const container = (await this.o.runtime.containers()).find((c) => c.service === member && c.state === 'running');
    if (!container) {
      onProbe(Date.now(), false);
      return { ended: Promise.resolve(), stop: async () => {} };
    }
    const probe = `echo "$(date +%s%3N) $(curl -s -o /dev/null -m 1 -w '%{http_code}' http://127.0.0.1:${patroniPort(member)}/primary)"`;
    // read -t is the loop's sleep: it times out (status > 128) until stdin closes (status 1).
    const loop = `while IFS= read -t ${WATCH_MS / 1000} -r _; [ $? -gt 128 ]; do ${probe}; done`;
    const s = this.o.runtime.stream(container.name, ['bash', '-c', loop], (line) => {
      const [at, code] = line.split(' ');
      if (at && /^\d+$/.test(at)) onProbe(Number(at), code === '200');
    });
    void s.ended.then(() => onProbe(Date.now(), false));
    return s;
  }

  /** The cluster, asked of the first member that answers (`[]` when none does). */
  async cluster(among: readonly string[] = this.members): Promise<PatroniMember[]> {
    for (const m of among) {
      try {
        return (await this.rest<{ members: PatroniMember[] }>(m, '/cluster')).members;
      } catch {
        // that member is down: ask the next one
      }
    }
    return [];
  }

  /** Roles by member name. */
  async roles(among: readonly string[] = this.members): Promise<Map<string, PatroniRole>> {
    return new Map((await this.cluster(among)).map((m) => [m.name, m.role]));
  }

  /** The one running leader; throws when there is none or more than one. */
  async leader(): Promise<string> {
    const l = (await this.cluster()).filter((m) => m.role === 'leader' && m.state === 'running');
    if (l.length !== 1) throw new Error(`expected one running Patroni leader, found ${l.map((m) => m.name).join(', ') || 'none'}`);
    return l[0]!.name;
  }

  /** The running leader, or undefined. */
  async leaderOrNone(): Promise<string | undefined> {
    return (await this.cluster()).find((m) => m.role === 'leader' && m.state === 'running')?.name;
  }

  other(member: string): string {
    const o = this.members.find((m) => m !== member);
    if (!o) throw new Error(`no other Patroni member than ${member}`);
    return o;
  }

  /** The cluster is whole: one running leader and a streaming synchronous standby. */
  async isHealthy(): Promise<boolean> {
    const members = await this.cluster();
    return members.filter((m) => m.role === 'leader' && m.state === 'running').length === 1 && members.some((m) => m.role === 'sync_standby' && m.state === 'streaming');
  }

  async waitHealthy(timeoutMs = 180_000): Promise<void> {
    await waitFor('a Patroni leader and a streaming sync standby', () => this.isHealthy(), { timeoutMs, intervalMs: 1_000 });
  }

  /** A CHECKPOINT on the member (its Unix socket, as postgres): the shutdown checkpoint of a switchover then has little left to write. */
  async checkpoint(member: string): Promise<void> {
    await this.o.runtime.execIn(member, ['psql', '-XAtq', '-d', 'postgres', '-c', 'CHECKPOINT'], { timeoutMs: 120_000 });
  }

  /**
   * A planned switchover: Patroni's REST API on the leader, which answers once the candidate leads
   * (or the switchover failed). Not patronictl: its Python start-up alone took 1-3 s on a busy
   * 2-core machine, every second of it added to the writes' pause.
   */
  async switchover(leader: string, candidate: string): Promise<void> {
    await this.send(leader, 'POST', '/switchover', { leader, candidate }, 30).catch((err: Error) => {
      // Patroni stopped watching (after 10 s) before it saw the new leader: the switchover goes on,
      // and every caller waits for its leader anyway. Any other answer is a refusal.
      if (!/status unknown/i.test(err.message)) throw err;
    });
  }
}
