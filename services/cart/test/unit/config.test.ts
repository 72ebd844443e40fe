// The service's config: defaults, and every problem named at once.

import { ConfigError } from '@surge-lab/kit';
import { describe, expect, test } from 'vitest';
import { loadCartConfig } from '../../src/config.ts';

describe('config', () => {
  test('defaults: 500 ms catalog timeout, 7-day idle expiry, 60 s sweep', () => {
    const c = loadCartConfig({ REDIS_URL: 'redis://redis:6379', CATALOG_URL: 'http://catalog:8080' });
    expect(c).toMatchObject({ PORT: 8080, CATALOG_TIMEOUT_MS: 500, CART_IDLE_DAYS: 7, SWEEP_INTERVAL_MS: 60_000 });
  });
  test('every problem is named at once', () => {
    try {
      loadCartConfig({ CATALOG_URL: 'not a url', SWEEP_INTERVAL_MS: '5' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      for (const name of ['REDIS_URL', 'CATALOG_URL', 'SWEEP_INTERVAL_MS']) expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });
});
