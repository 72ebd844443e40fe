// The lab console's token, kept in .lab/console-token (mode 0600) and mounted into the console.
// `npm run lab:up` makes it before the lab starts; `npm run lab:console` prints the console's address with it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, labEnv, labProject, projectRoot } from './compose.ts';

export const tokenFile = join(projectRoot, '.lab', 'console-token');

/** Creates the token when there is none (never replaces one: open consoles keep working). */
export function ensureConsoleToken(): void {
  if (existsSync(tokenFile)) return;
  mkdirSync(join(projectRoot, '.lab'), { recursive: true, mode: 0o700 });
  writeFileSync(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
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

export const consoleUrl = (token: string) => `http://localhost:${labEnv().EDGE_PORT ?? '8080'}/lab/#token=${token}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`lab console: ${consoleUrl(await consoleToken())}`);
}
