// The cart API in-process (buildApp with the production wiring) against the running lab's
// Redis (through Toxiproxy, 127.0.0.1:16379) and a catalog TEST DOUBLE: a tiny real HTTP
// server that answers GET /api/products/{id} the way catalog does. No lab container is touched.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Product } from '@surge-lab/contracts/products';
import { createRedis, createService } from '@surge-lab/kit';
import { openLab } from '@surge-lab/lab';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadCartConfig } from '../../src/config.ts';
import { cartKey, EXPIRY_KEY } from '../../src/data-access/cart-store.ts';
import { snapshotKey } from '../../src/data-access/catalog.ts';
import { createDeps } from '../../src/deps.ts';
import type { Sweeper } from '../../src/sweeper.ts';

const lab = openLab();
const LAB_REDIS = `redis://127.0.0.1:${lab.settings.port('REDIS_PORT')}`;
const redisClient = () => new Redis(LAB_REDIS, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
const CLOSED_PORT_REDIS = 'redis://127.0.0.1:1';

// Ids in a range a seeded catalog is unlikely to use; their snapshots are deleted afterwards.
const KETTLE: Product = { id: 'p-98001', name: 'Kettle', category: 'kitchen', description: 'Boils', priceCents: 1999, stock: 3, imageUrl: '/img/p-98001.png', version: 1 };
const MUG: Product = { id: 'p-98002', name: 'Mug', category: 'kitchen', description: 'Holds', priceCents: 450, stock: 50, imageUrl: '/img/p-98002.png', version: 2 };
/** Served by the double with X-Data-Stale, as catalog does when answering from its caches. */
const LAMP: Product = { id: 'p-98003', name: 'Lamp', category: 'home', description: 'Glows', priceCents: 3000, stock: 1, imageUrl: '/img/p-98003.png', version: 1 };
const ABSENT = 'p-98999';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

/** Catalog test double: serves the given products; 404 with catalog's error body otherwise. */
async function startCatalogDouble(products: Product[]): Promise<{ url: string; server: Server }> {
  const byId = new Map(products.map((p) => [p.id, p]));
  const server = createServer((req, res) => {
    const id = /^\/api\/products\/([^/]+)$/.exec(req.url ?? '')?.[1];
    const product = id ? byId.get(decodeURIComponent(id)) : undefined;
    const ok = req.url === '/healthz' || product;
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', ...(product === LAMP ? { 'x-data-stale': 'true' } : {}) });
    res.end(JSON.stringify(product ?? (ok ? { status: 'ok' } : { error: { code: 'PRODUCT_NOT_FOUND', message: 'no such product' } })));
  });
  return { url: await listen(server), server };
}

interface CartInstance {
  url: string;
  sweeper: Sweeper;
  close: () => Promise<void>;
}

/** One cart service in this process, wired as start.ts wires it, on a random port. */
async function startCart(redisUrl: string, catalogUrl: string, waitForRedis = true): Promise<CartInstance> {
  const config = loadCartConfig({ REDIS_URL: redisUrl, CATALOG_URL: catalogUrl, CATALOG_TIMEOUT_MS: '300' });
  const svc = createService('cart', { logLevel: 'silent' });
  const redis = createRedis({ url: config.REDIS_URL, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, connectTimeoutMs: 1_000 }, svc.logger);
  if (waitForRedis) await new Promise((r) => redis.once('ready', r));
  const deps = createDeps(svc, config, redis);
  const server = buildApp(svc, deps).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sweeper: deps.sweeper,
    close: async () => {
      deps.sweeper.close();
      await stop(server);
      redis.disconnect();
    },
  };
}

/** The JSON body as the tests read it: a cart, an error, or the readiness checks (each test reads what its answer has; undefined when there is none). */
interface Body {
  id: string;
  items: unknown[];
  totalCents: number;
  checks: unknown[];
  error: { code: string; message: string; details: unknown };
}
interface Answer {
  status: number;
  headers: Headers;
  body: Body;
}

async function call(base: string, method: string, path: string, opts: { json?: unknown; raw?: string; type?: string } = {}): Promise<Answer> {
  const body = opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json));
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': opts.type ?? 'application/json' };
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

let catalog: { url: string; server: Server };
let cart: CartInstance;
let redis: Redis;
const createdCarts: string[] = [];

const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(cart.url, method, path, opts);
async function newCart(base = cart.url): Promise<string> {
  const res = await call(base, 'POST', '/api/carts');
  expect(res.status).toBe(201);
  createdCarts.push(res.body.id);
  return res.body.id;
}

