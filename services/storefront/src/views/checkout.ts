// Checkout: the cart's summary and an email. One Idempotency-Key per attempt (see checkout.ts):
// the button is disabled while the request is out, a second submit joins the first, and
// "Try again" after a busy or lost answer resends the same key.
import { ApiError } from '../api.ts';
import { formatPrice } from '../messages.ts';
import { catalogHref, orderHref } from '../router.ts';
import { type Ctx, clearProblem, h, link, problemBox, showProblem } from '../ui.ts';

export function checkoutView(ctx: Ctx, main: HTMLElement): void {
  ctx.setTitle('Checkout');
  const problem = problemBox();
  const summary = h('div', { 'aria-busy': 'true' }, h('p', {}, 'Loading your cart…'));
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: 254, 'aria-describedby': 'email-hint' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Place order');
  const form = h(
    'form',
    { class: 'checkout', novalidate: false },
    h('label', { for: 'email' }, 'Email address'),
    h('p', { id: 'email-hint', class: 'muted' }, 'We send your receipt here.'),
    email,
    submit,
  );
  form.hidden = true;
  main.append(h('h1', {}, 'Checkout'), summary, problem, form);
  const names = new Map<string, string>();
  let cancelCountdown = () => {};

  const loadSummary = async () => {
    clearProblem(problem);
    try {
      const r = await ctx.cart.load(ctx.signal);
      if (ctx.signal.aborted) return;
      ctx.noteStale(r ? r.stale || r.body.stale : false);
      summary.replaceChildren();
      const cart = r?.body;
      if (!cart || cart.items.length === 0) {
        ctx.setCartCount(0);
        summary.append(h('p', {}, 'Your cart is empty.'), link(catalogHref(), 'Browse products', { class: 'button' }));
        return;
      }
      ctx.setCartCount(cart.itemCount);
      const list = h('ul', { class: 'summary' });
      for (const i of cart.items) {
        names.set(i.productId, i.name);
        list.append(h('li', {}, `${i.quantity} × ${i.name}`, h('span', {}, formatPrice(i.lineTotalCents))));
      }
      summary.append(list, h('p', { class: 'total' }, 'Total: ', h('strong', {}, formatPrice(cart.totalCents))), h('p', {}, link('/cart', 'Change your cart')));
      form.hidden = false;
    } catch (e) {
      if (ctx.signal.aborted) return;
      summary.replaceChildren();
      showProblem(ctx, problem, e, { retry: loadSummary, auto: true });
    } finally {
      summary.setAttribute('aria-busy', 'false');
    }
  };

  const place = async () => {
    const cartId = ctx.cart.id;
    if (!cartId) {
      ctx.navigate('/cart');
      return;
    }
    cancelCountdown();
    clearProblem(problem);
    submit.disabled = true;
    submit.textContent = 'Placing your order…';
    form.setAttribute('aria-busy', 'true');
    ctx.announce('Placing your order…');
    try {
      const r = await ctx.checkout.submit(cartId, email.value);
      ctx.cart.forget(); // ordered: the next add starts a new cart
      ctx.setCartCount(0);
      ctx.navigate(orderHref(r.order.id), { placed: r.status, replayed: r.replayed });
    } catch (e) {
      form.removeAttribute('aria-busy');
      if (ctx.signal.aborted) return;
      // A retryable failure keeps this attempt's key: "Try again" resends it. Anything else ends
      // the attempt, and the next "Place order" is a new one.
      const sameAttempt = e instanceof ApiError && ctx.checkout.pendingKey(cartId, email.value) !== undefined;
      submit.textContent = sameAttempt ? 'Try again' : 'Place order';
      submit.disabled = true;
      if (e instanceof ApiError && e.code === 'CART_NOT_FOUND') {
        ctx.cart.forget();
        ctx.setCartCount(0);
        form.hidden = true;
      }
      if (e instanceof ApiError && e.code === 'CART_EMPTY') form.hidden = true;
      const extra = extraFor(e);
      cancelCountdown = showProblem(ctx, problem, e, {
        productName: (id) => names.get(id),
        ...(extra ? { extra } : {}),
        onRetryAllowed: () => {
          submit.disabled = false;
        },
      });
      if (!sameAttempt) submit.disabled = false;
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!form.reportValidity()) return;
    void place();
  });
  void loadSummary();
}

function extraFor(e: unknown): Node | undefined {
  if (!(e instanceof ApiError)) return undefined;
  if (e.code === 'OUT_OF_STOCK' || e.code === 'CART_EMPTY') return h('p', {}, link('/cart', 'Edit your cart'));
  if (e.code === 'PAYMENT_DECLINED') {
    const id = (e.details as { orderId?: unknown } | undefined)?.orderId;
    return typeof id === 'string' ? h('p', {}, link(orderHref(id), 'See the cancelled order')) : undefined;
  }
  if (e.code === 'CART_NOT_FOUND') return h('p', {}, link(catalogHref(), 'Browse products'));
  return undefined;
}
