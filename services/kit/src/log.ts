import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { type Logger, pino } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes X-Request-Id from the caller (or makes one), echoes it, and logs requests once each:
 * every error (5xx, at error) and every refusal (4xx, at warn); of the successful ones, one in
 * `successEvery` at info and the rest at debug (LOG_LEVEL=debug shows them all). A log line per
 * request through Docker's json-file driver cost more CPU than the request itself.
 */
export function requestLogging(logger: Logger, successEvery = 100): RequestHandler {
  let successes = 0;
  const sampled = () => successEvery > 0 && successes++ % successEvery === 0;
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : sampled() ? 'info' : 'debug'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  });
}
