// Two node-postgres pools through the Toxiproxy links: read-write (pg-router 5000, always the
// leader) and read-only (5001, replicas). Connection and statement timeouts are always set:
// pg's defaults wait forever. A connection cut by failover is logged, never fatal.
import pg from 'pg';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export interface PgSettings {
  rwUrl: string;
  roUrl: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export interface PgPools {
  rw: pg.Pool;
  ro: pg.Pool;
  close(): Promise<void>;
}

export function createPgPools(service: string, settings: PgSettings, logger: Logger, metrics: Metrics): PgPools {
  const make = (role: 'rw' | 'ro', connectionString: string) => {
    const pool = new pg.Pool({
      connectionString,
      max: settings.poolMax,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: settings.statementTimeoutMs,
      query_timeout: settings.statementTimeoutMs + 1_000,
      application_name: `${service}-${role}`,
      keepAlive: true,
    });
    // node-postgres emits 'error' on a client whose connection drops, and the pool listens only
    // while the client is idle: a transaction's client cut by a failover (the outbox relay waits on
    // Kafka inside one) had no listener and took the process down. Every client gets its own for life;
    // its pending query rejects and release() drops it from the pool.
    pool.on('connect', (client) => {
      client.on('error', (err) => logger.warn({ err: err.message, pool: role }, 'database connection failed'));
    });
    pool.on('error', () => {}); // an idle client's failure, already logged by its own listener
    return pool;
  };
  const rw = make('rw', settings.rwUrl);
  const ro = make('ro', settings.roUrl);
  const g = metrics.gauge('db_pool_connections', 'Database pool connections by state', ['pool', 'state']);
  // Sampled on scrape: in use, idle and waiting clients per pool.
  const sample = () => {
    for (const [name, p] of [
      ['rw', rw],
      ['ro', ro],
    ] as const) {
      g.set({ pool: name, state: 'total' }, p.totalCount);
      g.set({ pool: name, state: 'idle' }, p.idleCount);
      g.set({ pool: name, state: 'waiting' }, p.waitingCount);
    }
  };
  const timer = setInterval(sample, 1_000);
  timer.unref();
  return {
    rw,
    ro,
    async close() {
      clearInterval(timer);
      await Promise.allSettled([rw.end(), ro.end()]);
    },
  };
}
