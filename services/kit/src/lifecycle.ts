// Listen, and on SIGTERM/SIGINT shut down once: readiness turns 503, new connections stop,
// in-flight requests finish (keep-alive connections are closed as they go idle) within a
// deadline, then the clients close and the process exits.
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from './log.ts';

export interface ServeOptions {
  app: Express;
  port: number;
  logger: Logger;
  draining: { value: boolean };
  /** Closed in order after the HTTP server drained (pools, producers, background jobs). */
  closers?: { name: string; close: () => Promise<unknown> | unknown }[];
  /** Time for the edge to notice readiness went 503 before the listener closes. */
  drainDelayMs?: number;
  deadlineMs?: number;
}

export function serve(opts: ServeOptions): Promise<Server> {
  const { app, port, logger, draining } = opts;
  // The edge's balancer takes a replica whose /readyz fails out of rotation within about 1 s.
  const drainDelayMs = opts.drainDelayMs ?? 2_000;
  const deadlineMs = opts.deadlineMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (err?: Error) => {
      if (err) {
        reject(err);
        return;
      }
      logger.info({ port }, 'listening');
      resolve(server);
    });
    server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive_timeout
    server.on('error', reject);
    // While draining, every response asks the client to close its connection. Prepended, so it
    // runs before the app: a listener after it could meet a response already sent (and throw).
    server.prependListener('request', (_req, res) => {
      if (draining.value && !res.headersSent) res.setHeader('Connection', 'close');
    });

    let shuttingDown = false;
    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      draining.value = true;
      logger.info({ signal }, 'draining');
      const force = setTimeout(() => {
        logger.warn('drain deadline passed: closing remaining connections');
        server.closeAllConnections();
      }, deadlineMs);
      force.unref();
      await new Promise((r) => setTimeout(r, drainDelayMs));
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
      for (const c of opts.closers ?? []) {
        try {
          await c.close();
        } catch (err) {
          logger.warn({ err, closer: c.name }, 'close failed');
        }
      }
      logger.info('stopped');
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  });
}
