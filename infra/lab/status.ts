// `npm run lab:status`: health, role and memory of every container of the lab.
import { docker, execIn, ps } from './compose.ts';
import { consoleApi } from './console-token.ts';

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 };

export function parseBytes(text: string): number {
  const m = /^([\d.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  if (!m) throw new Error(`unrecognised size ${JSON.stringify(text)}`);
  const unit = UNITS[m[2]!];
  if (unit === undefined) throw new Error(`unknown unit in ${JSON.stringify(text)}`);
  return Number(m[1]) * unit;
}

export interface MemberRole { role: string; state: string }

async function patroniRole(service: string): Promise<MemberRole | undefined> {
  try {
    const { stdout } = await execIn(service, ['curl', '-fs', '--max-time', '2', 'http://127.0.0.1:8008/patroni'], { timeoutMs: 10_000 });
    const p = JSON.parse(stdout) as { role: string; state: string; replication_state?: string };
    return { role: p.role, state: p.replication_state ?? p.state };
  } catch {
    return undefined;
  }
}

export interface ContainerReport { service: string; name: string; state: string; health: string; role: string; memBytes: number; memLimitBytes: number }

export async function labReport(): Promise<ContainerReport[]> {
  const containers = await ps({ all: true });
  const stats = new Map<string, { mem: number; limit: number }>();
  if (containers.some((c) => c.state === 'running')) {
    const { stdout } = await docker(['stats', '--no-stream', '--format', '{{json .}}', ...containers.filter((c) => c.state === 'running').map((c) => c.name)]);
    for (const line of stdout.trim().split('\n').filter(Boolean)) {
      const s = JSON.parse(line) as { Name: string; MemUsage: string };
      const [used, limit] = s.MemUsage.split('/').map((x) => parseBytes(x));
      stats.set(s.Name, { mem: used ?? 0, limit: limit ?? 0 });
    }
  }
  return Promise.all(
    containers.map(async (c) => {
      const member = c.service.match(/^pg-\d+$/) && c.state === 'running' ? await patroniRole(c.service) : undefined;
      const st = stats.get(c.name);
      return {
        service: c.service,
        name: c.name,
        state: c.state,
        health: c.health || '-',
        role: member ? `${member.role} (${member.state})` : '',
        memBytes: st?.mem ?? 0,
        memLimitBytes: st?.limit ?? 0,
      };
    }),
  );
}

interface ControllerState {
  autoscaling: boolean; recovery: boolean; lastTickAt: string | null; lastError: string | null;
  services: { service: string; configured: number; running: number; healthy: number; policy: { min: number; max: number }; metric: { name: string; perReplica: number | null; target: number }; decision: { desired: number; held: string | null; reason: string } | null; lastScaleOutAt: string | null; lastScaleInAt: string | null }[];
  schedule: { entry: string; service: string; minReplicas: number; replicasFrom: string; at: string; active: boolean }[];
  events: { at: string; kind: string; target: string; reason: string }[];
}

/** The controller's policy state, from the console (npm run lab:status prints it under the containers). */
export async function printController(): Promise<void> {
  let s: ControllerState;
  try {
    s = await consoleApi<ControllerState>('GET', '/scaling');
  } catch (err) {
    console.log(`\ncontroller: not reachable (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  console.log(`\ncontroller: autoscaling ${s.autoscaling ? 'on' : 'off (observing)'}, auto-recovery ${s.recovery ? 'on' : 'off'}; last evaluation ${s.lastTickAt ?? 'not yet'}${s.lastError ? `; last error: ${s.lastError}` : ''}`);
  console.table(s.services.map((v) => ({
    service: v.service, replicas: `${v.configured} (${v.healthy} healthy)`, 'min–max': `${v.policy.min}–${v.policy.max}`, desired: v.decision?.desired ?? '-',
    metric: `${v.metric.name} ${v.metric.perReplica === null ? 'no data' : v.metric.perReplica.toFixed(1)} / target ${v.metric.target}`,
    held: v.decision?.held ?? '', 'last out': v.lastScaleOutAt?.slice(11, 19) ?? '', 'last in': v.lastScaleInAt?.slice(11, 19) ?? '',
  })));
  for (const v of s.services) if (v.decision) console.log(`  ${v.decision.reason}`);
  for (const w of s.schedule) console.log(`  schedule: ${w.entry}: ${w.minReplicas} ${w.service} replicas from ${w.replicasFrom} (surge at ${w.at})${w.active ? ' — active now' : ''}`);
  for (const e of s.events.slice(0, 5)) console.log(`  ${e.at} ${e.kind} ${e.target}: ${e.reason}`);
}

const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = (await labReport()).sort((a, b) => a.name.localeCompare(b.name));
  if (rows.length === 0) {
    console.log('The lab is not running. Start it with: docker compose up -d --wait');
    process.exit(0);
  }
  const table = rows.map((r) => ({ container: r.name, state: r.state, health: r.health, role: r.role, memory: mib(r.memBytes), limit: mib(r.memLimitBytes) }));
  console.table(table);
  const total = rows.reduce((s, r) => s + r.memBytes, 0);
  console.log(`total memory in use: ${mib(total)} across ${rows.filter((r) => r.state === 'running').length} running containers`);
  await printController();
  process.exit(rows.every((r) => r.state === 'running' && (r.health === '-' || r.health === 'healthy')) ? 0 : 1);
}
