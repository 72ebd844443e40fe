// The console's token: `npm run lab:console` prints `…/lab/#token=…`. On load the token is taken
// from the fragment, the fragment is cleaned from the address bar (history.replaceState, so it is
// neither bookmarked nor left on screen) and the token is kept in localStorage.
export const TOKEN_KEY = 'surge-lab-console-token';

/** The storage the token lives in (localStorage in the browser; a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface FragmentToken {
  /** The token, when the fragment carries a non-empty one. */
  token: string | undefined;
  /** The fragment without the token ('' when nothing else was in it, else '#rest'). */
  rest: string;
}

/**
 * Reads `token=…` from a URL fragment ('#token=abc', '#token=abc&x=1', 'token=abc'). Decoded as a
 * URI component, not as a form: a '+' in a token stays a '+'.
 */
export function readFragment(hash: string): FragmentToken {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return { token: undefined, rest: '' };
  let token: string | undefined;
  const rest: string[] = [];
  for (const part of raw.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key !== 'token') {
      if (part) rest.push(part);
      continue;
    }
    let value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      value = decodeURIComponent(value);
    } catch {
      /* keep it as written */
    }
    value = value.trim();
    if (value) token = value;
  }
  return { token, rest: rest.length ? `#${rest.join('&')}` : '' };
}

export interface TokenLocation {
  pathname: string;
  search: string;
  hash: string;
}

/**
 * The token at start-up: from the fragment when there is one (it replaces the stored one and the
 * address bar is cleaned), else the stored one.
 */
export function takeToken(loc: TokenLocation, store: TokenStore, replaceUrl: (url: string) => void): string | undefined {
  const { token, rest } = readFragment(loc.hash);
  if (rest !== loc.hash) replaceUrl(`${loc.pathname}${loc.search}${rest}`);
  if (token) {
    store.set(token);
    return token;
  }
  return store.get();
}

/** The kept token. Storage that throws (private modes, blocked storage) degrades to memory. */
export class TokenStore {
  readonly #store: KeyValueStore | undefined;
  #memory: string | undefined;

  constructor(store: KeyValueStore | undefined) {
    this.#store = store;
  }

  get(): string | undefined {
    try {
      return this.#store?.getItem(TOKEN_KEY) || this.#memory;
    } catch {
      return this.#memory;
    }
  }

  set(token: string): void {
    this.#memory = token;
    try {
      this.#store?.setItem(TOKEN_KEY, token);
    } catch {
      /* memory only */
    }
  }

  clear(): void {
    this.#memory = undefined;
    try {
      this.#store?.removeItem(TOKEN_KEY);
    } catch {
      /* memory only */
    }
  }
}

/** localStorage, or undefined where reading it throws (blocked cookies). */
export function browserStorage(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token from what was typed or pasted into the sign-in field: the token itself, or the whole
 * address `npm run lab:console` printed (…/lab/#token=…).
 */
export function tokenFromInput(value: string): string | undefined {
  const v = value.trim();
  const hash = v.indexOf('#');
  if (hash >= 0 && /(^|[#&])token=/.test(v.slice(hash))) return readFragment(v.slice(hash)).token;
  if (v.startsWith('token=')) return readFragment(v).token;
  return v || undefined;
}
