// The product as catalog serves it over HTTP (cart and the storefront read it).
import { z } from 'zod';

export const PRODUCT_ID = /^p-\d{5}$/;

/** The catalog's categories (the seed data, the API's filter, the storefront and the load scenarios). */
export const CATEGORIES = ['audio', 'books', 'fitness', 'garden', 'kitchen', 'office', 'outdoor', 'toys'] as const;
export type Category = (typeof CATEGORIES)[number];

export const Product = z.object({
  id: z.string().regex(PRODUCT_ID),
  name: z.string(),
  category: z.string(),
  description: z.string(),
  priceCents: z.number().int().positive(),
  stock: z.number().int().nonnegative(),
  imageUrl: z.string(),
  version: z.number().int().positive(),
});
export type Product = z.infer<typeof Product>;
