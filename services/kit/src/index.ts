// The service kit's public surface: services import from here only.
export { loadConfig, env, ConfigError } from './config.ts';
export { AppError, DependencyError, ERROR_CODES, type ErrorCode } from './errors.ts';
export { createLogger, type Logger } from './log.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { guard, backoffMs, type GuardOptions, type GuardedCall } from './resilience.ts';
export { createApp, finishApp, type AppContext, type ReadinessCheck } from './http.ts';
export { serve, type ServeOptions } from './lifecycle.ts';
export { createPgPools, type PgPools, type PgSettings } from './clients/pg.ts';
export { createRedis, type RedisSettings } from './clients/redis.ts';
export { createKafka, createPublisher, needsNewProducer, type Admin, type Consumer, type Kafka, type KafkaMessage, type Message, type Publisher } from './clients/kafka.ts';
export { createService, runMain, type Service } from './service.ts';
export { migrate, retryUntil, type Migration } from './clients/migrate.ts';
export { httpShape, pgShape, redisShape, kafkaShape, pgSettings, redisSettings } from './common-config.ts';
export { Lru, SingleFlight } from './lru.ts';
export { startLoop, type Loop } from './loop.ts';
export { clientAddress, defaultGateways, doorGuard, fileToken, hostResolver, isLoopback, MIN_TOKEN_LENGTH, tokenMatches, type Door } from './door.ts';
