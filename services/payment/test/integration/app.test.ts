// payment in-process (port 0) over a ledger file, as a replica runs it: charge, replay, key reuse,
// and every bad-input class answered 4xx JSON naming the problem with nothing written (read back
// through a second connection to the file, as the other replica would).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '@surge-lab/kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { paymentConfig } from '../../src/config.ts';
import { type ChargesRepo, chargesRepo } from '../../src/data-access/charges-repo.ts';

const dir = mkdtempSync(join(tmpdir(), 'payment-app-'));
const run = `t${randomUUID().slice(0, 8)}`; // prefixes every key this run writes
let ledger: ChargesRepo;
let reader: ChargesRepo;
let server: Server;
let base: string;

beforeAll(async () => {
  const config = paymentConfig({ PAYMENT_DB_PATH: join(dir, 'charges.db'), LOG_LEVEL: 'warn' });
  const svc = createService('payment', { logLevel: 'warn' });
  ledger = chargesRepo(config.PAYMENT_DB_PATH, { busyTimeoutMs: config.PAYMENT_DB_BUSY_TIMEOUT_MS });
  reader = chargesRepo(config.PAYMENT_DB_PATH);
  const app = buildApp(svc, { charges: ledger, latencyMs: () => 20 });
  server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  ledger?.close();
  reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

type ErrorBody = { error: { code: string; message: string; details?: unknown } };
const body = () => ({ orderId: randomUUID(), amountCents: 4_250, email: 'shopper@example.com' });
const post = (key: string | null, payload: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/charges`, {
    method: 'POST',
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }), ...headers },
  });
const rowsFor = async (key: string, orderId: string) => new Set([...(await reader.forOrder(orderId)), ...[await reader.byKey(key)].filter((c) => c !== null)].map((c) => c.chargeId)).size;

describe('payment over its ledger', () => {
  test('readiness is green', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  test('a charge is captured, a replay returns the same charge, a reused key with another body is 422', async () => {
    const key = `${run}-ok`;
    const req = body();
    const first = await post(key, req);
    expect(first.status).toBe(201);
    const charge = (await first.json()) as { chargeId: string };
    expect(charge).toMatchObject({ status: 'captured', amountCents: 4_250, orderId: req.orderId });

    const replay = await post(key, req);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(charge);

    const reuse = await post(key, { ...req, amountCents: 1 });
    expect(reuse.status).toBe(422);
    expect(((await reuse.json()) as ErrorBody).error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    expect(await (await fetch(`${base}/charges/${charge.chargeId}`)).json()).toEqual(charge);
    expect(await rowsFor(key, req.orderId)).toBe(1);
  });

  test('concurrent requests with one key make one charge', async () => {
    const key = `${run}-race`;
    const req = body();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(key, req)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { chargeId: string }).chargeId)));
    expect(ids.size).toBe(1);
    expect(await rowsFor(key, req.orderId)).toBe(1);
  });

  const bad: [string, (key: string, orderId: string) => Promise<Response>, number, string, RegExp][] = [
    ['malformed JSON', (k) => post(k, '{"orderId": '), 400, 'REQUEST_INVALID_JSON', /JSON/],
    ['wrong content type', (k, o) => post(k, JSON.stringify({ ...body(), orderId: o }), { 'content-type': 'text/plain' }), 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE', /application\/json/],
    ['too large', (k, o) => post(k, { ...body(), orderId: o, email: `${'x'.repeat(20_000)}@example.com` }), 413, 'REQUEST_TOO_LARGE', /exceeds/],
    ['unknown field', (k, o) => post(k, { ...body(), orderId: o, currency: 'EUR' }), 400, 'REQUEST_VALIDATION_FAILED', /currency/],
    ['wrong types', (k, o) => post(k, { orderId: o, amountCents: '42', email: 42 }), 400, 'REQUEST_VALIDATION_FAILED', /amountCents.*email/],
    ['non-positive amount', (k, o) => post(k, { ...body(), orderId: o, amountCents: -5 }), 400, 'REQUEST_VALIDATION_FAILED', /amountCents/],
    ['bad order id', (k) => post(k, { ...body(), orderId: 'order-1' }), 400, 'REQUEST_VALIDATION_FAILED', /orderId/],
    ['missing body', (k) => fetch(`${base}/charges`, { method: 'POST', headers: { 'idempotency-key': k } }), 400, 'REQUEST_VALIDATION_FAILED', /expected object/],
    ['missing key', (_k, o) => post(null, { ...body(), orderId: o }), 400, 'REQUEST_MISSING_IDEMPOTENCY_KEY', /Idempotency-Key/],
    ['malformed key', (_k, o) => post(`${run} has spaces`, { ...body(), orderId: o }), 400, 'REQUEST_VALIDATION_FAILED', /Idempotency-Key/],
    ['too long key', (_k, o) => post(`${run}${'k'.repeat(130)}`, { ...body(), orderId: o }), 400, 'REQUEST_VALIDATION_FAILED', /Idempotency-Key/],
  ];
  test.each(bad)('%s → 4xx JSON naming the problem, nothing written', async (name, send, status, code, message) => {
    const key = `${run}-bad-${name.replaceAll(' ', '_')}`;
    const orderId = randomUUID();
    const res = await send(key, orderId);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const err = ((await res.json()) as ErrorBody).error;
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(await rowsFor(key, orderId)).toBe(0);
  });

  test('an unknown charge is 404, a malformed id 400', async () => {
    expect((await fetch(`${base}/charges/${randomUUID()}`)).status).toBe(404);
    const res = await fetch(`${base}/charges/not-a-uuid`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/chargeId/);
  });

  test('metrics count captures and replays', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/payment_charges_captured_total\{service="payment"\} [1-9]/);
    expect(text).toMatch(/payment_charge_replays_total\{service="payment"\} [1-9]/);
  });
});
