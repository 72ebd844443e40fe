// The load scenarios. Each is a list of phases; a phase runs its parts (autocannon instances)
// side by side for its duration, each part with its share of the connections and of the rate.
import { randomUUID } from 'node:crypto';
import { CATEGORIES } from '@surge-lab/contracts/products';
import { productId, zipfSampler } from './zipf.ts';

export interface LedgerEntry {
  orderId: string;
  idempotencyKey: string;
  status: string;
  items: { productId: string; quantity: number }[];
  acknowledgedAt: string;
}

export interface PartContext {
  ledger: (e: LedgerEntry) => void;
  cacheStatus: (s: string) => void;
}

/**
 * What a connection's steps keep between them (autocannon's per-connection context, `{}` at the start):
 * the journey's first step sets `key` and `items`, its answers set `cartId` and `orderId`.
 */
export interface JourneyContext {
  cartId?: string;
  orderId?: string;
  key?: string;
  items?: { productId: string; quantity: number }[];
}

// autocannon request steps (its typings lag the library: onResponse also gets the headers).
export interface Request {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: Request, context: JourneyContext) => Request | undefined;
  onResponse?: (status: number, body: string, context: JourneyContext, headers: Record<string, string>) => void;
}

export interface Part {
  name: string;
  share: number;
  requests: (ctx: PartContext) => Request[];
}
export interface Phase {
  label: string;
  seconds: number;
  rateFactor: number;
  parts: Part[];
}
export interface Scenario {
  name: string;
  summary: string;
  /** Phases for a run of `seconds` in total. */
  phases(seconds: number): Phase[];
  /** Products whose stock the scenario sets before it starts (flash sale). */
  stock?: { products: string[]; units: number };
  writesLedger: boolean;
}

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const json = { 'content-type': 'application/json' };

/** Catalog reads: one list page, then three product pages by Zipf popularity. */
export function browse(
  popular: () => string = (() => {
    const z = zipfSampler(5000);
    return () => productId(z());
  })(),
): Part {
  return {
    name: 'browse',
    share: 1,
    requests: (ctx) => {
      const cache = (_s: number, _b: string, _c: unknown, h: Record<string, string>) => {
        const v = Object.entries(h).find(([k]) => k.toLowerCase() === 'x-cache-status')?.[1];
        if (v) ctx.cacheStatus(v);
      };
      return [
        { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/products?category=${pick(CATEGORIES)}&limit=24` }), onResponse: cache },
        ...[0, 1, 2].map((): Request => ({ method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/products/${popular()}` }), onResponse: cache })),
      ];
    },
  };
}

/**
 * A shopper: create a cart, put 1-4 products in it (four PUTs; when fewer products are wanted
 * the first one's quantity is set again), check out with a fresh Idempotency-Key, read the order.
 * A failed step makes the rest of the sequence start over (autocannon restarts on an empty request).
 */
