// Connections from the test host into the lab, through the published 127.0.0.1 ports.
import pg from 'pg';
import { Redis } from 'ioredis';
import { labEnv, labPort } from '../../infra/lab/compose.ts';

export const env = labEnv();

export function pgClient(port: 'PG_RW_PORT' | 'PG_RO_PORT', extra: Partial<pg.ClientConfig> = {}): pg.Client {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: labPort(port),
    user: env.APP_DB_USER,
    password: env.APP_DB_PASSWORD,
    database: env.APP_DB_NAME,
    connectionTimeoutMillis: 2_000,
    query_timeout: 5_000,
    ...extra,
  });
  client.on('error', () => {}); // a connection cut by failover is expected; the query itself reports it
  return client;
}

/** Runs one statement on a fresh connection and closes it. */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(port: 'PG_RW_PORT' | 'PG_RO_PORT', sql: string, params: unknown[] = []): Promise<T[]> {
  const c = pgClient(port);
  try {
    await c.connect();
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

export function redisClient(): Redis {
  return new Redis({ host: '127.0.0.1', port: labPort('REDIS_PORT'), maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
}

export const toxiproxyUrl = () => `http://127.0.0.1:${labPort('TOXIPROXY_PORT')}`;
export const edgeUrl = () => `http://127.0.0.1:${labPort('EDGE_PORT')}`;
export const prometheusUrl = () => `http://127.0.0.1:${labPort('PROMETHEUS_PORT')}`;
