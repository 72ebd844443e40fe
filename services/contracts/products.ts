// The product as catalog serves it over HTTP (cart and the storefront read it).
import { z } from 'zod';

export const PRODUCT_ID = /^p-\d{5}$/;

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