export function journey(products: () => string, quantity: () => number = () => 1 + Math.floor(Math.random() * 2)): Part {
  return {
    name: 'journey',
    share: 1,
    requests: (ctx) => {
      const put = (slot: number): Request => ({
        method: 'PUT',
        headers: json,
        setupRequest: (r, c) => {
          if (!c.cartId) return undefined;
          const item = c.items![Math.min(slot, c.items!.length - 1)]!;
          return { ...r, path: `/api/carts/${c.cartId}/items/${item.productId}`, body: JSON.stringify({ quantity: item.quantity }) };
        },
      });
      return [
        {
          method: 'POST',
          path: '/api/carts',
          setupRequest: (r, c) => {
            const n = 1 + Math.floor(Math.random() * 4);
            const items = new Map<string, number>();
            while (items.size < n) items.set(products(), quantity());
            Object.assign(c, { cartId: undefined, orderId: undefined, key: `load-${randomUUID()}`, items: [...items].map(([productId, quantity]) => ({ productId, quantity })) });
            return r;
          },
          onResponse: (s, body, c) => {
            c.cartId = s === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
          },
        },
        put(0),
        put(1),
        put(2),
        put(3),
        {
          method: 'POST',
          headers: json,
          setupRequest: (r, c) =>
            c.cartId ? { ...r, path: '/api/checkout', headers: { ...json, 'idempotency-key': c.key! }, body: JSON.stringify({ cartId: c.cartId, email: 'load@example.com' }) } : undefined,
          onResponse: (s, body, c) => {
            if (s !== 200 && s !== 201 && s !== 202) {
              c.orderId = undefined;
              return;
            }
            // The ledger holds what the shop acknowledged (the order's lines in its answer), not what the
            // shopper meant to buy: an add-to-cart that failed mid-journey leaves a smaller cart.
            const order = JSON.parse(body) as { id: string; status: string; lines: { productId: string; quantity: number }[] };
            c.orderId = order.id;
            ctx.ledger({
              orderId: order.id,
              idempotencyKey: c.key!,
              status: order.status,
              items: order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
              acknowledgedAt: new Date().toISOString(),
            });
          },
        },
        { method: 'GET', setupRequest: (r, c) => (c.orderId ? { ...r, path: `/api/orders/${c.orderId}` } : undefined) },
      ];
    },
  };
}

const HOT = ['p-00001', 'p-00002', 'p-00003', 'p-00004', 'p-00005'];
// Journeys buy from p-01001..p-05000: the first thousand stay for the flash sale and the tests.
const JOURNEY_COUNT = 4000;
const zipfShop = zipfSampler(JOURNEY_COUNT);
/** Every product a journey may buy (a bench restocks them so it measures orders, not sold-out answers). */
export const JOURNEY_PRODUCTS: readonly string[] = Array.from({ length: JOURNEY_COUNT }, (_, i) => productId(1001 + i));

export const SCENARIOS: Record<string, Scenario> = {
  browse: {
    name: 'browse',
    writesLedger: false,
    summary: 'catalog list and product pages, Zipf popularity over 5,000 products',
    phases: (seconds) => [{ label: 'browse', seconds, rateFactor: 1, parts: [browse()] }],
  },
  journey: {
    name: 'journey',
    writesLedger: true,
    summary: 'create cart, add 1-4 items, checkout with a fresh Idempotency-Key, read the order',
    phases: (seconds) => [{ label: 'journey', seconds, rateFactor: 1, parts: [journey(() => productId(1000 + zipfShop()))] }],
  },
  'flash-sale': {
    name: 'flash-sale',
    writesLedger: true,
    summary: 'a spike to 10x the base rate in seconds, everyone after 5 hot products with little stock',
    stock: { products: HOT, units: 40 },
    phases: (seconds) => {
      const hotBrowse = { ...browse(() => pick(HOT)), share: 3 };
      const hotJourney = journey(
        () => pick(HOT),
        () => 1,
      );
      const parts = [hotBrowse, hotJourney];
      const base = Math.max(2, Math.round(seconds * 0.2));
      const ramp = Math.max(1, Math.round(seconds * 0.05));
      const peak = Math.max(1, seconds - 2 * base - 3 * ramp);
      return [
        { label: 'before', seconds: base, rateFactor: 1, parts },
        { label: 'ramp x2', seconds: ramp, rateFactor: 2, parts },
        { label: 'ramp x5', seconds: ramp, rateFactor: 5, parts },
        { label: 'ramp x10', seconds: ramp, rateFactor: 10, parts },
        { label: 'peak x10', seconds: peak, rateFactor: 10, parts },
        { label: 'after', seconds: base, rateFactor: 1, parts },
      ];
    },
  },
  soak: {
    name: 'soak',
    writesLedger: true,
    summary: 'a long mixed run at a steady rate: 4 parts browsing to 1 part buying',
    phases: (seconds) => [{ label: 'soak', seconds, rateFactor: 1, parts: [{ ...browse(), share: 4 }, journey(() => productId(1000 + zipfShop()))] }],
  },
};
