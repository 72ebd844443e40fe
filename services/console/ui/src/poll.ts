// Polling that stops while the tab is hidden. One call at a time: the next one is scheduled when
// the last has settled, `intervalMs` later (an interval function lets a section poll fast while
// something runs and slowly otherwise). Coming back to the tab polls at once.

/** Whether the page is hidden, and a way to hear when that changes (document in the browser). */
export interface Visibility {
  hidden(): boolean;
  onChange(listener: () => void): () => void;
}

export const documentVisibility: Visibility = {
  hidden: () => document.visibilityState === 'hidden',
  onChange: (listener) => {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

export interface Poller {
  /** Poll now (after an action changed something), then go on at the interval. */
  now(): void;
  stop(): void;
}

export interface PollOptions {
  /** Milliseconds between the end of one call and the start of the next; 0 or less: wait for now(). */
  intervalMs: number | (() => number);
  visibility: Visibility;
  /** Stops the poller when aborted (the console signed out). */
  signal?: AbortSignal;
  /** Whether to call at once (default) or only after the first interval. */
  immediate?: boolean;
}

export function poll(task: () => Promise<void>, o: PollOptions): Poller {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;
  const interval = () => (typeof o.intervalMs === 'function' ? o.intervalMs() : o.intervalMs);

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const ms = interval();
    if (stopped || o.visibility.hidden() || !(ms > 0)) return;
    timer = setTimeout(run, ms);
  };

  const run = () => {
    timer = undefined;
    if (stopped || o.visibility.hidden()) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    // A task that throws is the task's business (sections show their own errors): keep polling.
    task()
      .catch(() => {})
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
          return;
        }
        schedule();
      });
  };

  const off = o.visibility.onChange(() => {
    if (o.visibility.hidden()) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    } else if (!running && timer === undefined) run();
  });

  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    off();
  };
  o.signal?.addEventListener('abort', stop, { once: true });
  if (o.signal?.aborted) stop();

  if (o.immediate === false) schedule();
  else run();
  return { now: run, stop };
}
