// The cart HTTP API. Routes validate with zod (a ZodError becomes a 400 naming the fields) and
// let rejections reach the kit's error handler (Express 5), so no try/catch here.
import { randomUUID } from 'node:crypto';
import { AppError, type Service } from '@surge-lab/kit';
import type { Express, Response } from 'express';
import type { CartStore } from './data-access/cart-store.ts';
import type { CatalogClient } from './data-access/catalog.ts';
import { CartParams, type CartView, CreateCartBody, ItemParams, type ProductLookup, priceCart, SetQuantityBody, type StoredCart } from './domain/cart.ts';

export interface CartDeps {
  carts: CartStore;
  catalog: CatalogClient;
  /** Redis PING, the readiness check (critical: without Redis there are no carts). */
  pingRedis: () => Promise<unknown>;
}

const cartNotFound = (id: string) => new AppError({ code: 'CART_NOT_FOUND', message: `no cart ${id}`, details: { cartId: id } });

export function buildApp(svc: Service, deps: CartDeps): Express {
  const { carts, catalog } = deps;
  const m = svc.metrics;
  const created = m.counter('cart_carts_created_total', 'Carts created', []);
  const itemsSet = m.counter('cart_items_set_total', 'Cart lines set to a quantity', []);
  const itemsRemoved = m.counter('cart_items_removed_total', 'Cart lines removed', []);
  const staleViews = m.counter('cart_stale_views_total', 'Cart answers priced (partly) from the product snapshot', []);

  svc.readiness.push({ name: 'redis', check: () => deps.pingRedis() }, { name: 'catalog', critical: false, check: (signal) => catalog.ping(signal) });

  async function view(cart: StoredCart): Promise<CartView> {
    const ids = [...cart.items.keys()];
    const found = await Promise.all(ids.map((id) => catalog.lookup(id)));
    return priceCart(cart, new Map<string, ProductLookup>(ids.map((id, i) => [id, found[i]!])));
  }

  function send(res: Response, cart: CartView, status = 200): void {
    if (cart.stale) {
      res.setHeader('X-Data-Stale', 'true');
      staleViews.inc();
    }
    res.setHeader('Cache-Control', 'no-store'); // a cart is per shopper and changes often
    res.status(status).json(cart);
  }

  const app = svc.app();

  app.post('/api/carts', async (req, res) => {
    CreateCartBody.parse(req.body);
    const cart = await carts.create(randomUUID());
    created.inc();
    res.setHeader('Location', `/api/carts/${cart.id}`);
    send(res, priceCart(cart, new Map()), 201);
  });

  app.get('/api/carts/:id', async (req, res) => {
    const { id } = CartParams.parse(req.params);
    const cart = await carts.get(id);
    if (!cart) throw cartNotFound(id);
    send(res, await view(cart));
  });

  app.put('/api/carts/:id/items/:productId', async (req, res) => {
    const { id, productId } = ItemParams.parse(req.params);
    const { quantity } = SetQuantityBody.parse(req.body ?? {});
    await catalog.product(productId); // 404 PRODUCT_NOT_FOUND before anything is written
    if (!(await carts.setItem(id, productId, quantity))) throw cartNotFound(id);
    itemsSet.inc();
    send(res, await view((await carts.get(id)) ?? throwNotFound(id)));
  });

  app.delete('/api/carts/:id/items/:productId', async (req, res) => {
    const { id, productId } = ItemParams.parse(req.params);
    if (!(await carts.removeItem(id, productId))) throw cartNotFound(id);
    itemsRemoved.inc();
    send(res, await view((await carts.get(id)) ?? throwNotFound(id)));
  });

  return svc.finish(app);
}

// The cart was swept between the write and the read: rare, and a 404 is the truth.
function throwNotFound(id: string): never {
  throw cartNotFound(id);
}
