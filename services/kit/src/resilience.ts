// Every remote call goes through a guard: a per-call timeout that aborts the underlying work
// (its cap, or what is left of the request's budget when that is less: deadline.ts), jittered
// retries only for idempotent calls and only while budget remains, an opossum circuit breaker,
// a bulkhead (opossum capacity) and an optional fallback - all visible as metrics, breaker
// state as a gauge.
import CircuitBreaker from 'opossum';
import { callTimeout, DeadlineError, MIN_CALL_MS, remainingMs } from './deadline.ts';
import { AppError, DependencyError } from './errors.ts';
import type { Metrics } from './metrics.ts';

export interface GuardOptions<A extends unknown[], R> {
  /** The dependency's name in metrics and errors, e.g. `catalog-db-ro`. */
  name: string;
  /** The longest one attempt may take; less when the request's budget has less left. */
  timeoutMs: number;
  /** Only idempotent calls are retried. */
  idempotent: boolean;
  retries?: number;
  retryBaseMs?: number;
  /** Bulkhead: calls in flight at once; more are refused at once instead of queueing. */
  capacity?: number;
  errorThresholdPercentage?: number;
  resetTimeoutMs?: number;
  volumeThreshold?: number;
  /** Called with the call's arguments when the call fails operationally (not for AppErrors). */
  fallback?: (...args: A) => R | Promise<R>;
}

export type GuardedCall<A extends unknown[], R> = ((...args: A) => Promise<R>) & {
  breaker: CircuitBreaker;
};

const STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/** Full-jitter exponential backoff. */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  return Math.round(random() * baseMs * 2 ** attempt);
}

export function guard<A extends unknown[], R>(metrics: Metrics, opts: GuardOptions<A, R>, fn: (signal: AbortSignal, ...args: A) => Promise<R>): GuardedCall<A, R> {
  const { name, timeoutMs, idempotent } = opts;
  const retries = idempotent ? (opts.retries ?? 2) : 0;
  const retryBaseMs = opts.retryBaseMs ?? 50;
  const state = metrics.gauge('breaker_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open', ['breaker']);
  const transitions = metrics.counter('breaker_transitions_total', 'Circuit breaker state changes', ['breaker', 'to']);
  const calls = metrics.counter('dependency_calls_total', 'Remote calls by outcome', ['dependency', 'outcome']);
  const retried = metrics.counter('dependency_retries_total', 'Retries of idempotent remote calls', ['dependency']);
  const fellBack = metrics.counter('dependency_fallbacks_total', 'Remote calls answered by their fallback', ['dependency']);
  const duration = metrics.histogram('dependency_call_duration_seconds', 'Remote call duration', ['dependency'], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);

  // The timeout is ours, not opossum's: it aborts the call's signal first, so the underlying
  // work (fetch, a Redis command) is cancelled, then fails the call even if the work ignores it.
  // When the budget set the timeout, running out of it is the deadline's error (503, retry
  // later), not the dependency's (504): the dependency may just need longer than was left.
  const action = (limit: { timeoutMs: number; limited: boolean }, ...args: A): Promise<R> => {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = limit.limited ? new DeadlineError(`while waiting for ${name}`) : new DependencyError(name, { timeout: true });
        ac.abort(err);
        reject(err);
      }, limit.timeoutMs);
    });
    return Promise.race([fn(ac.signal, ...args), expired]).finally(() => clearTimeout(timer));
  };

  const breaker = new CircuitBreaker(action, {
    name,
    timeout: false,
    errorThresholdPercentage: opts.errorThresholdPercentage ?? 50,
    resetTimeout: opts.resetTimeoutMs ?? 5_000,
    volumeThreshold: opts.volumeThreshold ?? 5,
    rollingCountTimeout: 10_000,
    ...(opts.capacity ? { capacity: opts.capacity } : {}),
    // Business answers (not found, out of stock) are not failures of the dependency; a call cut
    // short by its request's deadline is not either.
    errorFilter: (err: unknown) => err instanceof AppError && !(err instanceof DependencyError),
  });
  state.set({ breaker: name }, STATE.closed);
  breaker.on('open', () => {
    state.set({ breaker: name }, STATE.open);
    transitions.inc({ breaker: name, to: 'open' });
  });
  breaker.on('halfOpen', () => {
    state.set({ breaker: name }, STATE.halfOpen);
    transitions.inc({ breaker: name, to: 'half_open' });
  });
  breaker.on('close', () => {
    state.set({ breaker: name }, STATE.closed);
    transitions.inc({ breaker: name, to: 'closed' });
  });

  const toAppError = (err: unknown): AppError => {
    if (err instanceof AppError) return err;
    const code = (err as { code?: string } | undefined)?.code;
    if (code === 'ESEMLOCKED') {
      return new AppError({ code: 'OVERLOADED', message: `too many concurrent calls to ${name}`, retryAfter: 1, details: { dependency: name }, cause: err });
    }
    if (code === 'EOPENBREAKER') return new DependencyError(name, { cause: err, retryAfter: Math.ceil((opts.resetTimeoutMs ?? 5_000) / 1000) });
    return new DependencyError(name, { timeout: code === 'ETIMEDOUT', cause: err });
  };
  const outcome = (e: AppError) =>
    e.code === 'OVERLOADED'
      ? 'shed'
      : e.code === 'DEPENDENCY_TIMEOUT'
        ? 'timeout'
        : e.code === 'DEADLINE_EXCEEDED'
          ? 'deadline'
          : (e.cause as { code?: string })?.code === 'EOPENBREAKER'
            ? 'rejected'
            : 'failure';

  const call = async (...args: A): Promise<R> => {
    const end = duration.startTimer({ dependency: name });
    for (let attempt = 0; ; attempt++) {
      try {
        const result = (await breaker.fire(callTimeout(timeoutMs, name), ...args)) as R;
        calls.inc({ dependency: name, outcome: 'success' });
        end();
        return result;
      } catch (raw) {
        const err = toAppError(raw);
        const operational = err instanceof DependencyError || err.code === 'OVERLOADED' || err.code === 'DEADLINE_EXCEEDED';
        if (!operational) {
          end();
          throw err;
        }
        calls.inc({ dependency: name, outcome: outcome(err) });
        const pause = backoffMs(attempt, retryBaseMs);
        const left = remainingMs();
        const budgetLeft = left === undefined || left - pause >= MIN_CALL_MS;
        const retryable = attempt < retries && !breaker.opened && err.code !== 'OVERLOADED' && err.code !== 'DEADLINE_EXCEEDED' && budgetLeft;
        if (retryable) {
          retried.inc({ dependency: name });
          await new Promise((r) => setTimeout(r, pause));
          continue;
        }
        end();
        if (opts.fallback) {
          fellBack.inc({ dependency: name });
          return opts.fallback(...args);
        }
        throw err;
      }
    }
  };
  return Object.assign(call, { breaker });
}
