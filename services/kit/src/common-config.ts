// Config shapes shared by services: each service spreads the ones it needs into its schema.
import { SCHEMA_MODES } from './clients/migrate.ts';
import { env } from './config.ts';

export const httpShape = {
  PORT: env.port().default(8080),
  LOG_LEVEL: env.string().default('info'),
  // Successful requests logged: one in this many (0: none). Errors (5xx) and warnings (4xx) are
  // always logged; LOG_LEVEL=debug logs every request (the debug switch).
  LOG_SUCCESS_EVERY: env.int(0, 1_000_000).default(100),
};

export const pgShape = {
  PG_RW_URL: env.url(),
  PG_RO_URL: env.url(),
  PG_POOL_MAX: env.int(1, 100).default(10),
  PG_CONNECT_TIMEOUT_MS: env.int(100, 60_000).default(2_000),
  PG_STATEMENT_TIMEOUT_MS: env.int(100, 60_000).default(3_000),
  // `follow` in a region that is not primary: its database is a replica, the schema replicates.
  DB_SCHEMA: env.oneOf(SCHEMA_MODES).default('apply'),
};

export const redisShape = {
  REDIS_URL: env.url(),
  // A cap per command: the request's budget (set by the edge) usually decides, so a Redis that
  // answers in 400 ms still serves carts instead of every command failing at a fixed 250 ms.
  REDIS_COMMAND_TIMEOUT_MS: env.int(10, 10_000).default(1_000),
};

export const kafkaShape = {
  KAFKA_BROKERS: env.list(),
};

type PgConfig = { PG_RW_URL: string; PG_RO_URL: string; PG_POOL_MAX: number; PG_CONNECT_TIMEOUT_MS: number; PG_STATEMENT_TIMEOUT_MS: number };
export const pgSettings = (c: PgConfig) => ({
  rwUrl: c.PG_RW_URL,
  roUrl: c.PG_RO_URL,
  poolMax: c.PG_POOL_MAX,
  connectTimeoutMs: c.PG_CONNECT_TIMEOUT_MS,
  statementTimeoutMs: c.PG_STATEMENT_TIMEOUT_MS,
});
export const redisSettings = (c: { REDIS_URL: string; REDIS_COMMAND_TIMEOUT_MS: number }) => ({
  url: c.REDIS_URL,
  commandTimeoutMs: c.REDIS_COMMAND_TIMEOUT_MS,
  connectTimeoutMs: 1_000,
});
