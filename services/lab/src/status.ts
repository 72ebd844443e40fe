// The lab at a glance, for `npm run lab:status` and `lab:up`: each container's state, health,
// Patroni role and memory.
import type { Lab } from './lab.ts';

export interface ContainerReport {
  service: string;
  name: string;
  state: string;
  health: string;
  role: string;
  memBytes: number;
  memLimitBytes: number;
}

export async function labReport(lab: Lab): Promise<ContainerReport[]> {
  const containers = await lab.runtime.containers({ all: true });
  const running = containers.filter((c) => c.state === 'running');
  const [memory, cluster] = await Promise.all([
    lab.runtime.memory(running.map((c) => c.name)),
    running.some((c) => lab.patroni.members.includes(c.service)) ? lab.patroni.cluster() : Promise.resolve([]),
  ]);
  const members = new Map(cluster.map((m) => [m.name, m]));
  return containers.map((c) => {
    const m = c.state === 'running' ? members.get(c.service) : undefined;
    const st = memory.get(c.name);
    return { service: c.service, name: c.name, state: c.state, health: c.health || '-', role: m ? `${m.role} (${m.state})` : '', memBytes: st?.used ?? 0, memLimitBytes: st?.limit ?? 0 };
  });
}
