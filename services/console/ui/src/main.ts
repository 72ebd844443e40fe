// The lab console: a framework-free single page under /lab/. Start-up takes the token from the
// fragment (or storage); without one, or when the API answers 401, the sign-in panel shows.
import { type ApiError, ConsoleApi } from './api.ts';
import { type Ctx, Store } from './app.ts';
import { h } from './dom.ts';
import { isUnreachable, SIGN_IN_HINT, UNREACHABLE } from './messages.ts';
import { documentVisibility } from './poll.ts';
import { chartsSection } from './sections/charts.ts';
import { experimentsSection } from './sections/experiments.ts';
import { faultsSection } from './sections/faults.ts';
import { loadSection } from './sections/load.ts';
import { regionsSection } from './sections/regions.ts';
import { scalingSection } from './sections/scaling.ts';
import { topologySection } from './sections/topology.ts';
import { browserStorage, TokenStore, takeToken, tokenFromInput } from './token.ts';
import type { Topology } from './types.ts';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const connection = document.getElementById('connection')!;
const politeRegion = document.getElementById('status')!;
const alertRegion = document.getElementById('alert')!;

const tokens = new TokenStore(browserStorage());
let token = takeToken(location, tokens, (url) => history.replaceState(history.state, '', url));
let session: AbortController | undefined;

function announce(message: string, assertive = false): void {
  const region = assertive ? alertRegion : politeRegion;
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

function onOutcome(outcome: ApiError | 'ok'): void {
  if (outcome === 'ok') {
    if (!connection.hidden) {
      connection.hidden = true;
      announce('The console backend answers again.');
    }
    return;
  }
  if (outcome.status === 401) {
    signOut('The console did not accept the token (it changes when the lab is set up again).');
    return;
  }
  if (isUnreachable(outcome) && session && !session.signal.aborted) {
    connection.textContent = UNREACHABLE;
    connection.hidden = false;
  }
}

const api = new ConsoleApi({ token: () => token, onOutcome });

function signOut(reason: string): void {
  const wasIn = session !== undefined && !session.signal.aborted;
  session?.abort();
  tokens.clear();
  token = undefined;
  if (wasIn || !main.querySelector('.sign-in')) showSignIn(reason);
}

function showSignIn(reason?: string): void {
  nav.hidden = true;
  connection.hidden = true;
  document.title = 'Sign in · Lab console · Surge Lab';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'token-hint' });
  const form = h(
    'form',
    { class: 'sign-in-form' },
    h('label', { for: 'token' }, 'Console token'),
    h('p', { id: 'token-hint', class: 'muted small' }, `${SIGN_IN_HINT} Open that address, or paste the token (or the whole address) here.`),
    h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Sign in')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = tokenFromInput(input.value);
    if (!t) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    token = t;
    tokens.set(t);
    start();
  });
  main.replaceChildren(
    h(
      'section',
      { class: 'panel sign-in', 'aria-labelledby': 'sign-in-h' },
      h('h1', { id: 'sign-in-h' }, 'Sign in to the lab console'),
      reason ? h('p', { class: 'msg problem' }, reason) : null,
      h('p', {}, 'The console controls the lab (it can kill containers), so it needs the token it was started with.'),
      form,
    ),
  );
  if (reason) announce(reason, true);
  input.focus();
}

function start(): void {
  session?.abort();
  session = new AbortController();
  const ctx: Ctx = {
    api,
    signal: session.signal,
    visibility: documentVisibility,
    topology: new Store<Topology | undefined>(undefined),
    changed: new EventTarget(),
    announce,
  };
  document.title = 'Lab console · Surge Lab';
  nav.hidden = false;
  main.replaceChildren(
    h('h1', {}, 'Lab console'),
    topologySection(ctx).el,
    regionsSection(ctx).el,
    scalingSection(ctx).el,
    faultsSection(ctx).el,
    loadSection(ctx).el,
    experimentsSection(ctx).el,
    chartsSection(ctx).el,
  );
  // Opened at an anchor (#faults): go there once the sections exist.
  if (location.hash.length > 1) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

if (token) start();
else showSignIn();

// The printed address pasted into a tab that already shows the console changes only the
// fragment (no page load): take a token that arrives that way too.
window.addEventListener('hashchange', () => {
  const fresh = takeToken(location, tokens, (url) => history.replaceState(history.state, '', url));
  if (fresh && fresh !== token) {
    token = fresh;
    start();
  }
});
