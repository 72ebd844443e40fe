// The docker CLI, run as a child process with a deadline; a failure names the command and
// what the CLI said.
import { execFile, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { ExecResult, Streaming } from './runtime.ts';

const run = promisify(execFile);

export class DockerCliError extends Error {
  override readonly name = 'DockerCliError';
  readonly stderr: string;
  readonly code: number | string | undefined;
  constructor(message: string, stderr: string, code: number | string | undefined) {
    super(message);
    this.stderr = stderr;
    this.code = code;
  }
}

export interface DockerOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function docker(args: string[], o: DockerOptions = {}): Promise<ExecResult> {
  try {
    const { stdout, stderr } = await run('docker', args, { cwd: o.cwd, timeout: o.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024, env: o.env ?? process.env });
    return { stdout, stderr };
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string; code?: number | string };
    const detail = (e.stderr || e.stdout || e.message).trim();
    throw new DockerCliError(`docker ${args.join(' ')} failed: ${detail}`, e.stderr ?? '', e.code);
  }
}

/**
 * The docker CLI left running, each line of its output handed to `onLine`. `stop()` closes its
 * stdin (for `exec -i`, the command's), then kills the CLI if it has not ended within 2 s.
 */
export function dockerStream(args: string[], onLine: (line: string) => void): Streaming {
  const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'ignore'] });
  createInterface({ input: child.stdout }).on('line', onLine);
  const ended = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  child.stdin.on('error', () => {}); // a CLI that already ended closed it first
  return {
    ended,
    async stop() {
      child.stdin.end();
      const killed = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await ended;
      clearTimeout(killed);
    },
  };
}

const HEALTH = /\((healthy|unhealthy|health: starting)\)/;

/** "127.0.0.1:8080->8080/tcp, 127.0.0.1:15432-15433->15432-15433/tcp, 9090/tcp" → the published ones. */
export function parsePorts(ports: string): { URL: string; TargetPort: number; PublishedPort: number }[] {
  return ports.split(', ').flatMap((p) => {
    const m = /^(.*):(\d+)(?:-(\d+))?->(\d+)(?:-\d+)?\/\w+$/.exec(p.trim());
    if (!m) return [];
    const first = Number(m[2]);
    const count = m[3] ? Number(m[3]) - first + 1 : 1;
    return Array.from({ length: count }, (_, i) => ({ URL: m[1]!, PublishedPort: first + i, TargetPort: Number(m[4]) + i }));
  });
}

/** The health word inside a status line ("Up 3 minutes (healthy)" → healthy). */
export const healthOfStatus = (status: string): string => HEALTH.exec(status)?.[1]?.replace('health: ', '') ?? '';

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 };

/** "12.5MiB" → bytes (as `docker stats` prints them). */
export function parseBytes(text: string): number {
  const m = /^([\d.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  if (!m) throw new Error(`unrecognised size ${JSON.stringify(text)}`);
  const unit = UNITS[m[2]!];
  if (unit === undefined) throw new Error(`unknown unit in ${JSON.stringify(text)}`);
  return Number(m[1]) * unit;
}

/** The compose project of a container (this one by default: its hostname), as its label says; undefined when it has none. */
export async function projectOf(container = hostname()): Promise<string | undefined> {
  const { stdout } = await docker(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project"}}', container]);
  return stdout.trim() || undefined;
}
