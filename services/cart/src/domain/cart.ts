// Pure cart rules: what a valid request looks like, how a stored cart reads, and its price.

import { PRODUCT_ID, type Product } from '@surge-lab/contracts/products';
import { z } from 'zod';

export const MAX_QUANTITY = 99;

// Lower-cased so one cart has one key whatever case the client sends.
export const CartId = z.uuid('must be a UUID').transform((s) => s.toLowerCase());
export const ProductId = z.string().regex(PRODUCT_ID, 'must look like p-00042');

export const CartParams = z.object({ id: CartId });
export const ItemParams = z.object({ id: CartId, productId: ProductId });
/** `.strict()`: an unknown field is a client bug we report rather than ignore. */
export const SetQuantityBody = z
  .object({
    quantity: z.number('must be a number').int('must be an integer').min(1).max(MAX_QUANTITY),
  })
  .strict();
/** POST /carts takes no fields; an empty or absent body is fine. */
export const CreateCartBody = z.object({}).strict().optional();

/** A cart as stored: product id to quantity. */
export interface StoredCart {
  id: string;
  createdAt: string | undefined;
  items: Map<string, number>;
}

/** Reads a Redis hash (field to value); fields that are not well-formed lines are skipped. */
export function parseStoredCart(id: string, hash: Record<string, string>): StoredCart {
  const items = new Map<string, number>();
  for (const [field, value] of Object.entries(hash)) {
    const qty = Number(value);
    if (PRODUCT_ID.test(field) && Number.isInteger(qty) && qty >= 1 && qty <= MAX_QUANTITY) items.set(field, qty);
  }
  const created = Number(hash._created);
  return { id, createdAt: Number.isFinite(created) && created > 0 ? new Date(created).toISOString() : undefined, items };
}

/** What catalog told us about one product: current, from the fallback snapshot, or gone. */
export type ProductLookup = { product: Product; stale: boolean } | { missing: true };

export interface CartLine {
  productId: string;
  name: string;
  priceCents: number;
  quantity: number;
  lineTotalCents: number;
  imageUrl: string;
}

export interface CartView {
  id: string;
  createdAt: string | undefined;
  items: CartLine[];
  itemCount: number;
  totalCents: number;
  /** True when any line was priced from the last-known snapshot instead of catalog. */
  stale: boolean;
  /** Lines whose product catalog no longer has: kept in the cart, left out of the total. */
  unavailable: string[];
}

export function priceCart(cart: StoredCart, lookups: ReadonlyMap<string, ProductLookup>): CartView {
  const items: CartLine[] = [];
  const unavailable: string[] = [];
  let stale = false;
  // Sorted so the same cart always reads the same (Redis hash order is not guaranteed).
  for (const productId of [...cart.items.keys()].sort()) {
    const quantity = cart.items.get(productId)!;
    const found = lookups.get(productId);
    if (!found || 'missing' in found) {
      unavailable.push(productId);
      continue;
    }
    stale ||= found.stale;
    const { name, priceCents, imageUrl } = found.product;
    items.push({ productId, name, priceCents, quantity, lineTotalCents: priceCents * quantity, imageUrl });
  }
  return {
    id: cart.id,
    createdAt: cart.createdAt,
    items,
    itemCount: items.reduce((n, l) => n + l.quantity, 0),
    totalCents: items.reduce((n, l) => n + l.lineTotalCents, 0),
    stale,
    unavailable,
  };
}
