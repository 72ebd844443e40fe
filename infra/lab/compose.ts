// The lab as seen from the host (or, with LAB_INSIDE=1, from a container on the lab's network such
// as the console): its settings (.env), its compose project, its containers and its endpoints.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Parses a dotenv file: KEY=VALUE lines, # comments, optional quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

/** The lab's settings: .env, overridden by the process environment (as Compose does). Inside a container without .env, the environment alone. */
export function labEnv(): Record<string, string> {
  const path = join(projectRoot, '.env');
  if (!existsSync(path)) return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const file = parseDotenv(readFileSync(path, 'utf8'));
  const merged: Record<string, string> = { ...file };
  for (const key of Object.keys(file)) {
    const fromProcess = process.env[key];
    if (fromProcess !== undefined && fromProcess !== '') merged[key] = fromProcess;
  }
  return merged;
}

export function labPort(name: string): number {
  const value = labEnv()[name];
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`${name} in .env must be a TCP port, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** The compose project's name (what `docker compose` would use here). */
export const labProject = (): string => process.env.COMPOSE_PROJECT_NAME || labEnv().COMPOSE_PROJECT_NAME || 'surge-lab';

/** True inside a container on the lab's network (the console): endpoints are service names, not host ports. */
export const insideLab = (): boolean => process.env.LAB_INSIDE === '1';

// Each endpoint as the host sees it (a 127.0.0.1 port from .env) and as a container on the lab's
// network sees it. Data links go through Toxiproxy either way, as the shop's own traffic does.
const ENDPOINTS = {
  edge: { portVar: 'EDGE_PORT', host: 'edge', port: 8080 },
  prometheus: { portVar: 'PROMETHEUS_PORT', host: 'prometheus', port: 9090 },
  grafana: { portVar: 'GRAFANA_PORT', host: 'grafana', port: 3000 },
  toxiproxy: { portVar: 'TOXIPROXY_PORT', host: 'toxiproxy', port: 8474 },
  'pg-rw': { portVar: 'PG_RW_PORT', host: 'toxiproxy', port: 15432 },
  'pg-ro': { portVar: 'PG_RO_PORT', host: 'toxiproxy', port: 15433 },
  redis: { portVar: 'REDIS_PORT', host: 'toxiproxy', port: 16379 },
  kafka: { portVar: 'KAFKA_PORT', host: 'toxiproxy', port: 19092 },
} as const;
export type Endpoint = keyof typeof ENDPOINTS;

export function labAddress(name: Endpoint): { host: string; port: number } {
  const e = ENDPOINTS[name];
  return insideLab() ? { host: e.host, port: e.port } : { host: '127.0.0.1', port: labPort(e.portVar) };
}
export const labUrl = (name: Endpoint): string => { const a = labAddress(name); return `http://${a.host}:${a.port}`; };

export interface ExecResult { stdout: string; stderr: string }

export async function docker(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  try {
    const { stdout, stderr } = await run('docker', args, {
      cwd: projectRoot,
      timeout: opts.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
      env: opts.env ?? process.env,
    });
    return { stdout, stderr };
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string; code?: number };
    const detail = (e.stderr || e.stdout || e.message).trim();
    throw Object.assign(new Error(`docker ${args.join(' ')} failed: ${detail}`), { stderr: e.stderr ?? '', code: e.code });
  }
}

export function compose(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return docker(['compose', ...args], opts);
}

export interface ContainerState {
  service: string;
  name: string;
  id: string;
  /** Docker's state: running, exited, paused, restarting, created, dead. */
  state: string;
  /** Docker's status line, e.g. "Up 3 minutes (healthy)". */
  status: string;
  /** healthy, unhealthy, starting, or "" without a healthcheck. */
  health: string;
  /** The replica number compose gave it (catalog-2 → 2). */
  number: number;
  publishers: { URL: string; TargetPort: number; PublishedPort: number }[];
}

