// Latency budgets. The edge stamps every shop request with the time it arrived (X-Request-Start,
// nginx's $msec) and the budget of its route (X-Request-Budget-Ms); a request's deadline is the
// sum. Every remote call spends what is left of it (the guard's timeout is the smaller of its
// cap and the time remaining) and passes the rest on, so a slow dependency can use the whole
// budget instead of a fixed per-call timeout, and nobody works for a client that gave up.
//
// An absolute start, not a budget counted down per hop: when the edge's balancer resends a
// request to another replica, the second replica sees the same start and so the same deadline.
// The containers share one clock (one kernel); across machines this needs NTP (milliseconds).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { AppError } from './errors.ts';

export const START_HEADER = 'x-request-start';
export const BUDGET_HEADER = 'x-request-budget-ms';
/** The largest budget a request may carry (the edge gives 3-8 s). */
export const MAX_BUDGET_MS = 120_000;
/** Below this a call is not worth starting: the answer would come after the deadline. */
export const MIN_CALL_MS = 5;

const current = new AsyncLocalStorage<{ deadline: number }>();

export class DeadlineError extends AppError {
  constructor(what: string) {
    super({ code: 'DEADLINE_EXCEEDED', message: `the request's time budget ran out ${what}; retry shortly`, retryAfter: 1 });
  }
}

/** Milliseconds left until the current request's deadline; undefined outside a request that has one. */
export function remainingMs(now = Date.now()): number | undefined {
  const c = current.getStore();
  return c ? c.deadline - now : undefined;
}

/** Runs `fn` with a deadline (tests, jobs that call what requests call). */
export function withDeadline<T>(deadline: number, fn: () => T): T {
  return current.run({ deadline }, fn);
}

/**
 * Runs `fn` outside any request's deadline: background work a request sets off (a job it wakes)
 * would otherwise inherit its budget, and every later run of it the same spent deadline.
 */
export function withoutDeadline<T>(fn: () => T): T {
  return current.exit(fn);
}

/** The headers that carry the rest of the budget to a downstream call (none without a deadline). */
export function budgetHeaders(now = Date.now()): Record<string, string> {
  const left = remainingMs(now);
  if (left === undefined) return {};
  return { [START_HEADER]: (now / 1000).toFixed(3), [BUDGET_HEADER]: String(Math.max(0, Math.floor(left))) };
}

/**
 * A call's timeout: its cap, or less when the budget has less left. `limited` says the budget
 * decided (a timeout then means the deadline is gone, not that the dependency is slow).
 * Throws DeadlineError when too little is left to start.
 */
export function callTimeout(capMs: number, what: string): { timeoutMs: number; limited: boolean } {
  const left = remainingMs();
  if (left === undefined || left >= capMs) return { timeoutMs: capMs, limited: false };
  if (left < MIN_CALL_MS) throw new DeadlineError(`before calling ${what}`);
  return { timeoutMs: Math.floor(left), limited: true };
}

/** `X-Request-Start: 1764589200.123` (seconds, as nginx's $msec), or "t=<microseconds>" as some proxies write it. */
function parseStart(raw: string): number | undefined {
  const m = /^(?:t=)?(\d{1,16})(?:\.(\d{1,6}))?$/.exec(raw.trim());
  if (!m) return undefined;
  if (raw.trim().startsWith('t=')) return Number(m[1]) / 1000;
  return Number(`${m[1]}.${m[2] ?? '0'}`) * 1000;
}

/** Reads the budget headers into the request's context; refuses malformed ones, and answers at once when the deadline already passed. */
export function requestDeadline(): RequestHandler {
  return (req, _res, next) => {
    const budgetRaw = req.get(BUDGET_HEADER);
    if (budgetRaw === undefined) return next();
    const budget = /^\d{1,6}$/.test(budgetRaw.trim()) ? Number(budgetRaw) : Number.NaN;
    if (!(budget >= 0 && budget <= MAX_BUDGET_MS)) {
      return next(new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `${BUDGET_HEADER} must be a whole number of milliseconds from 0 to ${MAX_BUDGET_MS}` }));
    }
    const startRaw = req.get(START_HEADER);
    const start = startRaw === undefined ? Date.now() : parseStart(startRaw);
    if (start === undefined) {
      return next(new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `${START_HEADER} must be the time the request started, in seconds since the epoch (e.g. 1764589200.123)` }));
    }
    const deadline = start + budget;
    if (deadline - Date.now() < MIN_CALL_MS) return next(new DeadlineError('before the request reached this service'));
    current.run({ deadline }, next);
  };
}
