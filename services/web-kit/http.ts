// Browser helpers shared by the storefront and the lab console (both built by Vite; no
// dependencies). The fetch side: the error a call ends in, one signal from two, and the services'
// error body read.

export type ErrorKind = 'http' | 'network' | 'timeout';

/** A failed call: an error answer of the API (kind http), or no answer at all (network, timeout). */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  /** HTTP status; 0 when there was no answer. */
  readonly status: number;
  /** The API's stable error code (docs/errors.md), or NETWORK / TIMEOUT / HTTP_<status>. */
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | undefined;
  /** Seconds from Retry-After (429 and 503 carry it), undefined when absent. */
  readonly retryAfterS: number | undefined;
  constructor(o: { kind: ErrorKind; status: number; code: string; message: string; details?: unknown; requestId?: string | undefined; retryAfterS?: number | undefined }) {
    super(o.message);
    this.name = 'ApiError';
    this.kind = o.kind;
    this.status = o.status;
    this.code = o.code;
    this.details = o.details;
    this.requestId = o.requestId;
    this.retryAfterS = o.retryAfterS;
  }
}

/** AbortSignal.any, with a fallback for browsers before it (Safari < 17.4). */
export function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) {
      c.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

/** An error answer in the services' format ({"error": {code, message, details, requestId}}), or what the status says. */
export function errorFields(res: Response, body: unknown): { status: number; code: string; message: string; details: unknown; requestId: string | undefined } {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } } | undefined)?.error;
  return {
    status: res.status,
    code: typeof e?.code === 'string' ? e.code : `HTTP_${res.status}`,
    message: typeof e?.message === 'string' ? e.message : `HTTP ${res.status}`,
    details: e?.details,
    requestId: typeof e?.requestId === 'string' ? e.requestId : (res.headers.get('x-request-id') ?? undefined),
  };
}
