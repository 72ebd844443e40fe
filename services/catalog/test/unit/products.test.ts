import { describe, expect, test } from 'vitest';
import { decodeEntry, encodeEntry } from '../../src/data-access/layered-cache.ts';
import { encodeCursor, ListQuery, listKey, ProductPatch, productSvg } from '../../src/domain/products.ts';

describe('catalog rules', () => {
  test('a cursor round-trips and anything but a product id is refused', () => {
    expect(ListQuery.parse({ cursor: encodeCursor('p-00042') }).cursor).toBe('p-00042');
    expect(ListQuery.safeParse({ cursor: "p-1' OR 1=1" }).success).toBe(false);
    expect(ListQuery.safeParse({ cursor: '0'.repeat(64) }).success).toBe(false);
  });

  test('an empty query value is the same as none (the OpenAPI document allows it); a wrong one is still refused', () => {
    expect(ListQuery.parse({ category: '', cursor: '', q: ' ' })).toEqual(ListQuery.parse({}));
    expect(ListQuery.safeParse({ q: ` ${'a'.repeat(64)}` }).success).toBe(false); // 65 characters as sent
    expect(listKey(ListQuery.parse({ category: '' }))).toBe(listKey(ListQuery.parse({})));
    expect(ListQuery.safeParse({ category: 'cars' }).success).toBe(false);
  });

  test('equal queries share a cache key whatever the case of the text', () => {
    expect(listKey(ListQuery.parse({ q: 'Kettle', limit: '10' }))).toBe(listKey(ListQuery.parse({ q: 'kettle', limit: 10 })));
    expect(listKey(ListQuery.parse({ category: 'toys' }))).not.toBe(listKey(ListQuery.parse({ category: 'books' })));
  });

  test('a patch needs a price or a stock, both whole and in range', () => {
    expect(ProductPatch.safeParse({}).success).toBe(false);
    expect(ProductPatch.safeParse({ stock: -1 }).success).toBe(false);
    expect(ProductPatch.safeParse({ priceCents: 0 }).success).toBe(false);
    expect(ProductPatch.parse({ stock: 0 })).toEqual({ stock: 0 });
  });

  test('a cache entry keeps its body byte for byte, pipes included', () => {
    const e = { fetchedAt: 1_700_000_000_000, etag: '"abc"', body: '{"name":"a|b"}' };
    expect(decodeEntry(encodeEntry(e))).toEqual(e);
    expect(decodeEntry('garbage')).toBeUndefined();
  });

  test('product pictures are deterministic and escape the name', () => {
    const svg = productSvg({ id: 'p-00001', name: 'Tom & <Jerry>', category: 'toys' });
    expect(svg).toBe(productSvg({ id: 'p-00001', name: 'Tom & <Jerry>', category: 'toys' }));
    expect(svg).toContain('Tom &#38; &#60;Jerry&#62;');
    expect(svg).not.toContain('<Jerry>');
  });
});
