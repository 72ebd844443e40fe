// The replication heartbeat: once a second the controller stamps the leader's clock into a one-row
// table, region_heartbeat. Every replica's copy of the row is then as old as that replica is behind,
// whatever the reason (a slow or cut WAN, a replica that stopped replaying, a leader nobody reaches),
// and the catalog marks its reads X-Data-Stale past 5 s (services/catalog/src/data-access/replica-lag.ts).
// Written from the lab plane through the WAN, to the leader the probes found: a leader the lab plane
// cannot reach gets no beat, and its replicas' reads turn stale, as they should.
import { type Logger, type Loop, startLoop } from '@surge-lab/kit';
import { globalName, WAN_HOSTS, type WanHostName } from '@surge-lab/lab';
import pg from 'pg';

export interface HeartbeatDb {
  user: string;
  password: string;
  database: string;
}

const DDL = `CREATE TABLE IF NOT EXISTS region_heartbeat (
  id int PRIMARY KEY CHECK (id = 1), beat timestamptz NOT NULL, leader text NOT NULL)`;
const BEAT = `INSERT INTO region_heartbeat (id, beat, leader) VALUES (1, clock_timestamp(), $1)
  ON CONFLICT (id) DO UPDATE SET beat = excluded.beat, leader = excluded.leader`;

export function startHeartbeat(o: { db: HeartbeatDb; leader: () => string | undefined; intervalMs: number; logger: Logger }): Loop {
  let pool: pg.Pool | undefined;
  let poolFor: string | undefined;
  let created = false;
  const poolOf = (leader: string) => {
    if (poolFor !== leader) {
      void pool?.end().catch(() => {});
      const ports: Readonly<Record<string, number>> = WAN_HOSTS[leader as WanHostName].ports;
      pool = new pg.Pool({ ...o.db, host: globalName(leader as WanHostName), port: ports.postgres, max: 1, connectionTimeoutMillis: 2_000, statement_timeout: 2_000, idleTimeoutMillis: 10_000 });
      pool.on('error', () => {}); // an idle connection cut by the WAN: the next beat reconnects
      poolFor = leader;
      created = false;
    }
    return pool!;
  };
  return startLoop({
    name: 'heartbeat',
    intervalMs: o.intervalMs,
    maxBackoffMs: o.intervalMs,
    logger: o.logger,
    run: async () => {
      const leader = o.leader();
      if (!leader || !Object.hasOwn(WAN_HOSTS, leader)) return;
      const p = poolOf(leader);
      if (!created) {
        await p.query(DDL);
        created = true;
      }
      await p.query(BEAT, [leader]);
    },
  });
}
