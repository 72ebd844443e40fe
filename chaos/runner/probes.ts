// Live measurements: an HTTP request to the edge, a PromQL query, the firing alerts.
import { labUrl } from '../../infra/lab/compose.ts';
import type { HttpValue } from './tolerance.ts';

export const edgeUrl = () => labUrl('edge');
export const prometheusUrl = () => labUrl('prometheus');

export interface HttpRequest { path: string; method: string; headers: Record<string, string>; body?: unknown; 'timeout-ms': number }

/** One request through the edge. A network error or timeout is status 0 (it satisfies no status list). */
export async function httpProbe(r: HttpRequest, base = edgeUrl()): Promise<HttpValue & { ms: number; error?: string }> {
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
    res.headers.forEach((v, k) => { headers[k] = v; });
    return { status: res.status, headers, ms: performance.now() - t };
  } catch (err) {
    return { status: 0, headers: {}, ms: performance.now() - t, error: (err as Error).message };
  }
}

interface PromAnswer<T> { status: string; error?: string; data: T }

async function prom<T>(path: string): Promise<T> {
  const res = await fetch(`${prometheusUrl()}${path}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as PromAnswer<T>;
  if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
  return body.data;
}

/** The largest value among the series of an instant query, or null when it returns none. */
export async function promqlValue(expr: string): Promise<number | null> {
  const data = await prom<{ resultType: string; result: { value: [number, string] }[] | [number, string] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
  if (data.resultType === 'scalar') return Number((data.result as [number, string])[1]);
  const values = (data.result as { value: [number, string] }[]).map((r) => Number(r.value[1]));
  return values.length ? Math.max(...values) : null;
}

/** Names of the alerts firing now (pending ones are not firing yet). */
export async function firingAlerts(): Promise<string[]> {
  const data = await prom<{ alerts: { labels: { alertname: string }; state: string }[] }>('/api/v1/alerts');
  return [...new Set(data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname))];
}

/** Alert rule names Prometheus knows, to refuse a stop condition that can never fire. */
export async function alertRuleNames(): Promise<string[]> {
  const data = await prom<{ groups: { rules: { type: string; name: string }[] }[] }>('/api/v1/rules?type=alert');
  return data.groups.flatMap((g) => g.rules.map((r) => r.name));
}
