// How the topology reads: a container's state and health as one word (never colour alone),
// Patroni roles, replica counts, groups in a fixed order. Pure functions.
import type { ContainerInfo, LinkInfo, ServiceInfo, Toxic } from './types.ts';

/** The `data-health` browser tests look for: Docker's health, or down when not running. */
export type HealthMark = 'healthy' | 'unhealthy' | 'starting' | 'none' | 'down';
export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export interface ContainerStatus {
  mark: HealthMark;
  label: string;
  tone: Tone;
}

/**
 * A container's status. Running: its health check's word ("running" when it has none). Not
 * running: Docker's state ("exited", "paused", "restarting"…), marked down.
 */
export function containerStatus(c: Pick<ContainerInfo, 'state' | 'health'>): ContainerStatus {
  const state = (c.state || 'unknown').toLowerCase();
  if (state !== 'running') {
    return { mark: 'down', label: state, tone: state === 'paused' || state === 'restarting' || state === 'created' ? 'warn' : 'bad' };
  }
  switch (c.health) {
    case 'healthy':
      return { mark: 'healthy', label: 'healthy', tone: 'ok' };
    case 'unhealthy':
      return { mark: 'unhealthy', label: 'unhealthy', tone: 'bad' };
    case 'starting':
      return { mark: 'starting', label: 'starting', tone: 'warn' };
    default:
      return { mark: 'none', label: 'running', tone: 'idle' };
  }
}

/** Patroni's role in words: leader, sync standby, replica (underscores become spaces). */
export function roleLabel(role: string | undefined): string | undefined {
  if (!role) return undefined;
  if (role === 'master' || role === 'primary') return 'leader';
  return role.replace(/_/g, ' ');
}

/** "2/3 running · 2 healthy" or "3 running · 3 healthy" without a desired count. */
export function replicaText(r: ServiceInfo['replicas']): string {
  const running = r.desired !== undefined ? `${r.running}/${r.desired} running` : `${r.running} running`;
  return `${running} · ${r.healthy} healthy`;
}

/**
 * The service's overall tone: bad when nothing runs (or fewer than desired and none healthy),
 * warn when some replica is missing or not healthy, ok otherwise.
 */
export function serviceTone(s: ServiceInfo): Tone {
  const statuses = s.containers.map(containerStatus);
  const want = s.replicas.desired ?? s.containers.length;
  if (s.replicas.running === 0 && want > 0) return 'bad';
  if (s.replicas.running < want || statuses.some((x) => x.tone === 'bad' || x.tone === 'warn')) return 'warn';
  return 'ok';
}

export const GROUP_ORDER = ['shop', 'data', 'platform', 'observability'] as const;

export const GROUP_TITLES: Record<string, string> = { shop: 'Shop', data: 'Data', platform: 'Platform', observability: 'Observability' };

/** Services by group, groups in GROUP_ORDER (unknown groups after them), services by name. */
export function groupServices(services: readonly ServiceInfo[]): { group: string; title: string; services: ServiceInfo[] }[] {
  const byGroup = new Map<string, ServiceInfo[]>();
  for (const s of services) {
    const list = byGroup.get(s.group) ?? [];
    list.push(s);
    byGroup.set(s.group, list);
  }
  const order = [...GROUP_ORDER.filter((g) => byGroup.has(g)), ...[...byGroup.keys()].filter((g) => !(GROUP_ORDER as readonly string[]).includes(g)).sort()];
  return order.map((group) => ({
    group,
    title: GROUP_TITLES[group] ?? group,
    services: [...byGroup.get(group)!].sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

/** Containers by replica number. */
export const sortContainers = (cs: readonly ContainerInfo[]) => [...cs].sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));

/** A link's state in words: enabled, or cut (disabled in Toxiproxy: connections refused). */
export const linkState = (l: LinkInfo) => (l.enabled ? 'enabled' : 'cut');

/** A toxic in one line: "latency: latency 200, jitter 0". */
export function toxicText(t: Toxic): string {
  const attrs = Object.entries(t.attributes ?? {}).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  const head = t.name && t.name !== t.type ? `${t.type} (${t.name})` : t.type;
  return attrs.length ? `${head}: ${attrs.join(', ')}` : head;
}
