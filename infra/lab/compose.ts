// The lab as seen from the host: its settings (.env), its compose project, its containers.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** The lab's settings: .env, overridden by the process environment (as Compose does). */
export function labEnv(): Record<string, string> {
  const file = parseDotenv(readFileSync(join(projectRoot, '.env'), 'utf8'));
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
  state: string;
  health: string;
  publishers: { URL: string; TargetPort: number; PublishedPort: number }[];
}

/** Containers of the project (running or not), from `docker compose ps --format json`. */
export async function ps(opts: { all?: boolean } = {}): Promise<ContainerState[]> {
  const { stdout } = await compose(['ps', '--format', 'json', ...(opts.all ? ['--all'] : [])]);
  const text = stdout.trim();
  if (!text) return [];
  // Compose prints one JSON object per line (2.21+) or one array (older).
  const rows: Record<string, unknown>[] = text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l));
  return rows.map((r) => ({
    service: String(r.Service),
    name: String(r.Name),
    id: String(r.ID),
    state: String(r.State),
    health: String(r.Health ?? ''),
    publishers: (r.Publishers as ContainerState['publishers']) ?? [],
  }));
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
