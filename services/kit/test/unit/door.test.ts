// The door the console and the autoscaler share: where a request comes from, who is trusted,
// and the token read from its file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientAddress, createService, type Door, defaultGateways, doorGuard, fileToken, finishApp } from '../../src/index.ts';

describe('addresses', () => {
  it('reads the default gateway from /proc/net/route', () => {
    const table =
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n';
    expect(defaultGateways(table)).toEqual(['172.18.0.1']);
  });

  it('believes X-Real-IP only from the edge', async () => {
    const edge = { edgeAddresses: async () => ['172.18.0.9'] };
    expect(await clientAddress('::ffff:172.18.0.9', '172.18.0.1', edge)).toBe('172.18.0.1');
    expect(await clientAddress('172.18.0.4', '127.0.0.1', edge)).toBe('172.18.0.4');
  });
});

describe('the token file', () => {
  it('is re-read until it exists, and a token too short to be one is not taken', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'door-')), 'console-token');
    const read = fileToken(file, 0);
    expect(read()).toBeUndefined();
    writeFileSync(file, 'short\n');
    await new Promise((r) => setTimeout(r, 1_050));
    expect(read()).toBeUndefined();
    writeFileSync(file, 'a-token-long-enough-0123\n');
    await new Promise((r) => setTimeout(r, 1_050));
    expect(read()).toBe('a-token-long-enough-0123');
  });
});

describe('a door with a trusted container', () => {
  it('lets the trusted container in (the console, for the autoscaler), refuses another one with 403, and refuses every call while there is no token', async () => {
    let token: string | undefined;
    const refusals: string[] = [];
    const door: Door = {
      name: 'autoscaler',
      answers: 'this machine and the console only',
      hostAddresses: [],
      // The "edge" is loopback itself, so X-Real-IP stands for the calling container.
      edgeAddresses: async () => ['127.0.0.1'],
      trustedAddresses: async () => ['172.18.0.7'],
      token: () => token,
      log: {
        warn: (o: { reason: string }) => {
          refusals.push(o.reason);
        },
      } as unknown as Door['log'],
    };
    const svc = createService('door-test', { logLevel: 'silent', guards: [{ path: '/api', handler: doorGuard(() => door) }] });
    const app = svc.app();
    app.get('/api/x', (_req, res) => {
      res.json({ ok: true });
    });
    finishApp(app, svc.ctx);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/x`;
    const call = (from: string, auth = 'Bearer a-token-long-enough-0123') => fetch(url, { headers: { 'x-real-ip': from, authorization: auth } });
    try {
      expect((await call('172.18.0.7')).status).toBe(401);
      expect(refusals.at(-1)).toBe('no token file yet');
      token = 'a-token-long-enough-0123';
      expect((await call('172.18.0.7')).status).toBe(200);
      const other = await call('172.18.0.8');
      expect(other.status).toBe(403);
      expect((await other.json()).error.message).toMatch(/the autoscaler answers this machine and the console only \(request from 172\.18\.0\.8\)/);
      expect((await call('172.18.0.7', 'Bearer wrong-token-0123456789')).status).toBe(401);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
