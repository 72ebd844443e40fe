// Composes the kit for one service: logger, metrics, draining flag, the base app and its start.
import type { Express } from 'express';
import { ConfigError } from './config.ts';
import { type AppContext, createApp, finishApp, type ReadinessCheck } from './http.ts';
import { type ServeOptions, serve } from './lifecycle.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics, type Metrics } from './metrics.ts';

export interface Service {
  ctx: AppContext;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** The base app (health, metrics, body parsing); add routes, then `finish`. */
  app(): Express;
  finish(app: Express): Express;
  listen(app: Express, opts: Omit<ServeOptions, 'app' | 'logger' | 'draining'>): ReturnType<typeof serve>;
}

export function createService(
  name: string,
  opts: { bodyLimit?: string; logLevel?: string; logSuccessEvery?: number; maxInFlight?: number; shedEventLoopDelayMs?: number; guards?: AppContext['guards'] } = {},
): Service {
  const logger = createLogger(name, opts.logLevel);
  const metrics = createMetrics(name);
  const ctx: AppContext = {
    service: name,
    logger,
    metrics,
    readiness: [],
    draining: { value: false },
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    ...(opts.logSuccessEvery !== undefined ? { logSuccessEvery: opts.logSuccessEvery } : {}),
    ...(opts.maxInFlight ? { maxInFlight: opts.maxInFlight } : {}),
    ...(opts.shedEventLoopDelayMs ? { shedEventLoopDelayMs: opts.shedEventLoopDelayMs } : {}),
    ...(opts.guards ? { guards: opts.guards } : {}),
  };
  return {
    ctx,
    logger,
    metrics,
    readiness: ctx.readiness,
    app: () => createApp(ctx),
    finish: (app) => finishApp(app, ctx),
    listen: (app, o) => serve({ app, logger, draining: ctx.draining, ...o }),
  };
}

/** Runs a service's main; a configuration error prints its list of problems and exits 1. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  });
}
