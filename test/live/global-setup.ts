// Brings the lab up once for every live suite (a no-op when it is already up).
import { upWait } from '../../infra/lab/compose.ts';
import { ensureConsoleToken } from '../../infra/lab/console-token.ts';

export default async function setup(): Promise<void> {
  ensureConsoleToken();
  const { seconds, skipped } = await upWait((line) => console.log(line));
  console.log(`[lab] docker compose up -d --wait returned after ${seconds.toFixed(1)} s${skipped.length ? `; not started (no image): ${skipped.join(', ')}` : ''}`);
}
