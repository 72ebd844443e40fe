// The ceiling for "catalog from Redis": Express 5 answering each product id with one Redis GET
// over the same Toxiproxy link the catalog uses, nothing else (no cache layers, no metrics, no
// validation). SAMPLE_BODY is a real product answer, stored under 2,000 ids at start.
import express from 'express';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://toxiproxy:16379', { lazyConnect: false });
const sample = process.env.SAMPLE_BODY ?? '{}';
const ids = Array.from({ length: 2_000 }, (_, i) => `p-${String(i + 1).padStart(5, '0')}`);
await redis.mset(Object.fromEntries(ids.map((id) => [`bench:ceiling:${id}`, sample.replace('p-00001', id)])));

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/api/products/:id', async (req, res) => {
  const body = await redis.get(`bench:ceiling:${req.params.id}`);
  if (body === null) res.status(404).json({ error: 'not found' });
  else res.type('application/json').send(body);
});
const server = app.listen(Number(process.env.PORT ?? 0));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
