import { describe, expect, test } from 'vitest';
import { ConfigError, env, loadConfig } from '../../src/index.ts';

describe('loadConfig', () => {
  const shape = { PORT: env.port().default(8080), PG_RW_URL: env.url(), POOL: env.int(1, 10) };

  test('parses and defaults valid settings', () => {
    expect(loadConfig('svc', shape, { PG_RW_URL: 'postgres://x@h/db', POOL: '4' })).toEqual({ PORT: 8080, PG_RW_URL: 'postgres://x@h/db', POOL: 4 });
  });

  test('reports every problem at once, naming each variable', () => {
    const err = (() => {
      try {
        loadConfig('svc', shape, { PORT: '99999', POOL: 'many' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toHaveLength(3);
    expect(err.message).toMatch(/^svc: invalid configuration/);
    expect(err.message).toMatch(/PG_RW_URL is required/);
    expect(err.message).toMatch(/PORT="99999"/);
    expect(err.message).toMatch(/POOL="many"/);
  });
});
