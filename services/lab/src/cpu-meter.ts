// The lab's CPU time, as the kernel accounts it: every container's cgroup plus the engine's own
// processes (dockerd, containerd, the shims, docker-proxy), which run outside the containers but
// work for them (a host-published port goes through docker-proxy). Two samples give what the lab
// spent between them; divided by operations completed it is the lab CPU per operation that
// `npm run bench` reports, and with no load the idle rate.
//
// What no cgroup of a container and no long-lived engine process holds: runc, which the engine
// starts for every container start and every healthcheck (about 24 ms of CPU per exec on the 2-core
// machine). A shim reaps it, but a shim's children also include each healthcheck's command, which
// its container's cgroup already counts, so the meter cannot add runc without counting those
// twice. It reports the whole machine's busy time (/proc/stat) beside the lab's instead: with
// nothing else running, the difference is runc, the kernel's own threads and the meter.
//
// cgroup v1 (cpuacct) and v2 (unified: cpu.stat), with Docker's cgroupfs or systemd driver.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Processes of the engine, by the name the kernel gives them (/proc/<pid>/comm, 15 characters). */
const ENGINE_PROCESS = /^(dockerd|containerd|containerd-shim.*|docker-proxy)$/;

export interface CpuSample {
  /** When it was taken (ms, monotonic). */
  at: number;
  /** CPU time per container (ns), by the id asked for. */
  containers: Map<string, number>;
  /** CPU time of the engine's processes (ns), by pid. */
  engine: Map<number, number>;
  /** The machine's busy time (ns, every CPU, /proc/stat), when readable. */
  machineBusy?: number;
}

export interface CpuUsage {
  seconds: number;
  /** Everything: containers and engine (ms of CPU). */
  totalMs: number;
  engineMs: number;
  /** By container id. */
  containersMs: Record<string, number>;
  /** totalMs per second of wall time: 1000 is one core busy. */
  msPerSecond: number;
  /** The whole machine's busy time per second (lab, runc, kernel threads, anything else). */
  machineMsPerSecond?: number;
}

export interface CpuMeterOptions {
  /** For tests: where /sys/fs/cgroup and /proc are. */
  cgroupRoot?: string;
  procRoot?: string;
  /** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK: 100 on Linux). */
  clockTicks?: number;
}

export type CgroupLayout = { version: 1; dir: string } | { version: 2; dirs: string[] };

/** Where the containers' cgroups are on this host. */
export function cgroupLayout(root = '/sys/fs/cgroup'): CgroupLayout {
  if (existsSync(join(root, 'cpuacct', 'docker'))) return { version: 1, dir: join(root, 'cpuacct', 'docker') };
  if (existsSync(join(root, 'cpuacct,cpu', 'docker'))) return { version: 1, dir: join(root, 'cpuacct,cpu', 'docker') };
  if (existsSync(join(root, 'cgroup.controllers'))) return { version: 2, dirs: [join(root, 'system.slice'), join(root, 'docker')].filter((d) => existsSync(d)) };
  throw new Error(`no container cgroups found under ${root} (neither cgroup v1 cpuacct/docker nor cgroup v2)`);
}

function v2UsageNs(dir: string): number | undefined {
  const stat = join(dir, 'cpu.stat');
  if (!existsSync(stat)) return undefined;
  const m = /^usage_usec (\d+)$/m.exec(readFileSync(stat, 'utf8'));
  return m ? Number(m[1]) * 1_000 : undefined;
}

/** CPU time (ns) of one container, by its id or an unambiguous prefix of it; undefined when it has none (gone). */
export function containerCpuNs(layout: CgroupLayout, id: string): number | undefined {
  if (layout.version === 1) {
    const full = readdirSync(layout.dir).find((d) => d.startsWith(id));
    return full ? Number(readFileSync(join(layout.dir, full, 'cpuacct.usage'), 'utf8').trim()) : undefined;
  }
  for (const dir of layout.dirs) {
    // systemd driver: system.slice/docker-<id>.scope; cgroupfs driver: docker/<id>.
    const full = readdirSync(dir).find((d) => d.startsWith(`docker-${id}`) || (dir.endsWith('docker') && d.startsWith(id)));
    if (full) return v2UsageNs(join(dir, full));
  }
  return undefined;
}

/** Busy time (ns) of every CPU since boot: the first line of /proc/stat less idle and iowait. */
export function machineBusyNs(procRoot = '/proc', clockTicks = 100): number | undefined {
  try {
    const line = readFileSync(join(procRoot, 'stat'), 'utf8').split('\n', 1)[0] ?? '';
    if (!line.startsWith('cpu ')) return undefined;
    // cpu user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.slice(4).trim().split(/\s+/).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
    return Number.isFinite(ticks) ? (ticks * 1e9) / clockTicks : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (ns) of the engine's processes, by pid. */
export function engineCpuNs(procRoot = '/proc', clockTicks = 100): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join(procRoot, entry, 'stat'), 'utf8');
      // pid (comm) state ppid … utime stime: comm may hold spaces and parentheses, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      if (!ENGINE_PROCESS.test(comm)) continue;
      const fields = stat
        .slice(close + 2)
        .trim()
        .split(/\s+/);
      // After comm: state(0) ppid(1) … utime(11) stime(12).
      const ticks = Number(fields[11]) + Number(fields[12]);
      out.set(Number(entry), (ticks * 1e9) / clockTicks);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

export function sampleCpu(containerIds: readonly string[], o: CpuMeterOptions = {}): CpuSample {
  const layout = cgroupLayout(o.cgroupRoot);
  const containers = new Map<string, number>();
  for (const id of containerIds) {
    const ns = containerCpuNs(layout, id);
    if (ns !== undefined) containers.set(id, ns);
  }
  const machineBusy = machineBusyNs(o.procRoot, o.clockTicks);
  return { at: performance.now(), containers, engine: engineCpuNs(o.procRoot, o.clockTicks), ...(machineBusy !== undefined ? { machineBusy } : {}) };
}

/**
 * What was spent between two samples. A container or process in only one of them (started or
 * gone in between) counts from 0 or not at all: its time before the first sample is not the lab's
 * work in this window, and what a vanished one spent is lost with its cgroup.
 */
export function cpuBetween(before: CpuSample, after: CpuSample): CpuUsage {
  const delta = (a: Map<string | number, number>, b: Map<string | number, number>, k: string | number) => Math.max(0, (b.get(k) ?? 0) - (a.get(k) ?? 0));
  const containersMs: Record<string, number> = {};
  let total = 0;
  for (const id of after.containers.keys()) {
    const ms = delta(before.containers, after.containers, id) / 1e6;
    containersMs[id] = ms;
    total += ms;
  }
  let engineMs = 0;
  for (const pid of after.engine.keys()) engineMs += delta(before.engine, after.engine, pid) / 1e6;
  total += engineMs;
  const seconds = (after.at - before.at) / 1_000;
  const usage: CpuUsage = { seconds, totalMs: total, engineMs, containersMs, msPerSecond: seconds > 0 ? total / seconds : 0 };
  if (before.machineBusy !== undefined && after.machineBusy !== undefined && seconds > 0) usage.machineMsPerSecond = (after.machineBusy - before.machineBusy) / 1e6 / seconds;
  return usage;
}
