// Every family of the fault library, injected and reverted against the live lab: the fault is
// really in place while it lasts, and nothing of it is left after the revert.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject, targets } from '@surge-lab/chaos/faults';
import type { ProxyState } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { docker, faultCtx, lab, projectRoot, redisClient } from './lab.ts';

const ctx = faultCtx();
const inspect = async (name: string, format: string) => (await docker(['inspect', '--format', format, name])).stdout.trim();
const memBytes = async (name: string) => {
  const { stdout } = await docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', name]);
  const m = /^([\d.]+)(KiB|MiB|GiB)/.exec(stdout.trim())!;
  return Number(m[1]) * { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] as 'KiB']!;
};

describe('fault library against the live lab', () => {
  // Regression: the revert ran `docker update --cpus 0`, which Docker reads as "unchanged", so a
  // squeezed replica stayed squeezed after the experiment.
  test('cpu-squeeze sets the CPU limit of every replica and the revert lifts it (all host CPUs)', async () => {
    const names = (await targets(ctx, 'payment', 'all')).map((c) => c.name);
    const hostNano = String(Number((await docker(['info', '--format', '{{.NCPU}}'])).stdout.trim()) * 1e9);
    const fault = await inject(ctx, 'cpu-squeeze', { service: 'payment', pick: 'all', cpus: 0.5 });
    for (const n of names) expect(await inspect(n, '{{.HostConfig.NanoCpus}}')).toBe('500000000');
    await fault.revert();
    for (const n of names) expect(['0', hostNano]).toContain(await inspect(n, '{{.HostConfig.NanoCpus}}'));
    for (const n of names) expect(await inspect(n, '{{.HostConfig.NanoCpus}}')).not.toBe('500000000');
  });

  test('memory-hog holds the memory asked for inside the container and frees it on revert', async () => {
    const [c] = await targets(ctx, 'payment', 'one');
    const before = await memBytes(c!.name);
    const fault = await inject(ctx, 'memory-hog', { service: 'payment', pick: 'one', mb: 64 });
    await expect.poll(() => memBytes(c!.name), { timeout: 10_000, interval: 500 }).toBeGreaterThan(before + 50 * 1024 ** 2);
    await fault.revert();
    await expect.poll(() => memBytes(c!.name), { timeout: 10_000, interval: 500 }).toBeLessThan(before + 20 * 1024 ** 2);
  });

  test('container-pause freezes a replica (Redis stops answering) and the revert unpauses it', async () => {
    const [c] = await targets(ctx, 'redis', 'one');
    const fault = await inject(ctx, 'container-pause', { service: 'redis' });
    expect(await inspect(c!.name, '{{.State.Paused}}')).toBe('true');
    const r = redisClient();
    await expect(Promise.race([r.connect().then(() => r.ping()), new Promise((_, rej) => setTimeout(() => rej(new Error('no answer')), 1_500))])).rejects.toThrow();
    r.disconnect();
    await fault.revert();
    expect(await inspect(c!.name, '{{.State.Paused}}')).toBe('false');
    const again = redisClient();
    await again.connect();
    expect(await again.ping()).toBe('PONG');
    again.disconnect();
  });

  test('link faults: the toxic or the disabled link is there while it lasts, and gone after', async () => {
    for (const [name, args, check] of [
      ['link-bandwidth', { link: 'kafka', 'rate-kbps': 50 }, (p: ProxyState) => p.toxics.some((t) => t.type === 'bandwidth' && t.attributes.rate === 50)],
      ['link-reset-peer', { link: 'pg-ro', 'timeout-ms': 100 }, (p: ProxyState) => p.toxics.some((t) => t.type === 'reset_peer')],
      ['link-down', { link: 'payment' }, (p: ProxyState) => !p.enabled],
    ] as const) {
      const fault = await inject(ctx, name, args);
      const link = (await lab.toxiproxy.proxies()).find((p) => p.name === args.link)!;
      expect(check(link), name).toBe(true);
      await fault.revert();
      const after = (await lab.toxiproxy.proxies()).find((p) => p.name === args.link)!;
      expect({ enabled: after.enabled, toxics: after.toxics }, name).toEqual({ enabled: true, toxics: [] });
    }
  });

  test('chaos/bin/latency holds a toxic for --duration and removes it; an unknown argument is refused with exit 64 (usage), naming it', async () => {
    const run = promisify(execFile);
    const held = run(join('chaos', 'bin', 'latency'), ['redis', 'latency-ms=50', '--duration', '3'], { cwd: projectRoot });
    await expect.poll(async () => (await lab.toxiproxy.proxies()).find((p) => p.name === 'redis')!.toxics.length, { timeout: 10_000, interval: 200 }).toBe(1);
    const { stdout } = await held;
    expect(stdout).toMatch(/link-latency on redis: injected[\s\S]*3 s are up: reverting[\s\S]*reverted after 3\.\d s/);
    expect((await lab.toxiproxy.proxies()).find((p) => p.name === 'redis')!.toxics).toEqual([]);
    const bad = await run(join('chaos', 'bin', 'latency'), ['redis', 'latency=50'], { cwd: projectRoot }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 64, stderr: expect.stringMatching(/unknown argument\(s\) latency; link-latency takes link, latency-ms, jitter-ms/) });
  });
});
