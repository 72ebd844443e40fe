// A background job that runs every `intervalMs`: again at once while it finds work (it returns
// a count > 0), with doubling back-off while it fails, and a stop() that waits for the current run.
import type { Logger } from './log.ts';

export interface Loop { stop(): Promise<void> }

export function startLoop(opts: { name: string; intervalMs: number; maxBackoffMs?: number; logger: Logger; run: () => Promise<number | undefined> | Promise<void> }): Loop {
  const { name, intervalMs, logger, run } = opts;
  const maxBackoffMs = opts.maxBackoffMs ?? Math.max(intervalMs, 5_000);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let failures = 0;
  const tick = () => {
    current = (async () => {
      let delay = intervalMs;
      try {
        const worked = await run();
        if (failures > 0) logger.info({ job: name, failures }, 'job recovered');
        failures = 0;
        if (typeof worked === 'number' && worked > 0) delay = 0;
      } catch (err) {
        if (failures === 0) logger.warn({ job: name, err: (err as Error).message }, 'job failed; backing off');
        failures++;
        delay = Math.min(maxBackoffMs, intervalMs * 2 ** failures);
      }
      if (!stopped) { timer = setTimeout(tick, delay); timer.unref(); }
    })();
  };
  timer = setTimeout(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
