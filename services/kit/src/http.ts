// The Express app every service starts from: request ids and logs, RED metrics, body limits,
// health endpoints and, once the service added its routes, one 404 and one JSON error handler.

import { existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { ZodError } from 'zod';
import { requestDeadline } from './deadline.ts';
import { AppError, type ErrorCode } from './errors.ts';
import { type Logger, requestLogging } from './log.ts';
import { httpMetrics, type Metrics } from './metrics.ts';

export interface ReadinessCheck {
  name: string;
  check: (signal: AbortSignal) => Promise<unknown>;
  /** A check that is not critical reports its state but does not make the service unready. */
  critical?: boolean;
}

export interface AppContext {
  service: string;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Set by the lifecycle on SIGTERM: /readyz answers 503 so the edge stops sending. */
  draining: { value: boolean };
  bodyLimit?: string;
  /** One successful request in this many is logged at info, the rest at debug (errors and 4xx always). */
  logSuccessEvery?: number;
  /** Load shedding: requests in flight at once before new ones get 429 + Retry-After. */
  maxInFlight?: number;
  /**
   * Load shedding by event-loop delay (ms, p99 over the last quarter second; 0 or absent: off).
   * A starved process (CPU quota, a busy neighbour) queues requests before it even counts them
   * in flight; its timers are late, and that is the signal to refuse new work at once.
   */
  shedEventLoopDelayMs?: number;
  /** Checks that run on a path before anything else (parsing, shedding, routing): e.g. an API's token. */
  guards?: { path: string; handler: RequestHandler }[];
}

// The edge's balancer gives /readyz 600 ms before it counts the check as failed: each check
// answers within 500 ms (a critical dependency slower than that makes the replica unready).
const READY_TIMEOUT_MS = 500;

/**
 * An operator takes one replica out of rotation without stopping it (to look at it, or in a
 * test of the balancer): while this file exists, /readyz answers 503 and the edge sends nothing
 * new. `docker exec <replica> touch /tmp/out-of-rotation`; remove it to bring it back.
 */
export const OUT_OF_ROTATION_FILE = '/tmp/out-of-rotation';

/**
 * The dependency checks' answer is shared for this long: the edge asks every 500 ms and Docker
 * every 3 s, and each answer would otherwise cost a query on every dependency. Draining and the
 * out-of-rotation switch are read on every call.
 */
const READY_CACHE_MS = 1_000;

async function runCheck(c: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), READY_TIMEOUT_MS);
  try {
    await Promise.race([c.check(ac.signal), new Promise((_, reject) => ac.signal.addEventListener('abort', () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`))))]);
    return { name: c.name, ok: true };
  } catch (err) {
    return { name: c.name, ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Only JSON bodies: anything else on a request with a body is a 415. */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new AppError({ code: 'REQUEST_UNSUPPORTED_MEDIA_TYPE', message: `expected Content-Type application/json, got ${JSON.stringify(req.headers['content-type'] ?? '')}` }));
    return;
  }
  next();
};

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // services set their own ETags where they mean something
  app.set('trust proxy', 'loopback, uniquelocal');
  app.use(requestLogging(ctx.logger, ctx.logSuccessEvery));
  app.use(httpMetrics(ctx.service, ctx.metrics));
  // The request's deadline (edge-stamped budget), spent by every guarded call it makes.
  app.use(requestDeadline());
  for (const g of ctx.guards ?? []) app.use(g.path, g.handler);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: ctx.service });
  });
  let lastChecks: { at: number; results: Promise<Awaited<ReturnType<typeof runCheck>>[]> } | undefined;
  app.get('/readyz', async (_req, res) => {
    if (ctx.draining.value) {
      res.status(503).json({ status: 'draining', service: ctx.service });
      return;
    }
    if (existsSync(OUT_OF_ROTATION_FILE)) {
      res.status(503).json({ status: 'out-of-rotation', service: ctx.service });
      return;
    }
    const now = Date.now();
    if (!lastChecks || now - lastChecks.at > READY_CACHE_MS) lastChecks = { at: now, results: Promise.all(ctx.readiness.map(runCheck)) };
    const results = await lastChecks.results;
    const ready = results.every((r, i) => r.ok || ctx.readiness[i]!.critical === false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unready', service: ctx.service, checks: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  // Shedding happens before any work: an overloaded replica answers fast instead of queueing.
  const shed = ctx.metrics.counter('http_requests_shed_total', 'Requests refused because too many were in flight', ['service']);
  shed.inc({ service: ctx.service }, 0); // a series from the start: a graph shows 0, not "no data"
  // Requests in progress: the pressure on a replica that waits on its dependencies (an autoscaling metric).
  const inFlightGauge = ctx.metrics.gauge('http_requests_in_flight', 'Requests being handled now', ['service']);
  inFlightGauge.set({ service: ctx.service }, 0);
  let inFlight = 0;
  const maxInFlight = ctx.maxInFlight ?? 256;
  const loopDelay = ctx.shedEventLoopDelayMs ? eventLoopDelayWatch() : undefined;
  app.use((_req, res, next) => {
    if (inFlight >= maxInFlight) {
      shed.inc({ service: ctx.service });
      next(new AppError({ code: 'OVERLOADED', message: 'too many requests in flight; retry shortly', retryAfter: 1 }));
      return;
    }
    if (loopDelay && loopDelay.p99Ms() > ctx.shedEventLoopDelayMs!) {
      shed.inc({ service: ctx.service });
      next(new AppError({ code: 'OVERLOADED', message: `the replica is starved (event loop ${Math.round(loopDelay.p99Ms())} ms late); retry shortly`, retryAfter: 1 }));
      return;
    }
    inFlight++;
    inFlightGauge.inc({ service: ctx.service });
    res.once('close', () => {
      inFlight--;
      inFlightGauge.dec({ service: ctx.service });
    });
    next();
  });
  app.use(requireJson);
  app.use(express.json({ limit: ctx.bodyLimit ?? '16kb', strict: true }));
  return app;
}

/** p99 event-loop delay of the last complete 250 ms window (a sample every 20 ms: 12 per window). */
function eventLoopDelayWatch(): { p99Ms(): number } {
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  let last = 0;
  setInterval(() => {
    last = h.count ? h.percentile(99) / 1e6 : 0;
    h.reset();
  }, 250).unref();
  return { p99Ms: () => last };
}

function errorBody(code: ErrorCode, message: string, requestId: unknown, details?: unknown) {
  return { error: { code, message, ...(details !== undefined ? { details } : {}), requestId } };
}

/** What Express's router keeps of a layer (a route, or a mounted router with its own stack). */
interface RouterLayer {
  /** The part of the path the layer matched (a mounted router's prefix), or false. */
  match(path: string): false | { path: string };
  route?: { _methods(): string[] };
  handle?: { stack?: RouterLayer[] };
}

/** The methods some route answers at `path` (HEAD with GET, as Express does), mounted routers included. */
export function allowedMethods(stack: readonly RouterLayer[], path: string): string[] {
  const found = new Set<string>();
  for (const layer of stack) {
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) for (const m of layer.route._methods()) found.add(m.toUpperCase());
    else if (layer.handle?.stack) for (const m of allowedMethods(layer.handle.stack, path.slice(matched.path.length) || '/')) found.add(m);
  }
  if (found.has('_ALL')) return [];
  if (found.size) found.add('OPTIONS');
  return [...found].sort();
}

/**
 * Adds the 404 for unknown routes, the 405 (with Allow) for a known path asked with another
 * method, and the one error handler. Call after the service's routes.
 */
export function finishApp(app: Express, ctx: AppContext): Express {
  app.use((req, res, next) => {
    const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
    const allowed = allowedMethods(stack, req.path);
    if (allowed.length && !allowed.includes(req.method)) {
      res.setHeader('Allow', allowed.join(', '));
      next(new AppError({ code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed on ${req.path} (allowed: ${allowed.join(', ')})` }));
      return;
    }
    next(new AppError({ code: 'ROUTE_NOT_FOUND', message: `no route for ${req.method} ${req.path}` }));
  });
  const handler: ErrorRequestHandler = (err, req, res, _next) => {
    const requestId = (req as { id?: unknown }).id;
    if (res.headersSent) {
      res.end();
      return;
    }
    let appErr: AppError;
    if (err instanceof AppError) appErr = err;
    else if (err instanceof ZodError) {
      const details = err.issues.flatMap((i) =>
        i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ field: [...i.path, k].join('.'), problem: 'unknown field' })) : [{ field: i.path.join('.') || '(root)', problem: i.message }],
      );
      appErr = new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `invalid request: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details });
    } else if (err?.type === 'entity.parse.failed') appErr = new AppError({ code: 'REQUEST_INVALID_JSON', message: 'request body is not valid JSON' });
    else if (err?.type === 'entity.too.large') appErr = new AppError({ code: 'REQUEST_TOO_LARGE', message: `request body exceeds ${ctx.bodyLimit ?? '16kb'}` });
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported')
      appErr = new AppError({ code: 'REQUEST_UNSUPPORTED_MEDIA_TYPE', message: 'unsupported body encoding or charset' });
    else if (Number.isInteger(err?.status) && err.status >= 400 && err.status < 500) {
      // Framework-level client errors, e.g. a path with malformed percent-encoding.
      appErr = new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: err instanceof URIError ? 'malformed percent-encoding in the URL' : 'malformed request' });
    } else {
      ctx.logger.error({ err, requestId }, 'unhandled error');
      appErr = new AppError({ code: 'INTERNAL', message: 'internal error' });
    }
    if (appErr.status >= 500 && appErr.code !== 'INTERNAL') ctx.logger.warn({ code: appErr.code, details: appErr.details, requestId, cause: String(appErr.cause ?? '') }, appErr.message);
    if (appErr.retryAfter !== undefined) res.setHeader('Retry-After', String(appErr.retryAfter));
    res.status(appErr.status).json(errorBody(appErr.code, appErr.message, requestId, appErr.details));
  };
  app.use(handler);
  return app;
}
