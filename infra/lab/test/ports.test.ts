import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { parseDotenv } from '../compose.ts';
import { PORT_VARS, portProblems } from '../ports.ts';

let held: Server | undefined;
afterEach(() => held?.close());

const listen = () => new Promise<number>((resolve) => {
  held = createServer().listen(0, '127.0.0.1', () => resolve((held!.address() as { port: number }).port));
});
const freeEnv = async () => Object.fromEntries(PORT_VARS.map((v, i) => [v, String(61_000 + i)]));

describe('lab:up port checks', () => {
  test('a port in use is named with its variable and the way out', async () => {
    const port = await listen();
    const env = { ...(await freeEnv()), EDGE_PORT: String(port) };
    expect(await portProblems(env, new Set())).toEqual([`port ${port} (EDGE_PORT) is already in use on 127.0.0.1: stop what uses it or set EDGE_PORT in .env`]);
  });

  test('a port the lab itself holds is fine', async () => {
    const port = await listen();
    expect(await portProblems({ ...(await freeEnv()), EDGE_PORT: String(port) }, new Set([port]))).toEqual([]);
  });

  test('a setting that is not a port is named', async () => {
    const problems = await portProblems({ ...(await freeEnv()), REDIS_PORT: 'redis', KAFKA_PORT: undefined }, new Set());
    expect(problems).toEqual(['REDIS_PORT must be a TCP port (1-65535), got "redis"', 'KAFKA_PORT must be a TCP port (1-65535), got ""']);
  });
});

describe('.env parsing', () => {
  test('reads KEY=VALUE lines, skips comments and strips quotes', () => {
    expect(parseDotenv('# c\nA=1\nB="two words"\n\nC=x=y\n')).toEqual({ A: '1', B: 'two words', C: 'x=y' });
  });
});
