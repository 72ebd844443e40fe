// Live measurements: an HTTP request to the edge (PromQL and alerts go through the lab's
// Prometheus client).
import type { HttpValue } from './tolerance.ts';

export interface HttpRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  'timeout-ms': number;
}

/** One request through the edge at `base`. A network error or timeout is status 0 (it satisfies no status list). */
export async function httpProbe(r: HttpRequest, base: string): Promise<HttpValue & { ms: number; error?: string }> {
  const t = performance.now();
  try {
    const res = await fetch(`${base}${r.path}`, {
      method: r.method,
      headers: { ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers },
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
      signal: AbortSignal.timeout(r['timeout-ms']),
    });
    await res.arrayBuffer();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, ms: performance.now() - t };
  } catch (err) {
    return { status: 0, headers: {}, ms: performance.now() - t, error: (err as Error).message };
  }
}