beforeAll(async () => {
  redis = redisClient();
  await redis.connect();
  catalog = await startCatalogDouble([KETTLE, MUG, LAMP]);
  cart = await startCart(LAB_REDIS, catalog.url);
});

afterAll(async () => {
  await cart?.close();
  if (catalog?.server.listening) await stop(catalog.server);
  if (createdCarts.length) {
    await redis.del(...createdCarts.map(cartKey));
    await redis.zrem(EXPIRY_KEY, ...createdCarts);
  }
  await redis.del(snapshotKey(KETTLE.id), snapshotKey(MUG.id), snapshotKey(LAMP.id));
  redis.disconnect();
});

describe('cart API', () => {
  test('create, add two products, read: names, prices, line totals and total', async () => {
    const created = await api('POST', '/api/carts');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ items: [], totalCents: 0, stale: false });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers.get('location')).toBe(`/api/carts/${created.body.id}`);
    const id = created.body.id as string;
    createdCarts.push(id);
    // No TTL on the cart (it must never be evicted); its idle expiry is ~7 days out instead.
    expect(await redis.ttl(cartKey(id))).toBe(-1);
    expect(Number(await redis.zscore(EXPIRY_KEY, id)) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    expect((await api('PUT', `/api/carts/${id}/items/${KETTLE.id}`, { json: { quantity: 2 } })).status).toBe(200);
    const put = await api('PUT', `/api/carts/${id}/items/${MUG.id}`, { json: { quantity: 5 } });
    expect(put.status).toBe(200);
    expect(put.body.totalCents).toBe(2 * 1999 + 5 * 450);

    const got = await api('GET', `/api/carts/${id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('x-data-stale')).toBeNull();
    expect(got.body).toMatchObject({
      id,
      stale: false,
      totalCents: 6248,
      itemCount: 7,
      items: [
        { productId: KETTLE.id, name: 'Kettle', priceCents: 1999, quantity: 2, lineTotalCents: 3998, imageUrl: KETTLE.imageUrl },
        { productId: MUG.id, name: 'Mug', priceCents: 450, quantity: 5, lineTotalCents: 2250, imageUrl: MUG.imageUrl },
      ],
    });
    // The last-known product is kept in Redis with a TTL (evictable), written in the background.
    await expect.poll(() => redis.ttl(snapshotKey(KETTLE.id))).toBeGreaterThan(80_000);
  });

  test('change a quantity (beyond stock is allowed: checkout decides), remove lines idempotently', async () => {
    const id = await newCart();
    await api('PUT', `/api/carts/${id}/items/${KETTLE.id}`, { json: { quantity: 1 } });
    const changed = await api('PUT', `/api/carts/${id}/items/${KETTLE.id}`, { json: { quantity: 9 } });
    expect(changed.body.items).toEqual([expect.objectContaining({ productId: KETTLE.id, quantity: 9, lineTotalCents: 9 * 1999 })]);

    const removed = await api('DELETE', `/api/carts/${id}/items/${KETTLE.id}`);
    expect(removed).toMatchObject({ status: 200, body: { items: [], totalCents: 0 } });
    expect((await api('DELETE', `/api/carts/${id}/items/${KETTLE.id}`)).status).toBe(200);
    expect(await redis.hgetall(cartKey(id))).toEqual({ _created: expect.any(String) }); // the empty cart still exists
  });

  test('a product catalog itself marks stale makes the cart stale too', async () => {
    const id = await newCart();
    const res = await api('PUT', `/api/carts/${id}/items/${LAMP.id}`, { json: { quantity: 1 } });
    expect(res).toMatchObject({ status: 200, body: { stale: true, totalCents: 3000 } });
    expect(res.headers.get('x-data-stale')).toBe('true');
  });
});

describe('bad input: 4xx JSON naming the problem, nothing written', () => {
  let id: string;
  beforeAll(async () => {
    id = await newCart();
    await api('PUT', `/api/carts/${id}/items/${KETTLE.id}`, { json: { quantity: 2 } });
  });
  const item = () => `/api/carts/${id}/items/${KETTLE.id}`;

  // Each case: [name, request, status, code, text the message or details must contain].
  const cases: [string, () => [string, string, Parameters<typeof call>[3]?], number, string, string][] = [
    ['malformed JSON', () => ['PUT', item(), { raw: '{"quantity": 2', type: 'application/json' }], 400, 'REQUEST_INVALID_JSON', 'JSON'],
    ['wrong content type', () => ['PUT', item(), { raw: 'quantity=2', type: 'application/x-www-form-urlencoded' }], 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE', 'application/json'],
    ['body over the limit', () => ['PUT', item(), { raw: JSON.stringify({ quantity: 2, pad: 'x'.repeat(20_000) }) }], 413, 'REQUEST_TOO_LARGE', '16kb'],
    ['unknown field', () => ['PUT', item(), { json: { quantity: 2, priceCents: 1 } }], 400, 'REQUEST_VALIDATION_FAILED', 'priceCents'],
    ['unknown field on create', () => ['POST', '/api/carts', { json: { id } }], 400, 'REQUEST_VALIDATION_FAILED', 'id'],
    ['missing body', () => ['PUT', item()], 400, 'REQUEST_VALIDATION_FAILED', 'quantity'],
    ['array body', () => ['PUT', item(), { json: [2] }], 400, 'REQUEST_VALIDATION_FAILED', 'expected object'],
    ['quantity 0', () => ['PUT', item(), { json: { quantity: 0 } }], 400, 'REQUEST_VALIDATION_FAILED', 'quantity'],
    ['quantity -1', () => ['PUT', item(), { json: { quantity: -1 } }], 400, 'REQUEST_VALIDATION_FAILED', 'quantity'],
    ['quantity 100', () => ['PUT', item(), { json: { quantity: 100 } }], 400, 'REQUEST_VALIDATION_FAILED', 'quantity'],
    ['quantity 1.5', () => ['PUT', item(), { json: { quantity: 1.5 } }], 400, 'REQUEST_VALIDATION_FAILED', 'quantity'],
    ['quantity "2"', () => ['PUT', item(), { json: { quantity: '2' } }], 400, 'REQUEST_VALIDATION_FAILED', 'quantity'],
    ['malformed cart id (GET)', () => ['GET', '/api/carts/not-a-uuid'], 400, 'REQUEST_VALIDATION_FAILED', 'id'],
    ['malformed cart id (PUT)', () => ['PUT', `/api/carts/123/items/${KETTLE.id}`, { json: { quantity: 1 } }], 400, 'REQUEST_VALIDATION_FAILED', 'id'],
    ['malformed cart id (DELETE)', () => ['DELETE', `/api/carts/123/items/${KETTLE.id}`], 400, 'REQUEST_VALIDATION_FAILED', 'id'],
    ['malformed product id (PUT)', () => ['PUT', `/api/carts/${id}/items/sku-1`, { json: { quantity: 1 } }], 400, 'REQUEST_VALIDATION_FAILED', 'productId'],
    ['malformed product id (DELETE)', () => ['DELETE', `/api/carts/${id}/items/_created`], 400, 'REQUEST_VALIDATION_FAILED', 'productId'],
    ['malformed percent-encoding', () => ['GET', '/api/carts/%E0%A4%A'], 400, 'REQUEST_VALIDATION_FAILED', 'percent'],
    ['unknown cart (GET)', () => ['GET', '/api/carts/00000000-0000-4000-8000-000000000000'], 404, 'CART_NOT_FOUND', '00000000'],
    ['unknown cart (PUT)', () => ['PUT', `/api/carts/00000000-0000-4000-8000-000000000000/items/${KETTLE.id}`, { json: { quantity: 1 } }], 404, 'CART_NOT_FOUND', '00000000'],
    ['unknown cart (DELETE)', () => ['DELETE', `/api/carts/00000000-0000-4000-8000-000000000000/items/${KETTLE.id}`], 404, 'CART_NOT_FOUND', '00000000'],
    ['unknown product', () => ['PUT', `/api/carts/${id}/items/${ABSENT}`, { json: { quantity: 1 } }], 404, 'PRODUCT_NOT_FOUND', ABSENT],
    ['unknown route', () => ['GET', '/api/carts/x/y/z'], 404, 'ROUTE_NOT_FOUND', '/api/carts/x/y/z'],
    ['another method on the carts path', () => ['GET', '/api/carts'], 405, 'METHOD_NOT_ALLOWED', 'allowed: OPTIONS, POST'],
    ['unknown method on a cart', () => ['PATCH', `/api/carts/${id}`, { json: {} }], 405, 'METHOD_NOT_ALLOWED', 'PATCH'],
  ];
  // Injection and Unicode tricks in ids are simply malformed.
  const tricks = ["p-1' OR '1'='1", '<script>alert(1)</script>', 'p-0000\uff11', 'p-\u0660\u0660\u0660\u0660\u0661', 'p-00001\u202e', 'p-00001\u0000', '../../admin', 'p-00001 '];
  for (const t of tricks) {
    cases.push([`product id ${JSON.stringify(t)}`, () => ['PUT', `/api/carts/${id}/items/${encodeURIComponent(t)}`, { json: { quantity: 1 } }], 400, 'REQUEST_VALIDATION_FAILED', 'productId']);
    cases.push([`cart id ${JSON.stringify(t)}`, () => ['GET', `/api/carts/${encodeURIComponent(t)}`], 400, 'REQUEST_VALIDATION_FAILED', 'id']);
  }
  cases.push(['cart id with a Cyrillic letter', () => ['GET', `/api/carts/${encodeURIComponent(`${id.slice(0, -1)}\u0430`)}`], 400, 'REQUEST_VALIDATION_FAILED', 'id']);

  test.each(cases)('%s', async (_name, request, status, code, mentions) => {
    const before = await redis.hgetall(cartKey(id));
    const [method, path, opts] = request();
    const res = await api(method, path, opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe(code);
    expect(JSON.stringify([res.body.error.message, res.body.error.details])).toContain(mentions);
    expect(await redis.hgetall(cartKey(id))).toEqual(before);
    expect(await redis.exists(cartKey('00000000-0000-4000-8000-000000000000'))).toBe(0);
  });
});

describe('failures of dependencies', () => {
  test('catalog down: the cart still answers from the last-known snapshot, marked stale', async () => {
    const id = await newCart();
    await api('PUT', `/api/carts/${id}/items/${KETTLE.id}`, { json: { quantity: 2 } });
    await expect.poll(() => redis.exists(snapshotKey(KETTLE.id))).toBe(1);
    await stop(catalog.server);

    const fromLru = await api('GET', `/api/carts/${id}`);
    expect(fromLru.status).toBe(200);
    expect(fromLru.headers.get('x-data-stale')).toBe('true');
    expect(fromLru.body).toMatchObject({ stale: true, totalCents: 3998, items: [{ name: 'Kettle', quantity: 2 }] });
    // Catalog is not critical for readiness.
    expect((await api('GET', '/readyz')).status).toBe(200);

    // A fresh instance (empty in-process cache) falls back to the Redis snapshot.
    const fresh = await startCart(LAB_REDIS, catalog.url);
    try {
      const fromRedis = await call(fresh.url, 'GET', `/api/carts/${id}`);
      expect(fromRedis).toMatchObject({ status: 200, body: { stale: true, totalCents: 3998 } });
      expect(fromRedis.headers.get('x-data-stale')).toBe('true');
      // Nothing known about a product and catalog down: 503, not a guess and not a 500.
      const unknown = await call(fresh.url, 'PUT', `/api/carts/${id}/items/${ABSENT}`, { json: { quantity: 1 } });
      expect(unknown.status).toBe(503);
      expect(unknown.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    } finally {
      await fresh.close();
    }
  });

  test('Redis unreachable: 503 DEPENDENCY_UNAVAILABLE with Retry-After, never a 500; unready', async () => {
    const noRedis = await startCart(CLOSED_PORT_REDIS, 'http://127.0.0.1:1', false);
    try {
      for (const [method, path, opts] of [
        ['POST', '/api/carts'],
        ['GET', `/api/carts/${createdCarts[0]}`],
        ['DELETE', `/api/carts/${createdCarts[0]}/items/${KETTLE.id}`],
      ] as [string, string, Parameters<typeof call>[3]?][]) {
        const res = await call(noRedis.url, method, path, opts);
        expect(res.status, `${method} ${path}`).toBe(503);
        expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      const ready = await call(noRedis.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toContainEqual(expect.objectContaining({ name: 'redis', ok: false }));
    } finally {
      await noRedis.close();
    }
  });

  test('the sweeper deletes a cart whose expiry score is in the past, and only that one', async () => {
    const idle = await newCart();
    const active = await newCart();
    await redis.zadd(EXPIRY_KEY, Date.now() - 1_000, idle);
    expect(await cart.sweeper.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await redis.exists(cartKey(idle))).toBe(0);
    expect(await redis.zscore(EXPIRY_KEY, idle)).toBeNull();
    expect((await api('GET', `/api/carts/${idle}`)).status).toBe(404);
    expect((await api('GET', `/api/carts/${active}`)).status).toBe(200);
  });
});
