// What every section gets, and the few helpers they share.
import { ApiError, type ConsoleApi } from './api.ts';
import type { MessageBox } from './dom.ts';
import { errorMessage, isUnreachable } from './messages.ts';
import type { Visibility } from './poll.ts';
import type { Topology } from './types.ts';

/** A value sections share (the latest topology), with listeners. */
export class Store<T> {
  #value: T;
  readonly #listeners = new Set<(v: T) => void>();
  constructor(value: T) {
    this.#value = value;
  }
  get(): T {
    return this.#value;
  }
  set(value: T): void {
    this.#value = value;
    for (const l of this.#listeners) l(value);
  }
  subscribe(l: (v: T) => void, signal?: AbortSignal): void {
    this.#listeners.add(l);
    signal?.addEventListener('abort', () => this.#listeners.delete(l), { once: true });
  }
}

export interface Ctx {
  api: ConsoleApi;
  /** Aborted when the console signs out (a 401): sections stop polling and drop late answers. */
  signal: AbortSignal;
  visibility: Visibility;
  topology: Store<Topology | undefined>;
  /** Faults changed (a quick button, a reset): the faults list and the topology poll now. */
  changed: EventTarget;
  /** A polite announcement (assertive for errors) through the page's live regions. */
  announce: (message: string, assertive?: boolean) => void;
}

export const CHANGED = 'changed';
export const notifyChanged = (ctx: Ctx) => ctx.changed.dispatchEvent(new Event(CHANGED));

/**
 * Shows an error in a section's message box, in words. A 401 is left to the sign-in panel, and a
 * poll that finds the backend unreachable to the page's "unreachable" notice.
 */
export function showError(ctx: Ctx, box: MessageBox, e: unknown, action: string, o: { polling?: boolean } = {}): void {
  if (ctx.signal.aborted) return;
  if (e instanceof ApiError && e.status === 401) return;
  if (o.polling && isUnreachable(e)) return;
  if (!(e instanceof ApiError)) console.error(e);
  box.show(errorMessage(e, action), 'problem');
}

/** Runs a read until it succeeds (every `retryMs`), for things a section needs once (the catalog…). */
export async function loadUntilOk<T>(ctx: Ctx, read: (signal: AbortSignal) => Promise<T>, onError: (e: unknown) => void, retryMs = 3000): Promise<T | undefined> {
  for (;;) {
    if (ctx.signal.aborted) return undefined;
    try {
      return await read(ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted) return undefined;
      onError(e);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, retryMs);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}

/** A section: a landmark with a heading the nav links to. */
export interface Section {
  el: HTMLElement;
}
