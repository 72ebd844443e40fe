// The lab at a glance: every container of the compose project with its health, the Patroni role
// of each database member, replica counts per service, and the state of every Toxiproxy link.
import { ps, type ContainerState } from '../../../infra/lab/compose.ts';
import { proxies } from '../../../chaos/faults/links.ts';

const GROUPS: Record<string, string[]> = {
  shop: ['catalog', 'cart', 'checkout', 'payment', 'fulfilment', 'edge'],
  data: ['pg-1', 'pg-2', 'pg-router', 'etcd', 'redis', 'kafka'],
  platform: ['toxiproxy', 'console'],
};
export const groupOf = (service: string) => Object.entries(GROUPS).find(([, s]) => s.includes(service))?.[0] ?? 'observability';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';
export const healthOf = (c: Pick<ContainerState, 'health'>): Health => (c.health === 'healthy' || c.health === 'unhealthy' || c.health === 'starting' ? c.health : 'none');

/** Roles by member name (leader, sync_standby, replica), from the first member whose Patroni answers. */
async function patroniRoles(members: string[]): Promise<Map<string, string>> {
  for (const m of members) {
    try {
      const r = await fetch(`http://${m}:8008/cluster`, { signal: AbortSignal.timeout(1_000) });
      const c = (await r.json()) as { members: { name: string; role: string }[] };
      return new Map(c.members.map((x) => [x.name, x.role]));
    } catch {
      // ask the next member
    }
  }
  return new Map();
}

export interface Desired { (service: string): number | undefined }

export async function topology(desired: Desired = () => undefined) {
  const [containers, links] = await Promise.all([ps({ all: true }), proxies().catch(() => [])]);
  const roles = await patroniRoles(containers.filter((c) => /^pg-\d+$/.test(c.service) && c.state === 'running').map((c) => c.service));
  const byService = new Map<string, ContainerState[]>();
  for (const c of containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const services = [...byService.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, cs]) => {
    const running = cs.filter((c) => c.state === 'running');
    const want = desired(name);
    return {
      name,
      group: groupOf(name),
      replicas: { running: running.length, healthy: running.filter((c) => c.health === 'healthy' || c.health === '').length, ...(want !== undefined ? { desired: want } : {}) },
      containers: cs.sort((a, b) => a.number - b.number).map((c) => ({
        name: c.name, number: c.number, state: c.state, health: healthOf(c), status: c.status,
        ...(c.state === 'running' && roles.get(c.service) ? { role: roles.get(c.service) } : {}),
      })),
    };
  });
  return {
    at: new Date().toISOString(),
    services,
    links: links.map((l) => ({ name: l.name, enabled: l.enabled, toxics: l.toxics.map((t) => ({ name: t.name, type: t.type, attributes: t.attributes })) })),
  };
}
