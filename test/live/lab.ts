// The lab as the live suites see it (one `openLab()` for all of them), and connections from the
// test host into it through the published 127.0.0.1 ports.

import { type ExecResult, openLab } from '@surge-lab/lab';
import { Redis } from 'ioredis';
import pg from 'pg';

export const lab = openLab();
export const env = lab.settings.values;
export const projectRoot = lab.root;
export const labProject = lab.project;
export const labPort = (name: string) => lab.settings.port(name);
export const compose = (args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> => lab.runtime.compose(args, o);
export const docker = (args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> => lab.runtime.docker(args, o);
export const ps = (o: { all?: boolean } = {}) => lab.runtime.containers(o);
export const consoleApi = <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => lab.console.call<T>(method, path, body);
/** The autoscaler's API (through the edge, with the console's token). */
export const autoscaler = lab.autoscaler;
/** A fault context on this lab, logging to the test's output. */
export const faultCtx = (log: (l: string) => void = () => {}) => ({ log, lab });

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
