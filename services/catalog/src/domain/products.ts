// Catalog rules: request shapes, cursor encoding, the public product form, generated images.
import { createHash } from 'node:crypto';
import { CATEGORIES, PRODUCT_ID, type Product } from '@surge-lab/contracts/products';
import { z } from 'zod';

export const ProductIdParam = z.object({ id: z.string().regex(PRODUCT_ID, 'must look like p-00042') });

/** An empty query value (`?category=`, a form's empty field) is the same as none. */
const optionalParam = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const ListQuery = z
  .object({
    category: optionalParam(z.enum(CATEGORIES)),
    // Checked as sent (the document's maxLength), then trimmed: blanks only are no filter.
    q: optionalParam(
      z
        .string()
        .max(64, 'at most 64 characters')
        .transform((s) => s.trim() || undefined),
    ),
    // The last product id of the previous page, as its nextCursor gave it: a value the OpenAPI
    // document can state exactly (a fuzzer's valid cursor is one the service accepts).
    cursor: optionalParam(z.string().regex(PRODUCT_ID, 'must be the nextCursor of a previous page (a product id like p-00042)')),
    limit: z.coerce.number().int('must be an integer').min(1).max(100).default(24),
  })
  .strict();
export type ListQuery = z.infer<typeof ListQuery>;

export const ProductPatch = z
  .object({
    priceCents: z.number().int('must be an integer').min(1).max(10_000_000).optional(),
    stock: z.number().int('must be an integer').min(0).max(1_000_000).optional(),
  })
  .strict()
  .refine((p) => p.priceCents !== undefined || p.stock !== undefined, { message: 'give priceCents or stock' });
export type ProductPatch = z.infer<typeof ProductPatch>;

/** The nextCursor of a page: its last product's id (pages are in id order). */
export const encodeCursor = (lastId: string) => lastId;

/** Cache key of a list query: the normalised query, so equal queries share an entry. */
export function listKey(q: ListQuery): string {
  return `list:${q.category ?? '*'}:${q.q ? encodeURIComponent(q.q.toLowerCase()) : '*'}:${q.cursor ?? ''}:${q.limit}`;
}

export interface ProductRow {
  id: string;
  name: string;
  category: string;
  description: string;
  price_cents: number;
  stock: number;
  version: number;
}

export function toProduct(r: ProductRow): Product {
  return { id: r.id, name: r.name, category: r.category, description: r.description, priceCents: r.price_cents, stock: r.stock, imageUrl: `/api/products/${r.id}/image.svg`, version: r.version };
}

export const etagOf = (body: string) => `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A deterministic picture per product: its colours come from the id, its label from the name. */
export function productSvg(p: Pick<Product, 'id' | 'name' | 'category'>): string {
  const h = createHash('sha1').update(p.id).digest();
  const hue = (h[0]! * 360) / 256;
  const hue2 = (hue + 40 + (h[1]! % 120)) % 360;
  const shape = h[2]! % 3;
  const initials = p.name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase();
  const figure =
    shape === 0
      ? `<circle cx="200" cy="170" r="90" fill="hsl(${hue2},70%,60%)"/>`
      : shape === 1
        ? `<rect x="110" y="80" width="180" height="180" rx="24" fill="hsl(${hue2},70%,60%)"/>`
        : `<polygon points="200,70 300,260 100,260" fill="hsl(${hue2},70%,60%)"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="${esc(p.name)}">` +
    `<rect width="400" height="400" fill="hsl(${hue},45%,22%)"/>${figure}` +
    `<text x="200" y="185" font-family="sans-serif" font-size="64" font-weight="700" text-anchor="middle" fill="#fff">${esc(initials)}</text>` +
    `<text x="200" y="330" font-family="sans-serif" font-size="22" text-anchor="middle" fill="#eee">${esc(p.category)}</text></svg>`
  );
}
