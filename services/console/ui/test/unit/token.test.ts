import { describe, expect, test } from 'vitest';
import { type KeyValueStore, readFragment, TOKEN_KEY, TokenStore, takeToken, tokenFromInput } from '../../src/token.ts';

const memoryStore = (init: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map(Object.entries(init));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      data.set(k, v);
    },
    removeItem: (k) => {
      data.delete(k);
    },
  };
};

describe('readFragment', () => {
  test('takes the token and leaves nothing behind when the fragment held only it', () => {
    expect(readFragment('#token=abc123')).toEqual({ token: 'abc123', rest: '' });
  });
  test('keeps the rest of the fragment', () => {
    expect(readFragment('#token=abc&section=faults')).toEqual({ token: 'abc', rest: '#section=faults' });
    expect(readFragment('#x=1&token=abc')).toEqual({ token: 'abc', rest: '#x=1' });
  });
  test('decodes as a URI component: a + stays a +, %2F becomes /', () => {
    expect(readFragment('#token=a+b%2Fc').token).toBe('a+b/c');
  });
  test('no token: an in-page anchor is left as it is', () => {
    expect(readFragment('#faults')).toEqual({ token: undefined, rest: '#faults' });
    expect(readFragment('')).toEqual({ token: undefined, rest: '' });
  });
  test('an empty token is no token, but is still removed from the address', () => {
    expect(readFragment('#token=')).toEqual({ token: undefined, rest: '' });
  });
});

describe('takeToken at start-up', () => {
  test('a token in the fragment is stored under surge-lab-console-token and the address bar is cleaned', () => {
    const storage = memoryStore({ [TOKEN_KEY]: 'old' });
    const replaced: string[] = [];
    const token = takeToken({ pathname: '/lab/', search: '', hash: '#token=fresh' }, new TokenStore(storage), (u) => replaced.push(u));
    expect(token).toBe('fresh');
    expect(storage.data.get(TOKEN_KEY)).toBe('fresh');
    expect(replaced).toEqual(['/lab/']);
  });
  test('without one in the fragment, the stored token is used and the address is left alone', () => {
    const replaced: string[] = [];
    const token = takeToken({ pathname: '/lab/', search: '?x=1', hash: '#charts' }, new TokenStore(memoryStore({ [TOKEN_KEY]: 'kept' })), (u) => replaced.push(u));
    expect(token).toBe('kept');
    expect(replaced).toEqual([]);
  });
  test('no token anywhere: undefined (the sign-in panel shows)', () => {
    expect(takeToken({ pathname: '/lab/', search: '', hash: '' }, new TokenStore(memoryStore()), () => {})).toBeUndefined();
  });
});

describe('TokenStore', () => {
  test('storage that throws (blocked) degrades to memory', () => {
    const throwing: KeyValueStore = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
      removeItem: () => {
        throw new Error('blocked');
      },
    };
    const s = new TokenStore(throwing);
    s.set('t1');
    expect(s.get()).toBe('t1');
    s.clear();
    expect(s.get()).toBeUndefined();
  });
  test('clear removes the stored token', () => {
    const storage = memoryStore({ [TOKEN_KEY]: 'x' });
    new TokenStore(storage).clear();
    expect(storage.data.has(TOKEN_KEY)).toBe(false);
  });
});

describe('tokenFromInput (the sign-in field)', () => {
  test('the token itself, trimmed', () => {
    expect(tokenFromInput('  abc  ')).toBe('abc');
  });
  test('the whole address npm run lab:console prints', () => {
    expect(tokenFromInput('http://localhost:8080/lab/#token=s3cr3t')).toBe('s3cr3t');
    expect(tokenFromInput('token=s3cr3t')).toBe('s3cr3t');
  });
  test('nothing typed: undefined', () => {
    expect(tokenFromInput('   ')).toBeUndefined();
  });
});
