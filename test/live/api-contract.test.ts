import { request } from 'node:http';
import { join } from 'node:path';
import { fuzzApi } from '@surge-lab/chaos/fuzz';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, test } from 'vitest';
import { edgeUrl, lab, pgQuery } from './lab.ts';
import { type Answer, adminHeaders, api, cartWith, checkout, dbStock, newKey, setStock } from './shop.ts';

// Every answer below is checked against the OpenAPI document the edge serves.
const BASE = 'https://surge-lab.local/openapi.json';
/** The parts of the OpenAPI document the checks read. */
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
  components: object;
}
let doc: OpenApiDoc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

function conforms(method: string, path: string, a: Answer): void {
  const op = doc.paths[path]?.[method.toLowerCase()];
  expect(op, `${method} ${path} is documented`).toBeDefined();
  const response = op!.responses[String(a.status)];
  expect(response, `${method} ${path} documents status ${a.status}`).toBeDefined();
  const schema = response!.content?.['application/json']?.schema;
  if (!schema) return;
  const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${BASE}#/components/`)));
  expect(validate(a.body), `${method} ${path} ${a.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

/** A bad request must be a 4xx JSON error naming the problem, never a 500 or a stack trace. */
function refused(a: Answer, status: number, code: string, mentions?: RegExp): void {
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.body.error.code).toBe(code);
  expect(JSON.stringify(a.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  if (mentions) expect(JSON.stringify(a.body.error)).toMatch(mentions);
}

beforeAll(async () => {
  const r = await api<OpenApiDoc>('GET', '/api/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
  ajv.addSchema({ $id: BASE, components: doc.components });
});

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1 and documents every shop route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/products', '/api/products/{id}', '/api/carts', '/api/carts/{cartId}', '/api/carts/{cartId}/items/{productId}', '/api/checkout', '/api/orders/{id}']),
    );
  });
});

describe('answers match the document', () => {
  test('catalog: list, product, categories, not found', async () => {
    conforms('GET', '/api/products', await api('GET', '/api/products?limit=3&q=kettle'));
    conforms('GET', '/api/products/{id}', await api('GET', '/api/products/p-00003'));
    conforms('GET', '/api/products/{id}', await api('GET', '/api/products/p-99998'));
    conforms('GET', '/api/categories', await api('GET', '/api/categories'));
  });

  test('cart and checkout: create, add, place, replay, read the order', async () => {
    await setStock('p-04910', 20);
    const created = await api('POST', '/api/carts');
    conforms('POST', '/api/carts', created);
    const put = await api('PUT', `/api/carts/${created.body.id}/items/p-04910`, { body: { quantity: 2 } });
    conforms('PUT', '/api/carts/{cartId}/items/{productId}', put);
    conforms('GET', '/api/carts/{cartId}', await api('GET', `/api/carts/${created.body.id}`));
    const key = newKey();
    const placed = await checkout(created.body.id, key);
    conforms('POST', '/api/checkout', placed);
    conforms('POST', '/api/checkout', await checkout(created.body.id, key));
    conforms('GET', '/api/orders/{id}', await api('GET', `/api/orders/${placed.body.id}`));
  });
});

describe('bad input is answered 4xx, names the problem and writes nothing', () => {
  test('catalog list: unknown and malformed query parameters', async () => {
    refused(await api('GET', '/api/products?limit=0'), 400, 'REQUEST_VALIDATION_FAILED', /limit/);
    refused(await api('GET', '/api/products?limit=abc'), 400, 'REQUEST_VALIDATION_FAILED', /limit/);
    refused(await api('GET', '/api/products?category=weapons'), 400, 'REQUEST_VALIDATION_FAILED', /category/);
    refused(await api('GET', '/api/products?cursor=not-a-cursor'), 400, 'REQUEST_VALIDATION_FAILED', /cursor/);
    refused(await api('GET', `/api/products?q=${'x'.repeat(65)}`), 400, 'REQUEST_VALIDATION_FAILED', /q/);
    refused(await api('GET', '/api/products?sort=price'), 400, 'REQUEST_VALIDATION_FAILED', /sort/);
  });

  test('catalog search treats SQL, HTML and Unicode tricks as plain text', async () => {
    for (const q of ["' OR 1=1 --", '<script>alert(1)</script>', '%_%', 'ｋｅｔｔｌｅ', '\u202Eelttek']) {
      const r = await api('GET', `/api/products?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      conforms('GET', '/api/products', r);
    }
    expect((await api('GET', `/api/products?q=${encodeURIComponent("' OR 1=1 --")}`)).body.items).toEqual([]);
  });

  test('product ids: malformed → 400, unknown → 404', async () => {
    for (const id of ['abc', 'p-1', "p-00001' OR '1'='1", '%3Cb%3E', 'p-０００01']) refused(await api('GET', `/api/products/${id}`), 400, 'REQUEST_VALIDATION_FAILED', /id/);
    refused(await api('GET', '/api/products/p-99999'), 404, 'PRODUCT_NOT_FOUND', /p-99999/);
    refused(await api('GET', '/api/products/%E0%A4%A'), 400, 'REQUEST_VALIDATION_FAILED');
  });

  test('admin PATCH: no token → 401; bad bodies → 400/413/415; nothing changes', async () => {
    await setStock('p-04911', 5);
    refused(await api('PATCH', '/api/products/p-04911', { body: { stock: 1 } }), 401, 'REQUEST_UNAUTHORIZED');
    refused(await api('PATCH', '/api/products/p-04911', { body: { stock: 1 }, headers: { authorization: 'Bearer wrong' } }), 401, 'REQUEST_UNAUTHORIZED');
    const h = adminHeaders();
    refused(await api('PATCH', '/api/products/p-04911', { raw: '{"stock":', headers: { ...h, 'content-type': 'application/json' } }), 400, 'REQUEST_INVALID_JSON');
    refused(await api('PATCH', '/api/products/p-04911', { raw: 'stock=1', headers: { ...h, 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    refused(
      await api('PATCH', '/api/products/p-04911', { raw: JSON.stringify({ stock: 1, pad: 'x'.repeat(20_000) }), headers: { ...h, 'content-type': 'application/json' } }),
      413,
      'REQUEST_TOO_LARGE',
    );
    refused(await api('PATCH', '/api/products/p-04911', { body: { stock: -1 }, headers: h }), 400, 'REQUEST_VALIDATION_FAILED', /stock/);
    refused(await api('PATCH', '/api/products/p-04911', { body: { stock: '3' }, headers: h }), 400, 'REQUEST_VALIDATION_FAILED', /stock/);
    refused(await api('PATCH', '/api/products/p-04911', { body: { stock: 1.5 }, headers: h }), 400, 'REQUEST_VALIDATION_FAILED', /stock/);
    refused(await api('PATCH', '/api/products/p-04911', { body: { name: 'hacked' }, headers: h }), 400, 'REQUEST_VALIDATION_FAILED', /name/);
    refused(await api('PATCH', '/api/products/p-04911', { body: {}, headers: h }), 400, 'REQUEST_VALIDATION_FAILED');
    refused(await api('PATCH', '/api/products/p-99999', { body: { stock: 1 }, headers: h }), 404, 'PRODUCT_NOT_FOUND');
    expect(await dbStock('p-04911')).toBe(5);
  });

  test('checkout: every class of bad request, and no order, key or stock change', async () => {
    await setStock('p-04912', 7);
    const cart = await cartWith({ 'p-04912': 1 });
    const key = newKey();
    const post = (opts: Parameters<typeof api>[2]) => api('POST', '/api/checkout', opts);
    const k = { 'idempotency-key': key };
    refused(await post({ body: { cartId: cart, email: 'a@b.co' } }), 400, 'REQUEST_MISSING_IDEMPOTENCY_KEY', /Idempotency-Key/);
    refused(await post({ body: { cartId: cart, email: 'a@b.co' }, headers: { 'idempotency-key': 'short' } }), 400, 'REQUEST_MISSING_IDEMPOTENCY_KEY', /Idempotency-Key/);
    refused(await post({ body: { cartId: cart, email: 'a@b.co' }, headers: { 'idempotency-key': "x'; DROP TABLE orders; --" } }), 400, 'REQUEST_MISSING_IDEMPOTENCY_KEY');
    refused(await post({ raw: '{"cartId":', headers: { ...k, 'content-type': 'application/json' } }), 400, 'REQUEST_INVALID_JSON');
    refused(await post({ raw: 'cartId=1', headers: { ...k, 'content-type': 'text/plain' } }), 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    refused(await post({ raw: JSON.stringify({ cartId: cart, email: 'x'.repeat(20_000) }), headers: { ...k, 'content-type': 'application/json' } }), 413, 'REQUEST_TOO_LARGE');
    refused(await post({ body: { cartId: cart }, headers: k }), 400, 'REQUEST_VALIDATION_FAILED', /email/);
    refused(await post({ body: { cartId: cart, email: 'not-an-email' }, headers: k }), 400, 'REQUEST_VALIDATION_FAILED', /email/);
    refused(await post({ body: { cartId: cart, email: '<script>@x' }, headers: k }), 400, 'REQUEST_VALIDATION_FAILED', /email/);
    refused(await post({ body: { cartId: 42, email: 'a@b.co' }, headers: k }), 400, 'REQUEST_VALIDATION_FAILED', /cartId/);
    refused(await post({ body: { cartId: "1' OR '1'='1", email: 'a@b.co' }, headers: k }), 400, 'REQUEST_VALIDATION_FAILED', /cartId/);
    refused(await post({ body: { cartId: cart, email: 'a@b.co', total: 0 }, headers: k }), 400, 'REQUEST_VALIDATION_FAILED', /total/);
    refused(await post({ body: [cart], headers: k }), 400, 'REQUEST_VALIDATION_FAILED');
    refused(await post({ body: { cartId: '00000000-0000-4000-8000-000000000000', email: 'a@b.co' }, headers: k }), 404, 'CART_NOT_FOUND');
    const empty = (await api('POST', '/api/carts')).body.id;
    refused(await post({ body: { cartId: empty, email: 'a@b.co' }, headers: { 'idempotency-key': newKey() } }), 409, 'CART_EMPTY');
    expect(await dbStock('p-04912')).toBe(7);
    expect(await pgQuery('PG_RW_PORT', 'SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).toEqual([]);
  });

  test('an email with Unicode and quotes is stored and returned as data', async () => {
    await setStock('p-04913', 3);
    const cart = await cartWith({ 'p-04913': 1 });
    const email = "o'brien+ünïcödé@example.com";
    const placed = await checkout(cart, newKey(), email);
    expect(placed.status).toBeLessThan(300);
    expect((await api('GET', `/api/orders/${placed.body.id}`)).body.email).toBe(email);
  });

  test('orders: malformed id → 400, unknown → 404; unknown routes → 404 JSON, a wrong method → 405', async () => {
    refused(await api('GET', '/api/orders/123'), 400, 'REQUEST_VALIDATION_FAILED', /id/);
    refused(await api('GET', '/api/orders/00000000-0000-4000-8000-000000000000'), 404, 'ORDER_NOT_FOUND');
    refused(await api('GET', '/api/nothing-here'), 404, 'ROUTE_NOT_FOUND');
    refused(await api('DELETE', '/api/orders/00000000-0000-4000-8000-000000000000'), 405, 'METHOD_NOT_ALLOWED', /allowed: GET/);
  });
});

/** A request exactly as written (fetch refuses TRACE and normalises `..`), as a fuzzer sends it. */
function rawRequest(method: string, path: string): Promise<Answer> {
  const url = new URL(edgeUrl());
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: keep the text */
        }
        resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: body as Answer['body'] });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the edge keeps the API address space JSON (what a fuzzer tried)', () => {
  test('a method nginx refuses itself (TRACE) gets a JSON 405 with Allow', async () => {
    const a = await rawRequest('TRACE', '/api/products');
    refused(a, 405, 'METHOD_NOT_ALLOWED', /TRACE/);
    expect(a.headers.get('allow')).toMatch(/GET.*POST/);
    expect(a.headers.get('content-type')).toMatch(/application\/json/);
  });

  test('a path under /api/ that normalises out of it gets the API 404, not the storefront page', async () => {
    for (const path of ['/api/orders/..%2F..%2Fetc%2Fpasswd', '/api/../lab/api/topology', '/api/./../index.html']) {
      const a = await rawRequest('GET', path);
      refused(a, 404, 'ROUTE_NOT_FOUND');
      expect(a.headers.get('content-type'), path).toMatch(/application\/json/);
    }
  });

  test('empty query values are no filter, as the document allows; a malformed picture id is a documented 400', async () => {
    const all = await api('GET', '/api/products?limit=2');
    const empty = await api('GET', '/api/products?category=&cursor=&q=&limit=2');
    expect(empty.status).toBe(200);
    conforms('GET', '/api/products', empty);
    expect(empty.body).toEqual(all.body);
    const svg = await api('GET', '/api/products/nope/image.svg');
    refused(svg, 400, 'REQUEST_VALIDATION_FAILED', /id/);
    conforms('GET', '/api/products/{id}/image.svg', svg);
  });
});

describe('schemathesis against the document', () => {
  // A fixed seed and a bounded number of examples: the same cases every run, in about a minute.
  test('every operation, every check: no 5xx, statuses and bodies as documented, invalid input refused, valid input accepted', { timeout: 900_000 }, async () => {
    const lines: string[] = [];
    const r = await fuzzApi({ root: lab.root, target: edgeUrl(), seed: 20261201, maxExamples: 20, reportDir: join(lab.root, 'reports', 'fuzz'), log: (l) => lines.push(l) });
    expect(r.operations, lines.slice(-40).join('\n')).toBeGreaterThanOrEqual(10);
    expect(r.failures, lines.slice(-80).join('\n')).toEqual([]);
    expect(r.exitCode).toBe(0);
  });
});
