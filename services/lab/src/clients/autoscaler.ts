// The autoscaler's API (services/autoscaler): its state, its modes and its run-time schedule.
// From the host it is reached through the edge (/lab/autoscaler/), from inside the lab directly
// (http://autoscaler:8080/lab/autoscaler); the token is the console's either way.
import { jsonCall } from './http.ts';

/** Where the autoscaler's API lives, behind the edge and on the lab's network. */
export const AUTOSCALER_PATH = '/lab/autoscaler';
export const AUTOSCALER_IN_LAB = `http://autoscaler:8080${AUTOSCALER_PATH}`;

/**
 * The modes as this client sees them: named switches. Their names and meaning are the autoscaler
 * API's contract (ScalingModes in @surge-lab/contracts/autoscaler), which callers pass as `M`: the
 * lab package imports nothing of the project's own.
 */
export type AutoscalerModes = Record<string, boolean>;

export interface AutoscalerClientOptions {
  /** The API's base (…/lab/autoscaler). */
  base: string;
  token: () => Promise<string>;
}

/** An answer as the autoscaler gave it, for a caller that passes it on (the console). */
export interface Relayed {
  status: number;
  contentType: string;
  body: string;
}

export class AutoscalerClient {
  private readonly o: AutoscalerClientOptions;
  constructor(o: AutoscalerClientOptions) {
    this.o = o;
  }
  get base(): string {
    return this.o.base;
  }

  /** One call; a 4xx or 5xx answer throws a LabHttpError with its status and body. */
  async call<T = unknown>(method: string, path: string, body?: unknown, o: { timeoutMs?: number } = {}): Promise<T> {
    return jsonCall<T>('autoscaler', `${this.o.base}${path}`, { method, body, headers: { authorization: `Bearer ${await this.o.token()}` }, timeoutMs: o.timeoutMs ?? 10_000 });
  }

  /** GET state: the controller's switches, each service's decision, the schedule, recent events. */
  state<T = Record<string, unknown>>(o: { timeoutMs?: number } = {}): Promise<T> {
    return this.call<T>('GET', '/state', undefined, o);
  }
  /** PUT modes: switches any of the modes; answers all of them. */
  setModes<M extends object = AutoscalerModes>(modes: Partial<M>): Promise<M> {
    return this.call<M>('PUT', '/modes', modes);
  }
  /** POST schedule: a schedule entry in the policy file's keys (name, service, at, lead-seconds, duration-seconds, min-replicas). */
  addScheduleEntry<T = unknown>(entry: Record<string, unknown>): Promise<T> {
    return this.call<T>('POST', '/schedule', entry);
  }
  /** DELETE schedule/:name: an entry added at run time. */
  removeScheduleEntry(name: string): Promise<{ removed: string }> {
    return this.call<{ removed: string }>('DELETE', `/schedule/${encodeURIComponent(name)}`);
  }

  /**
   * The answer as it came, whatever its status (the console passes it on to its page); throws only
   * when the autoscaler does not answer.
   */
  async relay(method: string, path: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Relayed> {
    const res = await fetch(`${this.o.base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers, authorization: `Bearer ${await this.o.token()}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() };
  }
}
