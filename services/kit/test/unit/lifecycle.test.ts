import express from 'express';
import { describe, expect, test } from 'vitest';
import { createLogger, serve } from '../../src/index.ts';

// Regression: the drain's Connection: close listener ran after the app and threw
// ERR_HTTP_HEADERS_SENT on answers sent synchronously, killing the replica mid-drain.
describe('serve() while draining', () => {
  test('answers sent synchronously get Connection: close and the process keeps serving', async () => {
    const app = express();
    app.get('/sync', (_req, res) => {
      res.json({ ok: true });
    });
    const draining = { value: true };
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => crashes.push(err);
    process.on('uncaughtException', onCrash);
    const server = await serve({ app, port: 0, logger: createLogger('t', 'silent'), draining });
    try {
      const port = (server.address() as { port: number }).port;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/sync`);
        expect(res.status).toBe(200);
        expect(res.headers.get('connection')).toBe('close');
      }
      expect(crashes).toEqual([]);
    } finally {
      process.off('uncaughtException', onCrash);
      server.close();
    }
  });
});
