// The lab's settings: `.env` (parsed by node:util's parseEnv), overridden by the process
// environment as Compose does. Inside a container without `.env`, the environment alone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

/** The repository's root (this file is services/lab/src/settings.ts). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export class LabSettingsError extends Error {
  override readonly name = 'LabSettingsError';
}

export interface LabSettings {
  readonly root: string;
  /** The compose project: always passed on explicitly, never read back from a global. */
  readonly project: string;
  /** True inside a container on the lab's network: endpoints are service names, not host ports. */
  readonly inside: boolean;
  readonly values: Readonly<Record<string, string>>;
  get(name: string): string | undefined;
  /** A setting that must be a TCP port. */
  port(name: string): number;
}

export interface SettingsOptions {
  root?: string;
  /** The compose project; defaults to COMPOSE_PROJECT_NAME of the environment, then of `.env`. */
  project?: string;
  inside?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function readSettings(o: SettingsOptions = {}): LabSettings {
  const root = o.root ?? repoRoot;
  const env = o.env ?? process.env;
  const path = join(root, '.env');
  const values: Record<string, string> = {};
  if (existsSync(path)) {
    const file = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(file)) values[key] = env[key] || value;
  } else {
    for (const [key, value] of Object.entries(env)) if (value !== undefined) values[key] = value;
  }
  const project = o.project ?? (env.COMPOSE_PROJECT_NAME || values.COMPOSE_PROJECT_NAME || 'surge-lab');
  return {
    root,
    project,
    inside: o.inside ?? env.LAB_INSIDE === '1',
    values,
    get: (name) => values[name],
    port(name) {
      const value = values[name];
      const port = Number(value);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new LabSettingsError(`${name} in .env must be a TCP port, got ${JSON.stringify(value)}`);
      return port;
    },
  };
}
