// The lab console's token and API. The token lives in .lab/console-token (mode 0600), made by
// `npm run lab:up` before the lab starts or by the console itself; the host's tools read it
// there, or from the console's container when the file is root's.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComposeRuntime } from '../runtime/compose-runtime.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { jsonCall } from './http.ts';

/** Where the console's container keeps the token (the host's .lab/, mounted). */
export const CONSOLE_TOKEN_IN_CONTAINER = '/lab-state/console-token';

export const tokenFileOf = (root: string) => join(root, '.lab', 'console-token');

/** The token in `file`, or a new one written there (mode 0600). Never replaces one: open consoles keep working. */
export function readOrCreateToken(file: string): { token: string; created: boolean } {
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  try {
    // Exclusive: two makers at once (lab:up and the console) end with one token, not two.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { token: readFileSync(file, 'utf8').trim(), created: false };
    throw err;
  }
  return { token, created: true };
}

export interface ConsoleClientOptions {
  /** The API's base (…/lab/api). */
  base: string;
  token: () => Promise<string>;
}

/** A caller of the console's API with its token. */
export class ConsoleClient {
  private readonly o: ConsoleClientOptions;
  constructor(o: ConsoleClientOptions) {
    this.o = o;
  }
  get base(): string {
    return this.o.base;
  }
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return jsonCall<T>('console', `${this.o.base}${path}`, { method, body, headers: { authorization: `Bearer ${await this.o.token()}` }, timeoutMs: 30_000 });
  }
}

/** The token as the host reads it: from the file, or, when the file is root's, from the console's container. */
export async function hostConsoleToken(root: string, runtime: Runtime | ComposeRuntime): Promise<string> {
  try {
    return readFileSync(tokenFileOf(root), 'utf8').trim();
  } catch {
    const c = (await runtime.containers()).find((x) => x.service === 'console');
    if (!c) throw new Error('the console is not running and .lab/console-token cannot be read');
    return (await runtime.exec(c.name, ['cat', CONSOLE_TOKEN_IN_CONTAINER])).stdout.trim();
  }
}
