// The kit's Redis client against the lab's Redis image (testcontainers, random host port).

import { createLogger, createRedis } from '@surge-lab/kit';
import { type RunningRedis, startRedis, stopAll } from '@surge-lab/tests/integration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

let redis: RunningRedis | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => stopAll(redis));

describe('kit createRedis on a real Redis', () => {
  test('connects on the mapped port and round-trips a key', async () => {
    const client = createRedis({ url: redis!.url, commandTimeoutMs: 500, connectTimeoutMs: 2_000 }, createLogger('it', 'silent'));
    try {
      await new Promise((r) => client.once('ready', r));
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
    } finally {
      client.disconnect();
    }
  });
});
