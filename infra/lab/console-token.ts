// The lab console's token, kept in .lab/console-token (mode 0600) and mounted into the console.
// `npm run lab:up` makes it before the lab starts; `npm run lab:console` prints the console's address with it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { docker, insideLab, labEnv, labProject, labUrl, projectRoot } from './compose.ts';

export const tokenFile = join(projectRoot, '.lab', 'console-token');

/** The token in `file`, or a new one written there (mode 0600). Never replaces one: open consoles keep working. */
export function readOrCreateToken(file: string): { token: string; created: boolean } {
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}

/** The host's token file, made before the lab starts (so it belongs to the user, not to the console's root). */
export function ensureConsoleToken(): void {
  readOrCreateToken(tokenFile);
}

/** The token: from the file, or, when the file is root's (a plain `docker compose up` made it), from the console container. */
export async function consoleToken(): Promise<string> {
  try {
    return readFileSync(tokenFile, 'utf8').trim();
  } catch {
    const { stdout } = await docker(['exec', `${labProject()}-console-1`, 'cat', '/lab-state/console-token']);
    return stdout.trim();
  }
}

/**
 * A call to the console's API: from the host through the edge, from inside the console itself on
 * loopback (the edge would name the console as the client, which is not this machine).
 */
export async function consoleApi<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const inside = insideLab();
  const token = inside ? readFileSync(process.env.CONSOLE_TOKEN_FILE ?? '/lab-state/console-token', 'utf8').trim() : await consoleToken();
  const base = inside ? 'http://127.0.0.1:8080' : labUrl('edge');
  const r = await fetch(`${base}/lab/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`console ${method} ${path}: ${r.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const consoleUrl = (token: string) => `http://localhost:${labEnv().EDGE_PORT ?? '8080'}/lab/#token=${token}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`lab console: ${consoleUrl(await consoleToken())}`);
}
