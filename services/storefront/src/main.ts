// The storefront: a framework-free single-page app with history routing.
import { ApiClient } from './api.ts';
import { CartService } from './cart.ts';
import { Checkout } from './checkout.ts';
import { STALE_NOTICE } from './messages.ts';
import { parseRoute, type Route } from './router.ts';
import { browserStore, CartIdStore } from './storage.ts';
import { type Ctx, h, link } from './ui.ts';
import { cartView } from './views/cart.ts';
import { catalogView } from './views/catalog.ts';
import { checkoutView } from './views/checkout.ts';
import { orderView } from './views/order.ts';
import { productView } from './views/product.ts';

// The footer names the region that served the latest answer (a write forwarded to the primary
// region says that region); before any, the region of the front door that served the page.
const servedBy = document.getElementById('served-by')!;
const showRegion = (region: string) => {
  servedBy.textContent = `Served by region ${region.toUpperCase()}`;
};
const api = new ApiClient({ onRegion: showRegion });
void fetch('/region')
  .then(
    (r) => r.headers.get('x-region') ?? undefined,
    () => undefined,
  )
  .then((r) => {
    if (r && servedBy.textContent === '') showRegion(r);
  });
const store = browserStore();
const cart = new CartService(api, new CartIdStore(store));
const checkout = new Checkout(api, store);

const main = document.getElementById('main')!;
const politeRegion = document.getElementById('status')!;
const alertRegion = document.getElementById('alert')!;
const staleNotice = document.getElementById('stale')!;
const cartCount = document.getElementById('cart-count')!;

let page: AbortController | undefined;
let first = true;

function announce(message: string, assertive = false): void {
  const region = assertive ? alertRegion : politeRegion;
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

function setCartCount(n: number | undefined): void {
  cartCount.textContent = n ? `(${n})` : '';
  cartCount.parentElement?.setAttribute('aria-label', n ? `Cart, ${n} ${n === 1 ? 'item' : 'items'}` : 'Cart, empty');
}

function navigate(href: string, state?: unknown): void {
  history.pushState(state ?? null, '', href);
  render();
}

function render(): void {
  page?.abort();
  page = new AbortController();
  const route: Route = parseRoute(location.pathname, location.search);
  staleNotice.hidden = true;
  main.replaceChildren();
  let staleShown = false;
  const ctx: Ctx = {
    api,
    cart,
    checkout,
    route,
    navigate,
    announce,
    setCartCount,
    signal: page.signal,
    state: history.state,
    noteStale: (stale) => {
      if (!stale || staleShown || page?.signal !== ctx.signal) return;
      staleShown = true;
      staleNotice.textContent = STALE_NOTICE;
      staleNotice.hidden = false;
    },
    setTitle: (t) => {
      document.title = `${t} · Surge Lab`;
    },
  };
  switch (route.name) {
    case 'catalog':
      catalogView(ctx, main);
      break;
    case 'product':
      productView(ctx, main);
      break;
    case 'cart':
      cartView(ctx, main);
      break;
    case 'checkout':
      checkoutView(ctx, main);
      break;
    case 'order':
      orderView(ctx, main);
      break;
    case 'not-found':
      ctx.setTitle('Not found');
      main.append(h('h1', {}, 'Page not found'), h('p', {}, 'There is nothing at this address. '), link('/', 'Go to the products'));
      break;
  }
  document.querySelectorAll<HTMLAnchorElement>('header nav a').forEach((a) => {
    if (new URL(a.href).pathname === location.pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  // After a navigation, focus moves to the new page (screen readers start reading there).
  if (!first) {
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  first = false;
}

// Same-origin links marked data-link are handled here; modified clicks (new tab…) are left alone.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!a || a.target || a.origin !== location.origin) return;
  ev.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', render);

render();
cart.load().then(
  (r) => setCartCount(r?.body.itemCount),
  () => {},
);
