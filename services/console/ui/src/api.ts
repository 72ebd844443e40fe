// The console's client of its backend (same origin, /lab/api/ through the edge). One fetch
// wrapper: the token as a Bearer header on every call, JSON in and out, the lab's error format
// parsed into an ApiError, and network failures and timeouts turned into errors of their own
// kind. No DOM here: the unit tests run it in Node with a scripted fetch.
import { ApiError, anySignal, type ErrorKind, errorFields } from '@surge-lab/web-kit/http';
import type {
  CatalogFault,
  Charts,
  Experiment,
  FaultInPlace,
  InjectRequest,
  LoadRequest,
  LoadState,
  Meta,
  RegionsView,
  ResetResult,
  Run,
  RunSummary,
  ScalingModes,
  ScalingState,
  Scenario,
  ScheduleEntryAdded,
  ScheduleRequest,
  Topology,
} from './types.ts';

export { ApiError, type ErrorKind };

export interface ApiClientOptions {
  /** Where the API lives: '/lab/api' in the browser, an absolute URL in tests. */
  base?: string;
  /** The current token (read on every call, so signing in again needs no new client). */
  token: () => string | undefined;
  fetch?: typeof fetch;
  /** Abort a call that has had no answer after this long (default 15 s). */
  timeoutMs?: number;
  /** Told about every outcome: the app shows the sign-in panel on 401 and the "unreachable" notice on network errors. */
  onOutcome?: (outcome: ApiError | 'ok') => void;
}

export interface CallOptions {
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** This call's own limit (a region switchover answers once it is done, in 20-40 s). */
  timeoutMs?: number;
}

export class ConsoleApi {
  readonly base: string;
  readonly #token: () => string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #onOutcome: (outcome: ApiError | 'ok') => void;

  constructor(o: ApiClientOptions) {
    this.base = (o.base ?? '/lab/api').replace(/\/+$/, '');
    this.#token = o.token;
    this.#fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = o.timeoutMs ?? 15_000;
    this.#onOutcome = o.onOutcome ?? (() => {});
  }

  /** An API path ('faults/catalog') or a URL the API gave ('/lab/api/runs/1/report') as a URL to fetch. */
  url(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    if (path.startsWith('/')) {
      // An absolute path from the API: keep it, but put it under the base's origin (tests use one).
      const origin = /^https?:\/\/[^/]+/i.exec(this.base)?.[0] ?? '';
      return `${origin}${path}`;
    }
    return `${this.base}/${path}`;
  }

  async #send(method: string, path: string, o: CallOptions, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    const token = this.#token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const limit = o.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(limit);
    const signal = o.signal ? anySignal(o.signal, timeout) : timeout;
    let res: Response;
    try {
      res = await this.#fetch(this.url(path), { method, headers, signal, body: o.body === undefined ? null : JSON.stringify(o.body), cache: 'no-store' });
    } catch (err) {
      if (o.signal?.aborted) throw err; // the caller gave up (signed out, section stopped): not an error to show
      const e = timeout.aborted
        ? new ApiError({ kind: 'timeout', status: 0, code: 'TIMEOUT', message: `${method} ${path}: no answer within ${limit} ms` })
        : new ApiError({ kind: 'network', status: 0, code: 'NETWORK', message: `${method} ${path}: ${(err as Error).message}` });
      this.#onOutcome(e);
      throw e;
    }
    if (!res.ok) {
      let body: unknown;
      try {
        body = JSON.parse(await res.text());
      } catch {
        body = undefined;
      }
      const e = errorFrom(res, body);
      this.#onOutcome(e);
      throw e;
    }
    this.#onOutcome('ok');
    return res;
  }

  async request<T>(method: string, path: string, o: CallOptions = {}): Promise<T> {
    const res = await this.#send(method, path, o, 'application/json');
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      return undefined as T;
    }
  }

  /** A document (the run report) fetched with the token, for a Blob URL. */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    const res = await this.#send('GET', path, { signal }, 'text/html,*/*');
    return res.blob();
  }

  topology(signal?: AbortSignal) {
    return this.request<Topology>('GET', 'topology', { signal });
  }
  faultCatalog(signal?: AbortSignal) {
    return this.request<CatalogFault[]>('GET', 'faults/catalog', { signal });
  }
  faults(signal?: AbortSignal) {
    return this.request<FaultInPlace[]>('GET', 'faults', { signal });
  }
  /** `timeoutMs`: a fault whose injection takes long (a region switchover) gets longer. */
  injectFault(body: InjectRequest, o: { timeoutMs?: number } = {}) {
    return this.request<FaultInPlace>('POST', 'faults', { body, ...o });
  }
  regions(signal?: AbortSignal) {
    return this.request<RegionsView>('GET', 'regions', { signal });
  }
  revertFault(id: string) {
    return this.request<{ reverted: string }>('DELETE', `faults/${encodeURIComponent(id)}`);
  }
  reset() {
    return this.request<ResetResult>('POST', 'reset', { body: {} });
  }
  scenarios(signal?: AbortSignal) {
    return this.request<Scenario[]>('GET', 'scenarios', { signal });
  }
  load(signal?: AbortSignal) {
    return this.request<LoadState>('GET', 'load', { signal });
  }
  startLoad(body: LoadRequest) {
    return this.request<{ id: string; scenario: string; startedAt: string }>('POST', 'load', { body });
  }
  stopLoad() {
    return this.request<unknown>('DELETE', 'load');
  }
  experiments(signal?: AbortSignal) {
    return this.request<Experiment[]>('GET', 'experiments', { signal });
  }
  startRun(experiment: string) {
    return this.request<{ id: string }>('POST', 'runs', { body: { experiment } });
  }
  runs(signal?: AbortSignal) {
    return this.request<RunSummary[]>('GET', 'runs', { signal });
  }
  run(id: string, signal?: AbortSignal) {
    return this.request<Run>('GET', `runs/${encodeURIComponent(id)}`, { signal });
  }
  abortRun(id: string) {
    return this.request<unknown>('DELETE', `runs/${encodeURIComponent(id)}`);
  }
  charts(minutes: number, signal?: AbortSignal) {
    return this.request<Charts>('GET', `charts?minutes=${minutes}`, { signal });
  }
  meta(signal?: AbortSignal) {
    return this.request<Meta>('GET', 'meta', { signal });
  }
  scaling(signal?: AbortSignal) {
    return this.request<ScalingState>('GET', 'scaling', { signal });
  }
  setScalingModes(body: Partial<ScalingModes>) {
    return this.request<ScalingModes>('PUT', 'scaling', { body });
  }
  addScheduleEntry(body: ScheduleRequest) {
    return this.request<ScheduleEntryAdded>('POST', 'scaling/schedule', { body });
  }
  removeScheduleEntry(name: string) {
    return this.request<{ removed: string }>('DELETE', `scaling/schedule/${encodeURIComponent(name)}`);
  }
}

function errorFrom(res: Response, body: unknown): ApiError {
  return new ApiError({ kind: 'http', ...errorFields(res, body) });
}
