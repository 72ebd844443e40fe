// Schema migrations applied by the services themselves (not baked into the database image).
// Each service owns its migrations; an advisory lock makes concurrent replicas apply them once.
import type pg from 'pg';
import type { Logger } from '../log.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const LOCK_KEY = 0x5375726765; // "Surge"

export async function migrate(pool: pg.Pool, owner: string, migrations: Migration[], logger: Logger): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      owner text NOT NULL, version int NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, version))`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE owner = $1', [owner]);
    const applied = new Set(rows.map((r) => r.version));
    let count = 0;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (owner, version, name) VALUES ($1, $2, $3)', [owner, m.version, m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      logger.info({ owner, version: m.version, name: m.name }, 'migration applied');
      count++;
    }
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}

/** Where a service's schema comes from: it applies its migrations (in the primary region), or it
 * waits until replication has brought them (a region that is not primary: its database is a replica,
 * and its writes go to the primary region's services). */
export type SchemaMode = 'apply' | 'follow';
export const SCHEMA_MODES: readonly SchemaMode[] = ['apply', 'follow'];

/** Fails, naming them, while any of `owner`'s migrations is missing from the database `pool` reads. */
export async function followMigrations(pool: pg.Pool, owner: string, migrations: Migration[]): Promise<number> {
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations WHERE owner = $1', [owner]);
  const applied = new Set(rows.map((r) => r.version));
  const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => m.version);
  if (missing.length > 0) throw new Error(`${owner}: migrations ${missing.join(', ')} have not replicated here yet`);
  return 0;
}

/** Start-up: the schema applied (`apply`) or replicated (`follow`) before the service answers. */
export const prepareSchema = (pools: { rw: pg.Pool; ro: pg.Pool }, mode: SchemaMode, owner: string, migrations: Migration[], logger: Logger) =>
  retryUntil(`${owner} migrations`, () => (mode === 'apply' ? migrate(pools.rw, owner, migrations, logger) : followMigrations(pools.ro, owner, migrations)), logger);

/** Retries `fn` until it succeeds or `timeoutMs` passes: start-up waits for the database. */
export async function retryUntil<T>(what: string, fn: () => Promise<T>, logger: Logger, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      logger.warn({ err: (err as Error).message, attempt }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2_000)));
    }
  }
}
