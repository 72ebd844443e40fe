import { describe, expect, test } from 'vitest';
import { Lru, SingleFlight } from '../../src/index.ts';

describe('Lru', () => {
  test('evicts the least recently used entry when full', () => {
    const l = new Lru<number>(2);
    l.set('a', 1);
    l.set('b', 2);
    l.get('a');
    l.set('c', 3);
    expect([l.get('a'), l.get('b'), l.get('c')]).toEqual([1, undefined, 3]);
  });
  test('deletes by prefix', () => {
    const l = new Lru<number>(10);
    l.set('list:1', 1);
    l.set('list:2', 2);
    l.set('product:1', 3);
    expect(l.deletePrefix('list:')).toBe(2);
    expect(l.size).toBe(1);
  });
});

describe('SingleFlight', () => {
  test('a stampede of 100 callers for one key runs the loader once and all get its result', async () => {
    const sf = new SingleFlight<number>();
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => sf.do('k', load)));
    expect(calls).toBe(1);
    expect(new Set(results)).toEqual(new Set([42]));
    expect(sf.inflight).toBe(0);
  });
  test('a failure reaches every waiting caller and the next call tries again', async () => {
    const sf = new SingleFlight<number>();
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('db down');
    };
    const all = await Promise.allSettled([sf.do('k', failing), sf.do('k', failing)]);
    expect(all.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(sf.do('k', async () => 7)).resolves.toBe(7);
    expect(calls).toBe(1);
  });
});
