// How far behind the replica this replica's reads come from is, in seconds: the age of its copy of
// the replication heartbeat (a row the region controller stamps with the leader's clock every
// second, services/region-controller/src/heartbeat.ts). It measures what a shopper sees, whatever
// the cause: a slow or cut WAN, a replica that stopped replaying, a leader nobody reaches. Without
// a heartbeat (the single-region lab has none) the lag is unknown, and nothing is marked.
import type { Metrics } from '@surge-lab/kit';
import type pg from 'pg';

export interface ReplicaLag {
  /** Seconds behind the leader, or undefined when unknown. */
  seconds(): number | undefined;
  stop(): void;
}

export function watchReplicaLag(pool: pg.Pool, metrics: Metrics, intervalMs = 1_000): ReplicaLag {
  const gauge = metrics.gauge('catalog_replica_lag_seconds', "Age of the replication heartbeat in this replica's read replica (-1: unknown)", []);
  let lag: number | undefined;
  // Asked first, until the controller has made it: a query of a missing table would log an ERROR
  // in Postgres every second for every replica of the one-region lab.
  let tableExists = false;
  const sample = async () => {
    try {
      if (!tableExists) tableExists = (await pool.query<{ exists: boolean }>("SELECT to_regclass('region_heartbeat') IS NOT NULL AS exists")).rows[0]?.exists === true;
      if (!tableExists) lag = undefined;
      else lag = (await pool.query<{ lag: number }>('SELECT extract(epoch FROM clock_timestamp() - beat)::float8 AS lag FROM region_heartbeat WHERE id = 1')).rows[0]?.lag;
    } catch {
      lag = undefined; // no heartbeat table, or the replica is away: the cache says how stale a read is then
    }
    gauge.set(lag ?? -1);
  };
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  void sample();
  return { seconds: () => lag, stop: () => clearInterval(timer) };
}
