import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { endpoints } from '../../src/endpoints.ts';
import { PORT_VARS, portProblems } from '../../src/ports.ts';
import { parsePorts } from '../../src/runtime/docker-cli.ts';
import { readSettings } from '../../src/settings.ts';

let held: Server | undefined;
afterEach(() => held?.close());

const listen = () =>
  new Promise<number>((resolve) => {
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

describe('lab settings', () => {
  const root = mkdtempSync(join(tmpdir(), 'surge-settings-'));
  writeFileSync(join(root, '.env'), '# c\nCOMPOSE_PROJECT_NAME=from-file\nA=1\nB="two words"\n\nC=x=y\nEDGE_PORT=18080\n');

  test('.env read with its comments skipped and quotes stripped; the environment overrides it as Compose does', () => {
    const s = readSettings({ root, env: { A: 'from-env' } });
    expect([s.get('A'), s.get('B'), s.get('C')]).toEqual(['from-env', 'two words', 'x=y']);
  });

  test('the project is the one passed, else COMPOSE_PROJECT_NAME of the environment, else of .env', () => {
    expect(readSettings({ root, env: {}, project: 'given' }).project).toBe('given');
    expect(readSettings({ root, env: { COMPOSE_PROJECT_NAME: 'env-one' } }).project).toBe('env-one');
    expect(readSettings({ root, env: {} }).project).toBe('from-file');
  });

  test('a setting that must be a port and is not is named', () => {
    expect(() => readSettings({ root, env: { EDGE_PORT: 'eight' } }).port('EDGE_PORT')).toThrow('EDGE_PORT in .env must be a TCP port, got "eight"');
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
  test('from the host a published 127.0.0.1 port; from inside the lab the service name (data links through Toxiproxy)', () => {
    const outside = endpoints(readSettings({ env: {}, inside: false }));
    expect(outside.url('prometheus')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outside.address('pg-rw')).toEqual({ host: '127.0.0.1', port: 15432 });
    const inside = endpoints(readSettings({ env: {}, inside: true }));
    expect(inside.url('prometheus')).toBe('http://prometheus:9090');
    expect(inside.address('pg-rw')).toEqual({ host: 'toxiproxy', port: 15432 });
    expect(inside.kafkaBroker()).toBe('toxiproxy:19092');
    expect(outside.kafkaBroker()).toBe('127.0.0.1:29092');
  });
});