const HEALTH = /\((healthy|unhealthy|health: starting)\)/;

/** "127.0.0.1:8080->8080/tcp, 127.0.0.1:15432-15433->15432-15433/tcp, 9090/tcp" → the published ones. */
export function parsePorts(ports: string): ContainerState['publishers'] {
  return ports.split(', ').flatMap((p) => {
    const m = /^(.*):(\d+)(?:-(\d+))?->(\d+)(?:-\d+)?\/\w+$/.exec(p.trim());
    if (!m) return [];
    const first = Number(m[2]);
    const count = m[3] ? Number(m[3]) - first + 1 : 1;
    return Array.from({ length: count }, (_, i) => ({ URL: m[1]!, PublishedPort: first + i, TargetPort: Number(m[4]) + i }));
  });
}

/**
 * Containers of the project (running or not; one-off `compose run` containers left out), from
 * the compose labels, the way `docker compose ps` finds them. Plain `docker ps`, so it works
 * where there is no compose file (inside the console).
 */
export async function ps(opts: { all?: boolean } = {}): Promise<ContainerState[]> {
  const fields = ['{{.ID}}', '{{.Names}}', '{{.State}}', '{{.Status}}', '{{.Label "com.docker.compose.service"}}', '{{.Label "com.docker.compose.container-number"}}', '{{.Ports}}'];
  const { stdout } = await docker(['ps', ...(opts.all ? ['--all'] : []), '--no-trunc', '--filter', `label=com.docker.compose.project=${labProject()}`, '--filter', 'label=com.docker.compose.oneoff=False', '--format', fields.join('\t')]);
  return stdout.split('\n').filter(Boolean).map((line) => {
    const [id, name, state, status, service, number, ports] = line.split('\t');
    const health = HEALTH.exec(status ?? '')?.[1]?.replace('health: ', '') ?? '';
    return { id: id!, name: name!, state: state!, status: status!, health, service: service!, number: Number(number), publishers: parsePorts(ports ?? '') };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs a command in the first running container of `service` (as `docker compose exec -T` does). */
export async function execIn(service: string, command: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  const c = (await ps()).find((x) => x.service === service && x.state === 'running');
  if (!c) throw new Error(`no running container of service "${service}"`);
  return docker(['exec', c.name, ...command], { timeoutMs: opts.timeoutMs ?? 60_000 });
}

export async function serviceNames(): Promise<string[]> {
  const { stdout } = await compose(['config', '--services']);
  return stdout.split('\n').map((s) => s.trim()).filter(Boolean).sort();
}

/** Services whose image can be neither built nor found locally nor pulled (e.g. Grafana where no registry is reachable). */
export async function unavailableImages(): Promise<string[]> {
  const { stdout } = await compose(['config', '--format', 'json']);
  const config = JSON.parse(stdout) as { services: Record<string, { image?: string; build?: unknown }> };
  const missing: string[] = [];
  for (const [name, svc] of Object.entries(config.services)) {
    if (svc.build || !svc.image) continue;
    const present = await docker(['image', 'inspect', svc.image]).then(() => true, () => false);
    if (present) continue;
    const pulled = await compose(['pull', '--quiet', name], { timeoutMs: 300_000 }).then(() => true, () => false);
    if (!pulled) missing.push(name);
  }
  return missing;
}

/** `docker compose up -d --wait`, leaving out services whose image cannot be had. Returns the seconds it took. */
export async function upWait(log: (line: string) => void = () => {}): Promise<{ seconds: number; skipped: string[] }> {
  const skipped = await unavailableImages();
  const services = (await serviceNames()).filter((s) => !skipped.includes(s));
  if (skipped.length) log(`[lab] image not available, not started: ${skipped.join(', ')}`);
  const started = Date.now();
  await compose(['up', '-d', '--wait', '--wait-timeout', '600', ...(skipped.length ? services : [])], { timeoutMs: 900_000 });
  return { seconds: (Date.now() - started) / 1000, skipped };
}
