// The service kit's public surface: services import from here only.

export { type HttpAnswer, type HttpCall, httpRequest } from './clients/http-client.ts';
export { type Admin, type Consumer, createKafka, createPublisher, type Kafka, type KafkaMessage, type Message, needsNewProducer, type Publisher } from './clients/kafka.ts';
export { followMigrations, type Migration, migrate, prepareSchema, retryUntil, SCHEMA_MODES, type SchemaMode } from './clients/migrate.ts';
export { createPgPools, type PgPools, type PgSettings } from './clients/pg.ts';
export { createRedis, type RedisSettings } from './clients/redis.ts';
export { httpShape, kafkaShape, pgSettings, pgShape, redisSettings, redisShape } from './common-config.ts';
export { ConfigError, env, loadConfig } from './config.ts';
export { BUDGET_HEADER, budgetHeaders, callTimeout, DeadlineError, remainingMs, START_HEADER, withDeadline, withoutDeadline } from './deadline.ts';
export { clientAddress, type Door, defaultGateways, doorGuard, fileToken, hostResolver, isLoopback, MIN_TOKEN_LENGTH, tokenMatches } from './door.ts';
export { AppError, DependencyError, ERROR_CODES, type ErrorCode } from './errors.ts';
export { type AppContext, createApp, finishApp, OUT_OF_ROTATION_FILE, type ReadinessCheck } from './http.ts';
export { type ServeOptions, serve } from './lifecycle.ts';
export { createLogger, type Logger } from './log.ts';
export { type Loop, startLoop } from './loop.ts';
export { Lru, SingleFlight } from './lru.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { backoffMs, type GuardedCall, type GuardOptions, guard } from './resilience.ts';
export { createService, runMain, type Service } from './service.ts';
