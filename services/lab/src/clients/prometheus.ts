// Prometheus's HTTP API: instant and range queries, firing alerts and alert rule names.
import { jsonCall } from './http.ts';

interface PromAnswer<T> {
  status: string;
  error?: string;
  data: T;
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}
export interface InstantSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export class PrometheusClient {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }

  private async api<T>(path: string, timeoutMs = 5_000): Promise<T> {
    const body = await jsonCall<PromAnswer<T>>('prometheus', `${this.url}${path}`, { timeoutMs }).catch((err: Error & { body?: string }) => {
      // Prometheus answers a bad query with 400 and a JSON error: say what it said.
      const said = (() => {
        try {
          return (JSON.parse(err.body ?? '') as { error?: string }).error;
        } catch {
          return undefined;
        }
      })();
      throw said ? new Error(`Prometheus ${path.split('?')[0]}: ${said}`) : err;
    });
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? 'failed'}`);
    return body.data;
  }

  /** Every series of an instant query. */
  async instant(expr: string, o: { timeoutMs?: number } = {}): Promise<InstantSeries[]> {
    const data = await this.api<{ resultType: string; result: InstantSeries[] | [number, string] }>(`/api/v1/query?${new URLSearchParams({ query: expr })}`, o.timeoutMs);
    if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
    return data.result as InstantSeries[];
  }

  /** The largest value among the series of an instant query, or null when it returns none. */
  async value(expr: string): Promise<number | null> {
    const values = (await this.instant(expr)).map((s) => Number(s.value[1]));
    return values.length ? Math.max(...values) : null;
  }

  async range(expr: string, startSeconds: number, endSeconds: number, stepSeconds: number, o: { timeoutMs?: number } = {}): Promise<RangeSeries[]> {
    const q = new URLSearchParams({ query: expr, start: String(startSeconds), end: String(endSeconds), step: String(stepSeconds) });
    return (await this.api<{ result: RangeSeries[] }>(`/api/v1/query_range?${q}`, o.timeoutMs ?? 10_000)).result;
  }

  /** Names of the alerts firing now (pending ones are not firing yet). */
  async firingAlerts(): Promise<string[]> {
    const data = await this.api<{ alerts: { labels: { alertname: string }; state: string }[] }>('/api/v1/alerts');
    return [...new Set(data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname))];
  }

  /** Alert rule names Prometheus knows. */
  async alertRuleNames(): Promise<string[]> {
    const data = await this.api<{ groups: { rules: { type: string; name: string }[] }[] }>('/api/v1/rules?type=alert');
    return data.groups.flatMap((g) => g.rules.map((r) => r.name));
  }
}
