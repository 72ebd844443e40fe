// `npm run lab:status`: health, role and memory of every container of the lab.
import { docker, execIn, ps } from './compose.ts';

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
  process.exit(rows.every((r) => r.state === 'running' && (r.health === '-' || r.health === 'healthy')) ? 0 : 1);
}
