// History routing: real paths (/product/p-00001, /orders/<id>), served by the edge's
// `try_files $uri $uri/ /index.html`. Pure parsing and building, tested without a DOM.

export type Route =
  | { name: 'catalog'; category: string | undefined; q: string | undefined; cursor: string | undefined; page: number }
  | { name: 'product'; id: string }
  | { name: 'cart' }
  | { name: 'checkout' }
  | { name: 'order'; id: string }
  | { name: 'not-found'; path: string };

const PRODUCT = /^\/product\/(p-\d{5})\/?$/;
const ORDER = /^\/orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

export function parseRoute(pathname: string, search = ''): Route {
  const p = new URLSearchParams(search);
  if (pathname === '/' || pathname === '/index.html') {
    const page = Number(p.get('page') ?? '1');
    return {
      name: 'catalog',
      category: p.get('category') || undefined,
      q: p.get('q')?.slice(0, 64) || undefined,
      cursor: p.get('cursor') || undefined,
      page: Number.isInteger(page) && page > 0 ? page : 1,
    };
  }
  if (pathname === '/cart' || pathname === '/cart/') return { name: 'cart' };
  if (pathname === '/checkout' || pathname === '/checkout/') return { name: 'checkout' };
  const product = PRODUCT.exec(pathname);
  if (product) return { name: 'product', id: product[1]! };
  const order = ORDER.exec(pathname);
  if (order) return { name: 'order', id: order[1]!.toLowerCase() };
  return { name: 'not-found', path: pathname };
}

export function catalogHref(o: { category?: string | undefined; q?: string | undefined; cursor?: string | undefined; page?: number | undefined } = {}): string {
  const p = new URLSearchParams();
  if (o.category) p.set('category', o.category);
  if (o.q) p.set('q', o.q);
  if (o.cursor) {
    p.set('cursor', o.cursor);
    if (o.page && o.page > 1) p.set('page', String(o.page));
  }
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

export const productHref = (id: string) => `/product/${encodeURIComponent(id)}`;
export const orderHref = (id: string) => `/orders/${encodeURIComponent(id)}`;
