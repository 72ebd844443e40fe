// A small bounded in-process LRU (Map keeps insertion order: re-insert on read = most recent).
export class Lru<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Lru max must be a positive integer');
    this.#max = max;
  }
  get size(): number {
    return this.#map.size;
  }
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string);
  }
  delete(key: string): boolean {
    return this.#map.delete(key);
  }
  deletePrefix(prefix: string): number {
    let n = 0;
    for (const k of [...this.#map.keys()]) if (k.startsWith(prefix) && this.#map.delete(k)) n++;
    return n;
  }
}

/** One in-flight call per key: concurrent callers for the same key share its promise. */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();
  do(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.#inflight.get(key);
    if (existing) return existing;
    const p = fn().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }
  get inflight(): number {
    return this.#inflight.size;
  }
}
