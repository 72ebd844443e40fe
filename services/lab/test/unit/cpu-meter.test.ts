// The lab CPU meter on fake cgroup and /proc trees: cgroup v1 (cpuacct, this machine) and v2
// (systemd and cgroupfs drivers, most hosts), the engine's processes counted, others not.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cgroupLayout, containerCpuNs, cpuBetween, engineCpuNs, sampleCpu } from '../../src/cpu-meter.ts';

const ID_A = `aaaa${'0'.repeat(60)}`;
const ID_B = `bbbb${'1'.repeat(60)}`;
const put = (file: string, text: string) => {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
};
const tree = () => mkdtempSync(join(tmpdir(), 'cpu-meter-'));
const proc = (root: string, pid: number, comm: string, utime: number, stime: number) =>
  put(join(root, String(pid), 'stat'), `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 12 0 100 0 0\n`);

describe('lab CPU meter', () => {
  test('cgroup v1: cpuacct.usage per container, found by an id prefix', () => {
    const root = tree();
    put(join(root, 'cpuacct', 'docker', ID_A, 'cpuacct.usage'), '1500000000\n');
    const layout = cgroupLayout(root);
    expect(layout.version).toBe(1);
    expect(containerCpuNs(layout, ID_A.slice(0, 12))).toBe(1_500_000_000);
    expect(containerCpuNs(layout, ID_B)).toBeUndefined();
  });

  test('cgroup v2: usage_usec of cpu.stat, systemd (docker-<id>.scope) and cgroupfs (docker/<id>) drivers', () => {
    const root = tree();
    put(join(root, 'cgroup.controllers'), 'cpu memory\n');
    put(join(root, 'system.slice', `docker-${ID_A}.scope`, 'cpu.stat'), 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n');
    put(join(root, 'docker', ID_B, 'cpu.stat'), 'usage_usec 7000\n');
    const layout = cgroupLayout(root);
    expect(layout.version).toBe(2);
    expect(containerCpuNs(layout, ID_A)).toBe(2_500_000);
    expect(containerCpuNs(layout, ID_B.slice(0, 12))).toBe(7_000_000);
  });

  test("the engine's processes count (dockerd, containerd, shims, docker-proxy), others and odd names do not", () => {
    const root = tree();
    proc(root, 10, 'dockerd', 300, 100);
    proc(root, 11, 'containerd', 50, 50);
    proc(root, 12, 'containerd-shim', 5, 5);
    proc(root, 13, 'docker-proxy', 20, 0);
    proc(root, 14, 'node', 9_999, 9_999);
    proc(root, 15, 'evil) dockerd (', 1_000, 1_000);
    put(join(root, 'self', 'stat'), 'not a pid dir');
    const cpu = engineCpuNs(root, 100);
    expect([...cpu.keys()].sort()).toEqual([10, 11, 12, 13]);
    expect(cpu.get(10)).toBe(4e9); // 400 ticks at 100 Hz
  });

  test('between two samples: containers and engine summed, per second of wall time; a new container counts from 0', () => {
    const root = tree();
    const sys = join(root, 'sys');
    const p = join(root, 'proc');
    put(join(sys, 'cpuacct', 'docker', ID_A, 'cpuacct.usage'), '1000000000');
    proc(p, 10, 'dockerd', 100, 0);
    put(join(p, 'stat'), 'cpu  1000 0 500 90000 100 0 0 0 0 0\ncpu0 500 0 250 45000 50 0 0 0 0 0\n');
    const before = sampleCpu([ID_A, ID_B], { cgroupRoot: sys, procRoot: p });
    put(join(sys, 'cpuacct', 'docker', ID_A, 'cpuacct.usage'), '1250000000');
    put(join(sys, 'cpuacct', 'docker', ID_B, 'cpuacct.usage'), '50000000');
    proc(p, 10, 'dockerd', 110, 0);
    put(join(p, 'stat'), 'cpu  1080 0 520 90100 999 5 5 10 0 0\n'); // busy: +80 user +20 system +5 irq +5 softirq +10 steal; iowait is not busy
    const after = { ...sampleCpu([ID_A, ID_B], { cgroupRoot: sys, procRoot: p }), at: before.at + 2_000 };
    const u = cpuBetween(before, after);
    expect(u.containersMs).toEqual({ [ID_A]: 250, [ID_B]: 50 });
    expect(u.engineMs).toBe(100);
    expect(u.totalMs).toBe(400);
    expect(u.msPerSecond).toBeCloseTo(200, 6); // `at` is a fractional clock: 2 s apart within float error
    expect(u.machineMsPerSecond).toBeCloseTo(600, 6); // 120 ticks = 1.2 s of the machine's busy time over 2 s
  });

  test('a host without container cgroups says so', () => {
    expect(() => cgroupLayout(tree())).toThrow(/no container cgroups/);
  });
});
