import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { labAddress, labUrl, parseDotenv, parsePorts } from '../compose.ts';
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

describe('docker ps port column', () => {
  test('published ports, ranges expanded, unpublished ones left out', () => {
    expect(parsePorts('127.0.0.1:8474->8474/tcp, 127.0.0.1:15432-15433->15432-15433/tcp, 8475/tcp')).toEqual([
      { URL: '127.0.0.1', PublishedPort: 8474, TargetPort: 8474 },
      { URL: '127.0.0.1', PublishedPort: 15432, TargetPort: 15432 },
      { URL: '127.0.0.1', PublishedPort: 15433, TargetPort: 15433 },
    ]);
    expect(parsePorts('')).toEqual([]);
  });
});

describe('endpoints', () => {
  test('from the host a published 127.0.0.1 port; from inside the lab the service name', () => {
    const before = process.env.LAB_INSIDE;
    try {
      delete process.env.LAB_INSIDE;
      expect(labUrl('prometheus')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      process.env.LAB_INSIDE = '1';
      expect(labUrl('prometheus')).toBe('http://prometheus:9090');
      expect(labAddress('pg-rw')).toEqual({ host: 'toxiproxy', port: 15432 });
    } finally {
      if (before === undefined) delete process.env.LAB_INSIDE; else process.env.LAB_INSIDE = before;
    }
  });
});
