// One product: picture, price, stock, description, quantity and "add to cart".
import { MAX_QUANTITY } from '../cart.ts';
import { formatPrice } from '../messages.ts';
import { catalogHref } from '../router.ts';
import { type Ctx, clearProblem, h, link, problemBox, showProblem } from '../ui.ts';
import { cap, stockText } from './catalog.ts';

export function productView(ctx: Ctx, main: HTMLElement): void {
  if (ctx.route.name !== 'product') return;
  const id = ctx.route.id;
  const problem = problemBox();
  const body = h('div', { 'aria-busy': 'true' }, h('p', {}, 'Loading…'));
  main.append(h('p', {}, link(catalogHref(), '← All products')), problem, body);

  const load = async () => {
    clearProblem(problem);
    try {
      const r = await ctx.api.product(id, ctx.signal);
      if (ctx.signal.aborted) return;
      ctx.noteStale(r.stale);
      const p = r.body;
      ctx.setTitle(p.name);
      const qty = h('input', { id: 'qty', name: 'quantity', type: 'number', inputmode: 'numeric', min: 1, max: Math.max(1, Math.min(MAX_QUANTITY, p.stock)), value: 1, required: true });
      const add = h('button', { type: 'submit' }, 'Add to cart');
      add.disabled = p.stock <= 0;
      const done = h('p', { class: 'done', hidden: true });
      const addProblem = problemBox();
      const form = h('form', { class: 'add' }, h('label', { for: 'qty' }, 'Quantity'), h('div', { class: 'row' }, qty, add));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!form.reportValidity()) return;
        add.disabled = true;
        clearProblem(addProblem);
        done.hidden = true;
        try {
          const n = Number(qty.value);
          const c = await ctx.cart.add(p.id, n);
          ctx.noteStale(c.stale);
          ctx.setCartCount(c.body.itemCount);
          done.replaceChildren(`Added ${n} × ${p.name} to your cart. `, link('/cart', 'View cart'));
          done.hidden = false;
          ctx.announce(`Added ${n} × ${p.name} to your cart.`);
        } catch (e) {
          showProblem(ctx, addProblem, e, { productName: () => p.name });
        } finally {
          add.disabled = p.stock <= 0;
        }
      });
      body.replaceChildren(
        h(
          'article',
          { class: 'product' },
          h('img', { src: p.imageUrl, alt: '', width: 400, height: 400 }),
          h(
            'div',
            {},
            h('h1', {}, p.name),
            h('p', { class: 'meta' }, link(catalogHref({ category: p.category }), cap(p.category))),
            h('p', { class: 'price' }, formatPrice(p.priceCents)),
            h('p', { class: p.stock > 0 ? 'stock' : 'stock out' }, stockText(p.stock)),
            h('p', {}, p.description),
            p.stock > 0 ? form : null,
            addProblem,
            done,
          ),
        ),
      );
    } catch (e) {
      if (ctx.signal.aborted) return;
      body.replaceChildren();
      ctx.setTitle('Product');
      showProblem(ctx, problem, e, { retry: load, auto: true });
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  };
  void load();
}
