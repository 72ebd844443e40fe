// The product grid: categories, search, cursor paging, "add to cart" on each card.
import type { Product } from '../api.ts';
import { formatPrice } from '../messages.ts';
import { catalogHref, productHref } from '../router.ts';
import { type Ctx, clearProblem, h, link, problemBox, showProblem } from '../ui.ts';

const PAGE_SIZE = 12;
/** cursor → the cursor of the page before it, learnt while following "Next" (the API pages forward only). */
const previous = new Map<string, string | undefined>();

export function catalogView(ctx: Ctx, main: HTMLElement): void {
  if (ctx.route.name !== 'catalog') return;
  const { category, q, cursor, page } = ctx.route;
  ctx.setTitle(q ? `Search: ${q}` : category ? `${cap(category)} products` : 'Products');

  const search = h('input', { id: 'q', name: 'q', type: 'search', maxlength: 64, value: q ?? '', autocomplete: 'off' });
  const form = h('form', { role: 'search', class: 'search' }, h('label', { for: 'q' }, 'Search products'), h('div', { class: 'row' }, search, h('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(catalogHref({ category, q: search.value.trim() || undefined }));
  });

  const cats = h('ul', { class: 'categories' }, h('li', {}, link(catalogHref({ q }), 'All', category ? {} : { 'aria-current': 'page' })));
  const problem = problemBox();
  const results = h('div', { class: 'results', 'aria-busy': 'true' }, h('p', {}, 'Loading products…'));
  main.append(h('h1', {}, q ? `Results for “${q}”` : category ? cap(category) : 'Products'), form, h('nav', { 'aria-label': 'Categories' }, cats), problem, results);

  ctx.api
    .categories(ctx.signal)
    .then((r) => {
      ctx.noteStale(r.stale);
      for (const c of r.body.categories) {
        cats.append(h('li', {}, link(catalogHref({ category: c.name, q }), `${cap(c.name)} (${c.count})`, c.name === category ? { 'aria-current': 'page' } : {})));
      }
    })
    .catch(() => {
      /* the grid still works without the category list */
    });

  const load = async () => {
    clearProblem(problem);
    results.setAttribute('aria-busy', 'true');
    try {
      const r = await ctx.api.listProducts({ category, q, cursor, limit: PAGE_SIZE }, ctx.signal);
      if (ctx.signal.aborted) return;
      ctx.noteStale(r.stale);
      renderGrid(ctx, results, r.body.items, r.body.nextCursor, { category, q, cursor, page });
    } catch (e) {
      if (ctx.signal.aborted) return;
      results.replaceChildren();
      showProblem(ctx, problem, e, { retry: load, auto: true });
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  };
  void load();
}

function renderGrid(
  ctx: Ctx,
  results: HTMLElement,
  items: Product[],
  nextCursor: string | null,
  at: { category: string | undefined; q: string | undefined; cursor: string | undefined; page: number },
): void {
  results.replaceChildren();
  if (items.length === 0) {
    results.append(h('p', {}, at.q ? `No products match “${at.q}”.` : 'No products here yet.'), link(catalogHref(), 'See all products'));
    return;
  }
  const grid = h('ul', { class: 'grid' });
  for (const p of items) grid.append(h('li', {}, card(ctx, p)));
  results.append(grid);

  const nav = h('nav', { 'aria-label': 'Pages', class: 'pager' });
  if (at.cursor) {
    const prevKnown = previous.has(at.cursor);
    const prev = previous.get(at.cursor);
    nav.append(
      prevKnown ? link(catalogHref({ category: at.category, q: at.q, cursor: prev, page: at.page - 1 }), '← Previous page') : link(catalogHref({ category: at.category, q: at.q }), '← First page'),
    );
  }
  nav.append(h('span', { class: 'page-no' }, `Page ${at.page}`));
  if (nextCursor) {
    previous.set(nextCursor, at.cursor);
    nav.append(link(catalogHref({ category: at.category, q: at.q, cursor: nextCursor, page: at.page + 1 }), 'Next page →'));
  }
  results.append(nav);
}

function card(ctx: Ctx, p: Product): HTMLElement {
  const add = h('button', { type: 'button', 'aria-label': `Add ${p.name} to cart` }, p.stock > 0 ? 'Add to cart' : 'Out of stock');
  add.disabled = p.stock <= 0;
  const problem = problemBox();
  add.addEventListener('click', async () => {
    add.disabled = true;
    clearProblem(problem);
    try {
      const r = await ctx.cart.add(p.id, 1);
      ctx.noteStale(r.stale);
      ctx.setCartCount(r.body.itemCount);
      ctx.announce(`Added ${p.name} to your cart.`);
    } catch (e) {
      showProblem(ctx, problem, e, { productName: () => p.name });
    } finally {
      add.disabled = p.stock <= 0;
    }
  });
  return h(
    'article',
    { class: 'card' },
    h('img', { src: p.imageUrl, alt: '', width: 400, height: 400, loading: 'lazy', decoding: 'async' }),
    h('h2', {}, link(productHref(p.id), p.name)),
    h('p', { class: 'price' }, formatPrice(p.priceCents)),
    h('p', { class: p.stock > 0 ? 'stock' : 'stock out' }, stockText(p.stock)),
    add,
    problem,
  );
}

export function stockText(stock: number): string {
  return stock <= 0 ? 'Out of stock' : stock < 10 ? `Only ${stock} left` : 'In stock';
}

export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
