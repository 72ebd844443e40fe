// The lab at a glance: every container of the compose project with its health, the Patroni role
// of each database member, replica counts per service, and the state of every Toxiproxy link.
import { ALL_PATRONI_MEMBERS, type Container, groupOf, injectedToxics, isWanProxy, type Lab, regionOf } from '@surge-lab/lab';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';
export const healthOf = (c: Pick<Container, 'health'>): Health => (c.health === 'healthy' || c.health === 'unhealthy' || c.health === 'starting' ? c.health : 'none');

export type Desired = (service: string) => number | undefined;

/** `desired`: the autoscaler's counts, asked for while Docker and Toxiproxy are (absent when it does not answer). */
export async function topology(lab: Lab, desired: () => Promise<Desired> = async () => () => undefined) {
  const [containers, links, desiredOf] = await Promise.all([lab.runtime.containers({ all: true }), lab.toxiproxy.proxies().catch(() => []), desired().catch((): Desired => () => undefined)]);
  const roles = await lab.patroni.roles(containers.filter((c) => (ALL_PATRONI_MEMBERS as readonly string[]).includes(c.service) && c.state === 'running').map((c) => c.service));
  const byService = new Map<string, Container[]>();
  for (const c of containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const services = [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, cs]) => {
      const running = cs.filter((c) => c.state === 'running');
      const want = desiredOf(name);
      return {
        name,
        group: groupOf(name),
        region: regionOf(name),
        replicas: { running: running.length, healthy: running.filter((c) => c.health === 'healthy' || c.health === '').length, ...(want !== undefined ? { desired: want } : {}) },
        containers: cs
          .sort((a, b) => a.number - b.number)
          .map((c) => ({
            name: c.name,
            number: c.number,
            state: c.state,
            health: healthOf(c),
            status: c.status,
            ...(c.state === 'running' && roles.get(c.service) ? { role: roles.get(c.service) } : {}),
          })),
      };
    });
  return {
    at: new Date().toISOString(),
    services,
    // A WAN link's standing latency is the link itself, not an injected toxic.
    links: links.map((l) => ({ name: l.name, enabled: l.enabled, wan: isWanProxy(l.name), toxics: injectedToxics(l).map((t) => ({ name: t.name, type: t.type, attributes: t.attributes })) })),
  };
}
