// Surge overview: what a user feels during a surge. Grafana's home dashboard (docker-compose.yml).
import { dashboard, timeseries } from './builders.ts';

export default dashboard({
  uid: 'surge-overview',
  title: 'Surge overview',
  description: 'What a user feels during a surge: traffic, errors, latency, caches, orders.',
  panels: [
    timeseries('Edge answers/s by status', [['job_status:edge_http_requests:rate1m', '{{status}}']], { unit: 'reqps' }),
    timeseries('Edge 5xx ratio', [['job:edge_http_server_errors_per_edge_http_requests:ratio_rate1m', '5xx']], {
      unit: 'percentunit',
      description: 'Every answer the edge gives, its own included (mtail over the access log). EdgeHighErrorRatio fires above 5%.',
    }),
    timeseries('Requests/s by service', [['service:http_requests:rate1m', '{{service}}']], { unit: 'reqps' }),
    timeseries('5xx ratio by service', [['service:http_server_errors_per_http_requests:ratio_rate1m', '{{service}}']], { unit: 'percentunit' }),
    timeseries('p50 latency by service', [['service:http_server_request_duration_seconds:p50_rate1m', '{{service}}']], { unit: 's' }),
    timeseries('p99 latency by service', [['service:http_server_request_duration_seconds:p99_rate1m', '{{service}}']], {
      unit: 's',
      description: 'SLO 500 ms: the ShopLatencyP99AboveSLO alert fires above it for a minute.',
    }),
    timeseries(
      'Cache hit ratio by layer',
      [
        ['job:edge_cache_hits_per_edge_cache_lookups:ratio_rate1m', 'edge'],
        ['layer:cache_hits_per_cache_lookups:ratio_rate1m', 'catalog {{layer}}'],
      ],
      {
        unit: 'percentunit',
        description: 'edge: nginx cache (HIT, STALE, UPDATING); catalog l1: in-process LRU; catalog redis: shared Redis.',
      },
    ),
    timeseries('Orders per minute by outcome', [['outcome:orders:rate1m * 60', '{{outcome}}']]),
    timeseries('Payments by result', [['sum by (result) (rate(payments_total[1m])) * 60', '{{result}}']]),
    timeseries('Shed requests/s', [['sum by (service) (rate(http_requests_shed_total[1m]))', '{{service}}']], {
      unit: 'reqps',
      description: '429 answers from load shedding (too many requests in flight).',
    }),
  ],
});
