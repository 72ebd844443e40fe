// Background loops: an idle job polls less and less often (up to its idle bound), a job that
// finds work runs again at once, and wake() runs a waiting job now.
import { describe, expect, test } from 'vitest';
import { createLogger, remainingMs, startLoop, withDeadline } from '../../src/index.ts';

const logger = createLogger('loop-test', 'silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startLoop', () => {
  test('idle runs back off up to idleMaxMs; without it they keep the interval', async () => {
    let idleRuns = 0;
    let steadyRuns = 0;
    const idle = startLoop({ name: 'idle', intervalMs: 10, idleMaxMs: 80, logger, run: async () => void idleRuns++ });
    const steady = startLoop({ name: 'steady', intervalMs: 10, logger, run: async () => void steadyRuns++ });
    await sleep(400);
    await Promise.all([idle.stop(), steady.stop()]);
    // 10, 10, 20, 40, 80, 80, 80 … ms apart: about 7 runs in 400 ms against about 30.
    expect(idleRuns).toBeLessThanOrEqual(9);
    expect(idleRuns).toBeGreaterThanOrEqual(4);
    expect(steadyRuns).toBeGreaterThan(idleRuns * 2);
  });

  test('wake() runs a job that waits its idle bound at once, and resets the back-off', async () => {
    const runs: number[] = [];
    const loop = startLoop({ name: 'woken', intervalMs: 10, idleMaxMs: 10_000, logger, run: async () => void runs.push(Date.now()) });
    await sleep(300); // by now it waits hundreds of milliseconds between runs
    const before = runs.length;
    const woke = Date.now();
    loop.wake();
    await sleep(30);
    await loop.stop();
    expect(runs.length).toBeGreaterThan(before);
    expect(runs.at(-1)! - woke).toBeLessThan(30);
  });

  test('a job woken from inside a request does not inherit its deadline', async () => {
    const seen: (number | undefined)[] = [];
    const loop = startLoop({ name: 'outside', intervalMs: 10_000, logger, run: async () => void seen.push(remainingMs()) });
    withDeadline(Date.now() + 50, () => loop.wake());
    await sleep(30);
    await loop.stop();
    expect(seen).toEqual([undefined]);
  });

  test('a run that found work is followed by another at once', async () => {
    let left = 5;
    let runs = 0;
    const loop = startLoop({
      name: 'busy',
      intervalMs: 1_000,
      logger,
      run: async () => {
        runs++;
        return left > 0 ? left-- : 0;
      },
    });
    loop.wake();
    await sleep(100);
    await loop.stop();
    expect(runs).toBe(6); // five with work back to back, then one that found none
  });
});
