import { ERROR_CODES, type ErrorCode } from '@surge-lab/contracts/errors';

export { ERROR_CODES, type ErrorCode };

export interface AppErrorOptions {
  code: ErrorCode;
  message: string;
  /** Machine-readable details a client may act on (field names, product ids). Never internals. */
  details?: unknown;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly retryAfter: number | undefined;
  constructor({ code, message, details, retryAfter, cause }: AppErrorOptions) {
    super(message, { cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** An operational failure of a remote dependency (timeout, breaker open, connection refused). */
export class DependencyError extends AppError {
  readonly dependency: string;
  constructor(dependency: string, { timeout = false, cause, retryAfter = 2 }: { timeout?: boolean; cause?: unknown; retryAfter?: number } = {}) {
    super({
      code: timeout ? 'DEPENDENCY_TIMEOUT' : 'DEPENDENCY_UNAVAILABLE',
      message: timeout ? `${dependency} did not answer in time` : `${dependency} is unavailable`,
      details: { dependency },
      retryAfter,
      cause,
    });
    this.dependency = dependency;
  }
}
