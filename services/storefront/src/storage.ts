// Small persistent state: the cart id and the open checkout attempt, in localStorage.
// localStorage can be missing or throw (disabled storage, some private modes): the storefront
// then keeps the state in memory for the tab's life instead of failing.

/** The part of the Web Storage API the storefront uses. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class MemoryStore implements KeyValueStore {
  readonly #m = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#m.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#m.set(key, value);
  }
  removeItem(key: string): void {
    this.#m.delete(key);
  }
}

/** localStorage when it works, memory otherwise. */
export function browserStore(): KeyValueStore {
  try {
    const s = globalThis.localStorage;
    const probe = '__surge_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return new MemoryStore();
  }
}

export const CART_KEY = 'surge-lab.cartId';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The shopper's cart id, kept across reloads and tabs. */
export class CartIdStore {
  readonly #store: KeyValueStore;
  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  get(): string | undefined {
    const v = safe(() => this.#store.getItem(CART_KEY));
    return v && UUID.test(v) ? v : undefined;
  }

  set(id: string): void {
    if (!UUID.test(id)) throw new Error(`not a cart id: ${id}`);
    safe(() => this.#store.setItem(CART_KEY, id));
  }

  clear(): void {
    safe(() => this.#store.removeItem(CART_KEY));
  }
}

/** Storage that throws (quota, disabled) must not break a purchase. */
export function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
