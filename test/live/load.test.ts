import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LedgerEntry, runLoad } from '@surge-lab/chaos/load';
import { describe, expect, test } from 'vitest';
import { edgeUrl, env, pgQuery } from './lab.ts';

const reportDir = join(tmpdir(), `surge-load-${Date.now()}`);

describe('npm run load', () => {
  test('browse: every answer 2xx, a timeline per second, the edge cache answers most reads, a JSON result', async () => {
    const r = await runLoad({ scenario: 'browse', target: edgeUrl(), durationSeconds: 4, connections: 4, rate: 100, reportDir, log: () => {} });
    expect(r.mode).toBe('open (rate)');
    expect(r.summary.requests).toBeGreaterThan(200);
    expect(r.summary.errors).toEqual({});
    expect(r.timeline.length).toBeGreaterThanOrEqual(3);
    const cached = (r.edgeCache.HIT ?? 0) + (r.edgeCache.STALE ?? 0) + (r.edgeCache.UPDATING ?? 0);
    expect(cached / Object.values(r.edgeCache).reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
    expect(JSON.parse(readFileSync(r.resultFile, 'utf8')).summary.requests).toBe(r.summary.requests);
  });

  test('journey: every acknowledged checkout is in the ledger, and every ledger order exists with its lines', async () => {
    const r = await runLoad({ scenario: 'journey', target: edgeUrl(), durationSeconds: 5, connections: 4, rate: 20, reportDir, log: () => {} });
    expect(r.summary.errors).toEqual({});
    const ledger = readFileSync(r.ledgerFile!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LedgerEntry);
    expect(ledger.length).toBe(r.acknowledgedOrders);
    expect(ledger.length).toBeGreaterThan(3);
    const rows = await pgQuery<{ order_id: string; product_id: string; quantity: number }>('PG_RW_PORT', 'SELECT order_id, product_id, quantity FROM order_items WHERE order_id = ANY($1::uuid[])', [
      ledger.map((e) => e.orderId),
    ]);
    for (const e of ledger) {
      const lines = rows
        .filter((x) => x.order_id === e.orderId)
        .map((x) => ({ productId: x.product_id, quantity: x.quantity }))
        .sort((a, b) => a.productId.localeCompare(b.productId));
      expect(lines, e.orderId).toEqual([...e.items].sort((a, b) => a.productId.localeCompare(b.productId)));
    }
  });

  test('flash-sale: the hot products sell out and none is oversold', async () => {
    const r = await runLoad({ scenario: 'flash-sale', target: edgeUrl(), durationSeconds: 12, connections: 8, rate: 20, reportDir, adminToken: env.ADMIN_TOKEN!, log: () => {} });
    expect(r.stock!.oversold).toEqual([]);
    const [row] = await pgQuery<{ min: number }>('PG_RW_PORT', "SELECT min(stock)::int AS min FROM products WHERE id IN ('p-00001','p-00002','p-00003','p-00004','p-00005')");
    expect(row!.min).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.summary.errors).filter((k) => k.startsWith('5'))).toEqual([]);
  });
});
