// The console's live charts: a few Prometheus range queries, the same series the Grafana
// dashboards draw, with a link to the dashboard that has the full picture.
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import type { PrometheusClient } from '@surge-lab/lab';

export interface ChartDef {
  id: string;
  title: string;
  unit: 'req/s' | 'ratio' | 's' | 'state' | 'messages';
  queries: { expr: string; label: string }[];
  dashboard: string;
}

export const CHARTS: ChartDef[] = [
  { id: 'rps', title: 'Requests/s by service', unit: 'req/s', queries: [{ expr: 'service:http_requests:rate1m', label: '{{service}}' }], dashboard: 'surge-overview' },
  {
    id: 'errors',
    title: '5xx ratio by service',
    unit: 'ratio',
    queries: [
      { expr: 'service:http_server_errors_per_http_requests:ratio_rate1m', label: '{{service}}' },
      { expr: 'job:edge_http_server_errors_per_edge_http_requests:ratio_rate1m', label: 'edge' },
    ],
    dashboard: 'surge-overview',
  },
  { id: 'p99', title: 'p99 latency by service', unit: 's', queries: [{ expr: 'service:http_server_request_duration_seconds:p99_rate1m', label: '{{service}}' }], dashboard: 'surge-overview' },
  {
    id: 'cache',
    title: 'Cache hit ratio',
    unit: 'ratio',
    queries: [
      { expr: 'job:edge_cache_hits_per_edge_cache_lookups:ratio_rate1m', label: 'edge' },
      { expr: 'layer:cache_hits_per_cache_lookups:ratio_rate1m', label: 'catalog {{layer}}' },
    ],
    dashboard: 'surge-overview',
  },
  { id: 'replication-lag', title: 'Replication lag', unit: 's', queries: [{ expr: 'pg_replication_lag_seconds', label: '{{member}}' }], dashboard: 'data-tier' },
  { id: 'consumer-lag', title: 'Fulfilment consumer lag', unit: 'messages', queries: [{ expr: `sum(kafka_consumer_lag{topic="${ORDERS_TOPIC}"})`, label: ORDERS_TOPIC }], dashboard: 'data-tier' },
  {
    id: 'breakers',
    title: 'Breaker states (0 closed, 1 half-open, 2 open)',
    unit: 'state',
    queries: [{ expr: 'max by (service, breaker) (breaker_state)', label: '{{service}} {{breaker}}' }],
    dashboard: 'resilience',
  },
];

/** "{{service}} {{breaker}}" with a series' labels. */
export const legend = (template: string, labels: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => labels[k] ?? '');

export async function charts(prometheus: PrometheusClient, minutes: number, grafanaUrl: string, now = Date.now()) {
  const end = Math.floor(now / 1000);
  const start = end - minutes * 60;
  const step = Math.max(5, Math.round((minutes * 60) / 180));
  const query = (expr: string) => prometheus.range(expr, start, end, step, { timeoutMs: 5_000 });
  const out = await Promise.all(
    CHARTS.map(async (c) => {
      const series = (
        await Promise.all(
          c.queries.map(async (q) =>
            (
              await query(q.expr)
            ).map((r) => ({
              label: legend(q.label, r.metric).trim() || q.expr,
              points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)),
            })),
          ),
        )
      )
        .flat()
        .sort((a, b) => a.label.localeCompare(b.label));
      return { id: c.id, title: c.title, unit: c.unit, series, dashboard: `${grafanaUrl}/d/${c.dashboard}` };
    }),
  );
  return { at: new Date(now).toISOString(), minutes, stepSeconds: step, charts: out };
}
