// An order whose status moves live: polled every 1.5 s until shipped or cancelled, shown as a
// timeline (placed → confirmed → shipped), with plain words for a pending payment and a decline.
import type { ApiError, Order } from '../api.ts';
import { formatPrice, ORDER_STEPS, orderStatusText, stepState, userMessage } from '../messages.ts';
import { pollOrder } from '../order-poll.ts';
import { catalogHref } from '../router.ts';
import { type Ctx, h, link, problemBox, showProblem } from '../ui.ts';

export function orderView(ctx: Ctx, main: HTMLElement): void {
  if (ctx.route.name !== 'order') return;
  const id = ctx.route.id;
  ctx.setTitle('Your order');
  const state = ctx.state as { placed?: number; replayed?: boolean } | null;
  const problem = problemBox();
  // The status sentence is a live region: each change is read out once.
  const statusText = h('p', { class: 'status-text', role: 'status', 'aria-live': 'polite' }, 'Loading your order…');
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Order progress' });
  const note = h('p', { class: 'muted poll-note' });
  const details = h('div');
  main.append(
    h('h1', {}, 'Your order'),
    h('p', { class: 'muted' }, `Order number ${id}`),
    ...(state?.replayed ? [h('p', { class: 'notice' }, 'This order was already placed; we didn’t place it twice.')] : []),
    statusText,
    timeline,
    note,
    problem,
    details,
  );

  let shownStatus = '';
  const render = (o: Order) => {
    note.textContent = '';
    problem.hidden = true;
    if (o.status !== shownStatus) {
      shownStatus = o.status;
      const t = orderStatusText(o.status);
      statusText.textContent = `${t.label}. ${t.text}`;
      statusText.className = `status-text status-${o.status}`;
    }
    timeline.replaceChildren(
      ...ORDER_STEPS.map((step) => {
        const s = stepState(o.status, step);
        const label = orderStatusText(step).label;
        return h(
          'li',
          { class: `step ${s}`, ...(s === 'current' ? { 'aria-current': 'step' } : {}) },
          label,
          h('span', { class: 'sr-only' }, s === 'done' ? ' (done)' : s === 'current' ? ' (current step)' : ' (not yet)'),
        );
      }),
    );
    timeline.hidden = o.status === 'cancelled';
    details.replaceChildren(
      h('h2', {}, 'Items'),
      h('ul', { class: 'summary' }, ...o.lines.map((l) => h('li', {}, `${l.quantity} × ${l.name}`, h('span', {}, formatPrice(l.priceCents * l.quantity))))),
      h('p', { class: 'total' }, 'Total: ', h('strong', {}, formatPrice(o.totalCents))),
      h('p', { class: 'muted' }, `Receipt to ${o.email}`),
      h('p', {}, link(catalogHref(), 'Continue shopping')),
    );
  };

  const onError = (e: ApiError, retryInS: number | undefined) => {
    if (retryInS === undefined) {
      showProblem(ctx, problem, e);
      statusText.textContent = '';
      return;
    }
    // Polling goes on by itself: say so quietly instead of failing the page.
    note.textContent = `${userMessage(e)} Checking again in ${retryInS} s.`;
  };
  void pollOrder(ctx.api, id, { signal: ctx.signal, onOrder: render, onError }).then((final) => {
    if (final && !ctx.signal.aborted) note.textContent = '';
  });
}
