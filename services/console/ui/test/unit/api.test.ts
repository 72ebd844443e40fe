import { describe, expect, test } from 'vitest';
import { ApiError, ConsoleApi } from '../../src/api.ts';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records what it was asked and answers from a script. */
function scripted(answer: (s: Sent, signal: AbortSignal | undefined) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(s);
    if (init?.signal?.aborted) throw init.signal.reason;
    return answer(s, init?.signal ?? undefined);
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('ConsoleApi', () => {
  test('every call carries the current token as a Bearer header, under /lab/api', async () => {
    let token = 'first';
    const f = scripted(() => json(200, []));
    const api = new ConsoleApi({ token: () => token, fetch: f.fetch });
    await api.faults();
    token = 'second';
    await api.scenarios();
    expect(f.sent.map((s) => [s.url, s.headers.authorization])).toEqual([
      ['/lab/api/faults', 'Bearer first'],
      ['/lab/api/scenarios', 'Bearer second'],
    ]);
  });

  test('no token: no Authorization header (the API answers 401 and the sign-in shows)', async () => {
    const f = scripted(() => json(200, {}));
    await new ConsoleApi({ token: () => undefined, fetch: f.fetch }).meta();
    expect(f.sent[0]!.headers.authorization).toBeUndefined();
  });

  test('requests: methods, paths and JSON bodies as the README lists them', async () => {
    const f = scripted((s) => json(s.method === 'POST' ? 201 : 200, { id: 'x' }));
    const api = new ConsoleApi({ token: () => 't', fetch: f.fetch });
    await api.injectFault({ fault: 'link-latency', args: { link: 'redis', 'latency-ms': 200 }, durationSeconds: 30 });
    await api.revertFault('a/b');
    await api.reset();
    await api.startLoad({ scenario: 'browse', durationSeconds: 60 });
    await api.stopLoad();
    await api.startRun('replica-kill');
    await api.run('r1');
    await api.abortRun('r1');
    await api.charts(15);
    expect(f.sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /lab/api/faults',
      'DELETE /lab/api/faults/a%2Fb',
      'POST /lab/api/reset',
      'POST /lab/api/load',
      'DELETE /lab/api/load',
      'POST /lab/api/runs',
      'GET /lab/api/runs/r1',
      'DELETE /lab/api/runs/r1',
      'GET /lab/api/charts?minutes=15',
    ]);
    expect(f.sent[0]!.body).toEqual({ fault: 'link-latency', args: { link: 'redis', 'latency-ms': 200 }, durationSeconds: 30 });
    expect(f.sent[0]!.headers['content-type']).toBe('application/json');
    expect(f.sent[5]!.body).toEqual({ experiment: 'replica-kill' });
  });

  test('an error answer becomes an ApiError with code, message, details and request id', async () => {
    const details = [{ field: 'args.latency-ms', problem: 'too big' }];
    const f = scripted(() => json(400, { error: { code: 'REQUEST_VALIDATION_FAILED', message: 'invalid fault parameters', details, requestId: 'req-3' } }));
    const e = await failure(new ConsoleApi({ token: () => 't', fetch: f.fetch }).injectFault({ fault: 'link-latency', args: {} }));
    expect(e).toMatchObject({ kind: 'http', status: 400, code: 'REQUEST_VALIDATION_FAILED', message: 'invalid fault parameters', details, requestId: 'req-3' });
  });

  test("an answer that is not the error format still becomes an ApiError (nginx's HTML 502)", async () => {
    const f = scripted(() => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'x-request-id': 'edge-1' } }));
    expect(await failure(new ConsoleApi({ token: () => 't', fetch: f.fetch }).topology())).toMatchObject({ kind: 'http', status: 502, code: 'HTTP_502', requestId: 'edge-1' });
  });

  test('every outcome is reported: ok, 401 (sign in again), network error (unreachable)', async () => {
    const outcomes: string[] = [];
    let next: () => Response | Promise<Response> = () => json(200, {});
    const f = scripted(() => next());
    const api = new ConsoleApi({ token: () => 't', fetch: f.fetch, onOutcome: (o) => outcomes.push(o === 'ok' ? 'ok' : `${o.kind} ${o.status} ${o.code}`) });
    await api.meta();
    next = () => json(401, { error: { code: 'UNAUTHORIZED', message: 'no token' } });
    await failure(api.meta());
    next = () => {
      throw new TypeError('fetch failed');
    };
    const e = await failure(api.meta());
    expect(e).toMatchObject({ kind: 'network', status: 0, code: 'NETWORK' });
    expect(outcomes).toEqual(['ok', 'http 401 UNAUTHORIZED', 'network 0 NETWORK']);
  });

  test('no answer in time is a timeout error', async () => {
    // Never answers; like fetch, it rejects when its signal aborts.
    const f = scripted(
      (_s, signal) =>
        new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    );
    const e = await failure(new ConsoleApi({ token: () => 't', fetch: f.fetch, timeoutMs: 20 }).topology());
    expect(e).toMatchObject({ kind: 'timeout', code: 'TIMEOUT' });
  });

  test('a call the page gave up on rejects with the abort, not an error to show', async () => {
    const f = scripted(() => json(200, {}));
    const ac = new AbortController();
    ac.abort();
    await expect(new ConsoleApi({ token: () => 't', fetch: f.fetch }).topology(ac.signal)).rejects.toSatisfy((e: unknown) => !(e instanceof ApiError));
  });

  test('URLs the API gives (a report) are fetched as given, with the token', async () => {
    const f = scripted(() => new Response('<html><body>report</body></html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    const api = new ConsoleApi({ token: () => 'tok', fetch: f.fetch });
    const blob = await api.blob('/lab/api/runs/r1/report');
    expect(await blob.text()).toContain('report');
    expect(f.sent[0]).toMatchObject({ url: '/lab/api/runs/r1/report', headers: { authorization: 'Bearer tok' } });
    expect(new ConsoleApi({ token: () => 't', base: 'http://127.0.0.1:9/lab/api/' }).url('/lab/api/runs/r1/report')).toBe('http://127.0.0.1:9/lab/api/runs/r1/report');
    expect(api.url('runs/r1/report')).toBe('/lab/api/runs/r1/report');
  });

  test('an empty answer (DELETE load) is fine', async () => {
    const f = scripted(() => new Response(null, { status: 200 }));
    await expect(new ConsoleApi({ token: () => 't', fetch: f.fetch }).stopLoad()).resolves.toBeUndefined();
  });
});
