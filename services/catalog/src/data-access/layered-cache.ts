// Cache-aside in two layers: a small in-process LRU (L1) and Redis (L2), both holding the
// pre-serialised JSON body and its ETag, so a hit does no serialisation. An entry is fresh for
// `freshMs`; older copies are kept (L2 for `keepSeconds`) and served, marked stale, only when the
// database cannot answer. One load per key at a time (single flight). Redis failures are skipped.

import type { Metrics } from '@surge-lab/kit';
import { DependencyError, guard, Lru, SingleFlight } from '@surge-lab/kit';
import type { Redis } from 'ioredis';
import { etagOf } from '../domain/products.ts';

export interface Cached {
  body: string;
  etag: string;
  fetchedAt: number;
}
export interface CacheResult extends Cached {
  source: 'l1' | 'redis' | 'db';
  stale: boolean;
}

export interface LayeredCacheOptions {
  freshMs: number;
  keepSeconds: number;
  l1Max: number;
  now?: () => number;
  random?: () => number;
}

const PREFIX = 'catalog:';
export const encodeEntry = (e: Cached) => `${e.fetchedAt}|${e.etag}|${e.body}`;
export function decodeEntry(raw: string): Cached | undefined {
  const a = raw.indexOf('|');
  const b = raw.indexOf('|', a + 1);
  if (a < 0 || b < 0) return undefined;
  const fetchedAt = Number(raw.slice(0, a));
  return Number.isFinite(fetchedAt) ? { fetchedAt, etag: raw.slice(a + 1, b), body: raw.slice(b + 1) } : undefined;
}

export class LayeredCache {
  readonly #l1: Lru<Cached>;
  readonly #flight = new SingleFlight<CacheResult | undefined>();
  readonly #opts: Required<LayeredCacheOptions>;
  readonly #redisGet;
  readonly #redisWrite;
  readonly #redis: Redis;
  readonly #requests;

  constructor(redis: Redis, metrics: Metrics, opts: LayeredCacheOptions) {
    this.#redis = redis;
    this.#opts = { now: Date.now, random: Math.random, ...opts };
    this.#l1 = new Lru(opts.l1Max);
    const base = { timeoutMs: 150, capacity: 200, resetTimeoutMs: 3_000 };
    this.#redisGet = guard(metrics, { name: 'catalog-redis', idempotent: true, retries: 0, ...base }, (_s, key: string) => redis.get(PREFIX + key));
    // One breaker for writes (SET of a fill, DEL of an invalidation): both are idempotent.
    this.#redisWrite = guard(metrics, { name: 'catalog-redis-write', idempotent: true, retries: 1, ...base }, (_s, write: () => Promise<unknown>) => write());
    this.#requests = metrics.counter('cache_requests_total', 'Cache lookups by layer and result', ['layer', 'result']);
  }

  #fresh(e: Cached): boolean {
    return this.#opts.now() - e.fetchedAt < this.#opts.freshMs;
  }

  /** `load` returns the serialised body, or undefined when the thing does not exist. */
  async get(key: string, load: () => Promise<string | undefined>): Promise<CacheResult | undefined> {
    const l1 = this.#l1.get(key);
    if (l1 && this.#fresh(l1)) {
      this.#requests.inc({ layer: 'l1', result: 'hit' });
      return { ...l1, source: 'l1', stale: false };
    }
    this.#requests.inc({ layer: 'l1', result: 'miss' });
    return this.#flight.do(key, async () => {
      let staleCopy: Cached | undefined = l1;
      try {
        const raw = await this.#redisGet(key);
        const l2 = raw ? decodeEntry(raw) : undefined;
        if (l2 && this.#fresh(l2)) {
          this.#requests.inc({ layer: 'redis', result: 'hit' });
          this.#l1.set(key, l2);
          return { ...l2, source: 'redis', stale: false };
        }
        this.#requests.inc({ layer: 'redis', result: 'miss' });
        if (l2 && (!staleCopy || l2.fetchedAt > staleCopy.fetchedAt)) staleCopy = l2;
      } catch {
        this.#requests.inc({ layer: 'redis', result: 'error' });
      }
      let body: string | undefined;
      try {
        body = await load();
      } catch (err) {
        if (err instanceof DependencyError && staleCopy) {
          this.#requests.inc({ layer: staleCopy === l1 ? 'l1' : 'redis', result: 'stale' });
          return { ...staleCopy, source: staleCopy === l1 ? 'l1' : 'redis', stale: true };
        }
        throw err;
      }
      if (body === undefined) return undefined;
      const entry: Cached = { body, etag: etagOf(body), fetchedAt: this.#opts.now() };
      this.#l1.set(key, entry);
      // TTL jitter (up to +10%) so keys filled together do not expire together.
      const ttl = Math.round(this.#opts.keepSeconds * (1 + 0.1 * this.#opts.random()));
      await this.#redisWrite(() => this.#redis.set(PREFIX + key, encodeEntry(entry), 'EX', ttl)).catch(() => {});
      return { ...entry, source: 'db', stale: false };
    });
  }

  /** Drops a key from this replica's L1 (other replicas hear about it through pub/sub). */
  evictLocal(key: string): void {
    this.#l1.delete(key);
  }
  evictLocalPrefix(prefix: string): void {
    this.#l1.deletePrefix(prefix);
  }
  async evictShared(key: string): Promise<void> {
    this.#l1.delete(key);
    await this.#redisWrite(() => this.#redis.del(PREFIX + key));
  }
}
