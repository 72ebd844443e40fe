// Carts in Redis: hash `cart:{id}` (productId -> quantity, plus `_created` so an empty cart
// exists). No TTL: the lab's Redis evicts keys with a TTL (volatile-lru) and a cart must never
// be evicted. Idle expiry lives in the sorted set `carts:expiry` (score = last touch + idle).
import { parseStoredCart, type StoredCart } from '../domain/cart.ts';
import type { RedisRun } from './redis.ts';

export const EXPIRY_KEY = 'carts:expiry';
export const cartKey = (id: string) => `cart:${id}`;

const CREATE = `
redis.call('HSET', KEYS[1], '_created', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1`;
// Reads touch too: a cart someone looks at is not idle.
const GET = `
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return false end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return h`;
// Writes check existence first so a swept (or never created) cart is not resurrected.
const SET_ITEM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1`;
const REMOVE_ITEM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1`;
// Deletes one batch of carts whose expiry passed; returns how many.
const SWEEP = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('DEL', 'cart:' .. id)
  redis.call('ZREM', KEYS[1], id)
end
return #ids`;

export interface CartStore {
  create(id: string): Promise<StoredCart>;
  get(id: string): Promise<StoredCart | null>;
  /** false when the cart does not exist. */
  setItem(id: string, productId: string, quantity: number): Promise<boolean>;
  removeItem(id: string, productId: string): Promise<boolean>;
  /** Deletes every cart idle past its expiry; returns how many. */
  sweep(now?: number): Promise<number>;
}

export function createCartStore(run: RedisRun, opts: { idleMs: number; sweepBatch?: number; now?: () => number }): CartStore {
  const now = opts.now ?? Date.now;
  const batch = opts.sweepBatch ?? 500;
  const keys = (id: string) => [cartKey(id), EXPIRY_KEY];
  return {
    async create(id) {
      const t = now();
      await run(CREATE, keys(id), [t, t + opts.idleMs, id]);
      return { id, createdAt: new Date(t).toISOString(), items: new Map() };
    },
    async get(id) {
      const flat = (await run(GET, keys(id), [now() + opts.idleMs, id])) as string[] | null;
      if (!flat) return null;
      const hash: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
      return parseStoredCart(id, hash);
    },
    async setItem(id, productId, quantity) {
      return (await run(SET_ITEM, keys(id), [now() + opts.idleMs, id, productId, quantity])) === 1;
    },
    async removeItem(id, productId) {
      return (await run(REMOVE_ITEM, keys(id), [now() + opts.idleMs, id, productId])) === 1;
    },
    async sweep(at = now()) {
      let total = 0;
      for (;;) {
        const n = Number(await run(SWEEP, [EXPIRY_KEY], [at, batch]));
        total += n;
        if (n < batch) return total;
      }
    },
  };
}
