// JSON over HTTP with a deadline, for the lab's clients. A failed call names the service, the
// method, the path and the answer.
export class LabHttpError extends Error {
  override readonly name = 'LabHttpError';
  readonly status: number;
  readonly body: string;
  constructor(message: string, status: number, body: string) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export interface JsonCall {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function jsonCall<T = unknown>(who: string, url: string, c: JsonCall = {}): Promise<T> {
  const method = c.method ?? 'GET';
  const res = await fetch(url, {
    method,
    headers: { ...(c.body === undefined ? {} : { 'content-type': 'application/json' }), ...c.headers },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
    signal: AbortSignal.timeout(c.timeoutMs ?? 5_000),
  });
  const text = await res.text();
  if (!res.ok) throw new LabHttpError(`${who} ${method} ${new URL(url).pathname}: ${res.status} ${text.trim()}`, res.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}
