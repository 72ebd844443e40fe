// The cart: change quantities, remove lines, go to checkout. Changes are sent one at a time
// (a quick run of clicks on a quantity spinner must not arrive out of order).
import type { ApiResponse, Cart } from '../api.ts';
import { MAX_QUANTITY } from '../cart.ts';
import { formatPrice } from '../messages.ts';
import { catalogHref, productHref } from '../router.ts';
import { type Ctx, clearProblem, h, link, problemBox, showProblem } from '../ui.ts';

export function cartView(ctx: Ctx, main: HTMLElement): void {
  ctx.setTitle('Your cart');
  const problem = problemBox();
  const body = h('div', { 'aria-busy': 'true' }, h('p', {}, 'Loading your cart…'));
  main.append(h('h1', {}, 'Your cart'), problem, body);
  let queue: Promise<unknown> = Promise.resolve();
  const names = new Map<string, string>();

  const show = (r: ApiResponse<Cart> | undefined) => {
    if (ctx.signal.aborted) return;
    ctx.noteStale(r ? r.stale || r.body.stale : false);
    ctx.setCartCount(r?.body.itemCount ?? 0);
    body.replaceChildren();
    const cart = r?.body;
    if (!cart || cart.items.length === 0) {
      body.append(h('p', {}, 'Your cart is empty.'), link(catalogHref(), 'Browse products', { class: 'button' }));
      return;
    }
    const list = h('ul', { class: 'lines' });
    for (const item of cart.items) {
      names.set(item.productId, item.name);
      const qid = `qty-${item.productId}`;
      const qty = h('input', { id: qid, type: 'number', inputmode: 'numeric', min: 1, max: MAX_QUANTITY, value: item.quantity, required: true });
      qty.addEventListener('change', () => {
        const n = Number(qty.value);
        if (!qty.checkValidity() || !Number.isInteger(n)) {
          qty.reportValidity();
          return;
        }
        change(`Quantity of ${item.name} set to ${n}.`, () => ctx.cart.setQuantity(item.productId, n));
      });
      const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${item.name} from cart` }, 'Remove');
      remove.addEventListener('click', () => change(`Removed ${item.name} from your cart.`, () => ctx.cart.remove(item.productId)));
      list.append(
        h(
          'li',
          { class: 'line' },
          h('img', { src: item.imageUrl, alt: '', width: 64, height: 64 }),
          h('div', { class: 'line-main' }, link(productHref(item.productId), item.name), h('p', { class: 'muted' }, `${formatPrice(item.priceCents)} each`)),
          h('div', { class: 'line-qty' }, h('label', { for: qid }, h('span', { class: 'sr-only' }, `Quantity of ${item.name}`), h('span', { 'aria-hidden': 'true' }, 'Qty')), qty),
          h('p', { class: 'line-total' }, formatPrice(item.lineTotalCents)),
          remove,
        ),
      );
    }
    body.append(list);
    if (cart.unavailable.length > 0) {
      body.append(
        h(
          'p',
          { class: 'notice' },
          `${cart.unavailable.length === 1 ? 'One product' : `${cart.unavailable.length} products`} in your cart ${cart.unavailable.length === 1 ? 'is' : 'are'} no longer sold and will not be ordered. Remove ${cart.unavailable.length === 1 ? 'it' : 'them'} to continue.`,
        ),
      );
    }
    body.append(
      h('p', { class: 'total' }, `Total (${cart.itemCount} ${cart.itemCount === 1 ? 'item' : 'items'}): `, h('strong', {}, formatPrice(cart.totalCents))),
      link('/checkout', 'Go to checkout', { class: 'button primary' }),
    );
  };

  const change = (done: string, fn: () => Promise<ApiResponse<Cart>>) => {
    body.setAttribute('aria-busy', 'true');
    clearProblem(problem);
    queue = queue
      .then(fn)
      .then(
        (r) => {
          show(r);
          ctx.announce(done);
        },
        async (e: unknown) => {
          showProblem(ctx, problem, e, { productName: (id) => names.get(id) });
          // Back to what the shop holds; if even that fails, keep the lines on screen.
          const r = await ctx.cart.load().catch(() => null);
          if (r !== null) show(r);
        },
      )
      .finally(() => body.setAttribute('aria-busy', 'false'));
  };

  const load = async () => {
    clearProblem(problem);
    try {
      show(await ctx.cart.load(ctx.signal));
    } catch (e) {
      if (ctx.signal.aborted) return;
      body.replaceChildren();
      showProblem(ctx, problem, e, { retry: load, auto: true });
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  };
  void load();
}
