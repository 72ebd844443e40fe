// The console's token: made here when `npm run lab:up` has not made it yet. The door that checks
// it (origin, token, refusals logged) is the kit's (doorGuard), shared with the autoscaler.
import { chmodSync, chownSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Logger, MIN_TOKEN_LENGTH } from '@surge-lab/kit';
import { readOrCreateToken } from '@surge-lab/lab';

/**
 * The token from the token file, or a new one written there (0600, owned like the directory, so
 * the user who made `.lab/` can read it). `npm run lab:up` writes the file before the lab starts.
 */
export function loadOrCreateToken(file: string, log: Logger): string {
  const { token, created } = readOrCreateToken(file);
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`${file}: the console token must be at least ${MIN_TOKEN_LENGTH} characters`);
  if (created) {
    chmodSync(file, 0o600);
    const owner = statSync(dirname(file));
    try {
      chownSync(file, owner.uid, owner.gid);
    } catch {
      /* not root: the file is ours already */
    }
    log.info({ file }, 'console token created (npm run lab:console prints the console address with it)');
  }
  return token;
}
