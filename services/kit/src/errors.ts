// One catalogue of error codes. Every error a service answers carries one of these codes;
// docs/errors.md documents each (a unit test keeps the two in step).
export const ERROR_CODES = {
  REQUEST_INVALID_JSON: 400,
  REQUEST_VALIDATION_FAILED: 400,
  REQUEST_UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_TOO_LARGE: 413,
  REQUEST_MISSING_IDEMPOTENCY_KEY: 400,
  REQUEST_UNAUTHORIZED: 401,
  REQUEST_FORBIDDEN: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PRODUCT_NOT_FOUND: 404,
  CART_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  CHARGE_NOT_FOUND: 404,
  FAULT_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  EXPERIMENT_NOT_FOUND: 404,
  CART_EMPTY: 409,
  OUT_OF_STOCK: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  ORDER_ILLEGAL_TRANSITION: 409,
  FAULT_NOT_APPLICABLE: 409,
  LOAD_RUNNING: 409,
  RUN_IN_PROGRESS: 409,
  PAYMENT_DECLINED: 402,
  OVERLOADED: 429,
  DEPENDENCY_UNAVAILABLE: 503,
  DEPENDENCY_TIMEOUT: 504,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

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
