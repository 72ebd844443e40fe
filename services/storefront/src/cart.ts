// The shopper's cart: created on the first add, its id persisted, a fresh one made when the
// shop says the old one expired (404 CART_NOT_FOUND).
import { type ApiClient, ApiError, type ApiResponse, type Cart } from './api.ts';
import type { CartIdStore } from './storage.ts';

export const MAX_QUANTITY = 99;

export class CartService {
  readonly #api: ApiClient;
  readonly #ids: CartIdStore;
  constructor(api: ApiClient, ids: CartIdStore) {
    this.#api = api;
    this.#ids = ids;
  }

  get id(): string | undefined {
    return this.#ids.get();
  }

  /** The current cart, or undefined when there is none yet (or it expired: the id is then forgotten). */
  async load(signal?: AbortSignal): Promise<ApiResponse<Cart> | undefined> {
    const id = this.#ids.get();
    if (!id) return undefined;
    try {
      return await this.#api.cart(id, signal);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CART_NOT_FOUND') {
        this.#ids.clear();
        return undefined;
      }
      throw e;
    }
  }

  /** Adds `quantity` units (on top of what the cart holds), creating the cart when needed. */
  async add(productId: string, quantity: number): Promise<ApiResponse<Cart>> {
    return this.#withCart(async (id) => {
      const current = await this.#api.cart(id);
      const had = current.body.items.find((i) => i.productId === productId)?.quantity ?? 0;
      return this.#api.setQuantity(id, productId, Math.min(MAX_QUANTITY, had + quantity));
    });
  }

  /** Sets a line's quantity (1–99). */
  async setQuantity(productId: string, quantity: number): Promise<ApiResponse<Cart>> {
    const q = Math.trunc(quantity);
    if (!(q >= 1 && q <= MAX_QUANTITY)) throw new RangeError(`quantity must be 1–${MAX_QUANTITY}`);
    const id = this.#ids.get();
    if (!id) throw cartGone();
    return this.#forgetIfGone(() => this.#api.setQuantity(id, productId, q));
  }

  async remove(productId: string): Promise<ApiResponse<Cart>> {
    const id = this.#ids.get();
    if (!id) throw cartGone();
    return this.#forgetIfGone(() => this.#api.removeItem(id, productId));
  }

  /** After an order is placed the cart is done with: the next add starts a new one. */
  forget(): void {
    this.#ids.clear();
  }

  async #withCart(fn: (id: string) => Promise<ApiResponse<Cart>>): Promise<ApiResponse<Cart>> {
    const existing = this.#ids.get();
    if (existing) {
      try {
        return await fn(existing);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'CART_NOT_FOUND')) throw e;
        this.#ids.clear(); // expired: start over once with a new cart
      }
    }
    const created = await this.#api.createCart();
    this.#ids.set(created.body.id);
    return fn(created.body.id);
  }

  async #forgetIfGone<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CART_NOT_FOUND') this.#ids.clear();
      throw e;
    }
  }
}

const cartGone = () => new ApiError({ kind: 'http', status: 404, code: 'CART_NOT_FOUND', message: 'no cart' });
