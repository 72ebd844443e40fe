// Monitors: small probes that run in a loop during the method, like a synthetic user, and
// record every failure with its time. Outages are the stretches between two successes that
// had failures in them; their length is what "writes recover within 25 s" is judged on.
import { randomUUID } from 'node:crypto';
import type { LedgerEntry } from '../load/scenarios.ts';
import type { MonitorStepDef } from './experiment.ts';
import type { MonitorRecord } from './journal.ts';
import { httpProbe } from './probes.ts';

export interface Attempt {
  at: number;
  ok: boolean;
  detail?: string;
}

/** Outage windows from a list of attempts in time order. */
export function outages(attempts: Attempt[]): { start: number; end: number; failures: number }[] {
  const out: { start: number; end: number; failures: number }[] = [];
  let lastOk: number | undefined;
  let failing = 0;
  let firstFailure = 0;
  for (const a of attempts) {
    if (a.ok) {
      if (failing) out.push({ start: lastOk ?? firstFailure, end: a.at, failures: failing });
      lastOk = a.at;
      failing = 0;
    } else {
      if (!failing) firstFailure = a.at;
      failing++;
    }
  }
  // Still failing at the end: an outage that has not ended (open until the last attempt).
  if (failing) out.push({ start: lastOk ?? firstFailure, end: attempts.at(-1)!.at, failures: failing });
  return out;
}

/** What the failed attempts of an outage got, most frequent first: "checkout: 503 ×12, create cart: 503 ×3". */
function failedWith(attempts: Attempt[], w: { start: number; end: number }): string {
  const counts = new Map<string, number>();
  for (const a of attempts) if (!a.ok && a.at >= w.start && a.at <= w.end) counts.set(a.detail ?? 'failed', (counts.get(a.detail ?? 'failed') ?? 0) + 1);
  return [...counts]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .map(([d, n]) => `${d} ×${n}`)
    .join(', ');
}

const json = { 'content-type': 'application/json' };

/** One purchase through the edge: a cart with one unit of a product, checked out with a fresh key. */
async function purchase(base: string, productId: string, ledger: (e: LedgerEntry) => void, timeoutMs = 10_000): Promise<{ ok: boolean; detail?: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const cart = await fetch(`${base}/api/carts`, { method: 'POST', signal });
  if (cart.status !== 201) return { ok: false, detail: `create cart: ${cart.status}` };
  const { id } = (await cart.json()) as { id: string };
  const put = await fetch(`${base}/api/carts/${id}/items/${productId}`, { method: 'PUT', headers: json, body: JSON.stringify({ quantity: 1 }), signal });
  await put.arrayBuffer();
  if (put.status !== 200) return { ok: false, detail: `add item: ${put.status}` };
  const key = `monitor-${randomUUID()}`;
  const res = await fetch(`${base}/api/checkout`, { method: 'POST', headers: { ...json, 'idempotency-key': key }, body: JSON.stringify({ cartId: id, email: 'monitor@example.com' }), signal });
  const text = await res.text();
  if (res.status === 409) return { ok: true, detail: 'out of stock (answered)' }; // the database answered: writes are available
  if (res.status < 200 || res.status > 202) return { ok: false, detail: `checkout: ${res.status}` };
  const order = JSON.parse(text) as { id: string; status: string; lines: { productId: string; quantity: number }[] };
  ledger({ orderId: order.id, idempotencyKey: key, status: order.status, items: order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })), acknowledgedAt: new Date().toISOString() });
  return { ok: true };
}

export interface RunningMonitor {
  name: string;
  attempts: Attempt[];
  stop(): Promise<MonitorRecord>;
}

/** Starts a monitor against the edge at `base`. */
export function startMonitor(def: MonitorStepDef, ledger: (e: LedgerEntry) => void, base: string): RunningMonitor {
  const attempts: Attempt[] = [];
  let running = true;
  const [lo, hi] = def.checkout?.products ?? [0, 0];
  const step = async (): Promise<{ ok: boolean; detail?: string }> => {
    if (def.checkout) return purchase(base, `p-${String(lo + Math.floor(Math.random() * (hi - lo + 1))).padStart(5, '0')}`, ledger);
    const r = await httpProbe(def.http!, base);
    return { ok: def.expect.includes(r.status), detail: r.error ?? String(r.status) };
  };
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const r = await step().catch((err: Error) => ({ ok: false, detail: err.message }));
      attempts.push({ at: Date.now(), ...r });
      await new Promise((res) => setTimeout(res, Math.max(0, def['interval-ms'] - (Date.now() - started))));
    }
  })();
  const description = def.checkout
    ? `a purchase through the edge (cart, item, checkout) every ${def['interval-ms']} ms`
    : `${def.http!.method} ${def.http!.path} every ${def['interval-ms']} ms, expecting ${def.expect.join('/')}`;
  return {
    name: def.name,
    attempts,
    async stop() {
      running = false;
      await loop;
      const windows = outages(attempts);
      return {
        name: def.name,
        description,
        attempts: attempts.length,
        failures: attempts.filter((a) => !a.ok).length,
        longestOutageSeconds: Math.max(0, ...windows.map((w) => (w.end - w.start) / 1000)),
        outages: windows.map((w) => ({ start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString(), seconds: (w.end - w.start) / 1000, failed: failedWith(attempts, w) })),
      };
    },
  };
}
