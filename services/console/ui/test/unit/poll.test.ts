import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { poll, type Visibility } from '../../src/poll.ts';

function fakeVisibility(): Visibility & { set(hidden: boolean): void } {
  let hidden = false;
  const listeners = new Set<() => void>();
  return {
    hidden: () => hidden,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(h) {
      hidden = h;
      for (const l of listeners) l();
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('poll', () => {
  test('calls at once, then every interval after the last call settled', async () => {
    const task = vi.fn(async () => {});
    const p = poll(task, { intervalMs: 2000, visibility: fakeVisibility() });
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(task).toHaveBeenCalledTimes(4);
    p.stop();
  });

  test('pauses while the tab is hidden and polls at once when it is visible again', async () => {
    const v = fakeVisibility();
    const task = vi.fn(async () => {});
    const p = poll(task, { intervalMs: 2000, visibility: v });
    await vi.advanceTimersByTimeAsync(0);
    v.set(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(1);
    v.set(false);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(task).toHaveBeenCalledTimes(3);
    p.stop();
  });

  test('hidden while a call is out: when it settles, nothing more is scheduled', async () => {
    const v = fakeVisibility();
    const task = vi.fn(() => new Promise<void>((r) => setTimeout(r, 500)));
    const p = poll(task, { intervalMs: 2000, visibility: v });
    v.set(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(1);
    p.now(); // an action while hidden does not call either
    expect(task).toHaveBeenCalledTimes(1);
    p.stop();
  });

  test('never two calls at once: a slow answer delays the next call; now() during one runs right after it', async () => {
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const task = async () => {
      calls++;
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5000));
      inFlight--;
    };
    const p = poll(task, { intervalMs: 2000, visibility: fakeVisibility() });
    p.now();
    p.now();
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(2); // the now() asked during the first call
    await vi.advanceTimersByTimeAsync(5000 + 2000);
    expect(calls).toBe(3);
    expect(most).toBe(1);
    p.stop();
  });

  test('a failing call does not stop the polling (the section shows the error; the next call retries)', async () => {
    const task = vi.fn(async () => {
      throw new Error('unreachable');
    });
    const p = poll(task, { intervalMs: 1000, visibility: fakeVisibility() });
    await vi.advanceTimersByTimeAsync(3000);
    expect(task).toHaveBeenCalledTimes(4);
    p.stop();
  });

  test('an interval function: fast while something runs, waiting for now() otherwise', async () => {
    let running = true;
    const task = vi.fn(async () => {});
    const p = poll(task, { intervalMs: () => (running ? 2000 : 0), visibility: fakeVisibility() });
    await vi.advanceTimersByTimeAsync(2000);
    expect(task).toHaveBeenCalledTimes(2);
    running = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(task).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(3);
    p.now();
    expect(task).toHaveBeenCalledTimes(4);
    p.stop();
  });

  test('stops when its signal aborts (signed out), and after stop() nothing runs', async () => {
    const ac = new AbortController();
    const v = fakeVisibility();
    const task = vi.fn(async () => {});
    const p = poll(task, { intervalMs: 1000, visibility: v, signal: ac.signal });
    ac.abort();
    await vi.advanceTimersByTimeAsync(10_000);
    v.set(true);
    v.set(false);
    p.now();
    expect(task).toHaveBeenCalledTimes(1);
  });

  test('immediate: false waits one interval first', async () => {
    const task = vi.fn(async () => {});
    const p = poll(task, { intervalMs: 1000, visibility: fakeVisibility(), immediate: false });
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(1);
    p.stop();
  });
});
