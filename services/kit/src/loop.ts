// A background job that runs every `intervalMs`: again at once while it finds work (it returns
// a count > 0), with doubling back-off while it fails, and a stop() that waits for the current run.
// With `idleMaxMs`, a run that finds nothing doubles the wait up to that bound (an idle lab's
// polling loops were most of its CPU), and wake() runs it at once when this process knows there
// is work (checkout wakes its outbox relay after it committed an order).
import { withoutDeadline } from './deadline.ts';
import type { Logger } from './log.ts';

export interface Loop {
  stop(): Promise<void>;
  /** Runs the job now if it is waiting (a run already under way is followed by another at once). */
  wake(): void;
}

export function startLoop(opts: { name: string; intervalMs: number; maxBackoffMs?: number; idleMaxMs?: number; logger: Logger; run: () => Promise<number | undefined> | Promise<void> }): Loop {
  const { name, intervalMs, logger, run } = opts;
  const maxBackoffMs = opts.maxBackoffMs ?? Math.max(intervalMs, 5_000);
  const idleMaxMs = Math.max(intervalMs, opts.idleMaxMs ?? intervalMs);
  let idleDelay = intervalMs;
  let running = false;
  let wokenWhileRunning = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let failures = 0;
  let lastError = '';
  let lastSaidAt = 0;
  const tick = () => {
    running = true;
    current = (async () => {
      let delay = intervalMs;
      try {
        const worked = await run();
        if (failures > 0) logger.info({ job: name, failures }, 'job recovered');
        failures = 0;
        if (typeof worked === 'number' && worked > 0) {
          delay = 0;
          idleDelay = intervalMs;
        } else {
          delay = idleDelay;
          idleDelay = Math.min(idleMaxMs, idleDelay * 2);
        }
      } catch (err) {
        // Said when it starts failing, when the reason changes (at most once a minute: a database
        // that is away fails with one of two messages in turn), and every 20th failure: a job that
        // keeps failing must not go quiet after its first line.
        const message = (err as Error).message;
        const now = Date.now();
        const say = failures === 0 || failures % 20 === 0 || (message !== lastError && now - lastSaidAt >= 60_000);
        if (say) {
          if (failures === 0) logger.warn({ job: name, err: message }, 'job failed; backing off');
          else logger.warn({ job: name, err: message, failures }, 'job still failing');
          lastSaidAt = now;
        }
        lastError = message;
        failures++;
        delay = Math.min(maxBackoffMs, intervalMs * 2 ** failures);
      }
      running = false;
      if (wokenWhileRunning && failures === 0) delay = 0;
      wokenWhileRunning = false;
      if (!stopped) {
        timer = setTimeout(tick, delay);
        timer.unref();
      }
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
    wake() {
      if (stopped) return;
      idleDelay = intervalMs;
      if (running) {
        wokenWhileRunning = true;
        return;
      }
      clearTimeout(timer);
      // Woken from a request: the job's runs must not carry that request's deadline.
      timer = withoutDeadline(() => setTimeout(tick, 0));
      timer.unref();
    },
  };
}
