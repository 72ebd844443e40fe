// Autoscaling and auto-recovery: the lab's controller (services/autoscaler).
import { dashboard, timeseries } from './builders.ts';

export default dashboard({
  uid: 'autoscaling',
  title: 'Autoscaling and auto-recovery',
  description: "The lab's controller (the autoscaler service): replicas, the metric it tracks, the forecast, and what it restarted.",
  panels: [
    timeseries(
      'Replicas: desired and healthy',
      [
        ['autoscaler_desired_replicas', '{{service}} desired'],
        ['autoscaler_replicas{state="healthy"}', '{{service}} healthy'],
      ],
      {
        description: 'What the controller wants (target tracking, schedule and forecast floors, within min and max) and what is up.',
        w: 12,
      },
    ),
    timeseries(
      "Replicas in the edge balancer's rotation",
      [
        ['haproxy_backend_active_servers{proxy=~"catalog|cart|checkout"}', '{{proxy}} in rotation'],
        ['sum by (proxy) (rate(haproxy_backend_retry_warnings_total{proxy=~"catalog|cart|checkout"}[1m]))', '{{proxy}} retries/s'],
      ],
      {
        description: "The replicas whose /readyz answers, as the edge's HAProxy sees them (checks every 500 ms), and the requests it resent to another replica.",
        w: 12,
      },
    ),
    timeseries(
      'Scaling metric per replica and its target',
      [
        ['autoscaler_metric_value', '{{service}} {{metric}}'],
        ['autoscaler_metric_target', '{{service}} target'],
      ],
      { w: 12 },
    ),
    timeseries(
      'Forecast and actual req/s',
      [
        ['sum by (service) (rate(http_server_request_duration_seconds_count{service=~"catalog|checkout"}[1m]))', '{{service}} actual'],
        ['autoscaler_forecast_rps{horizon="now"}', '{{service}} forecast for now'],
        ['autoscaler_forecast_rps{horizon="ahead"}', '{{service}} forecast, lookahead'],
      ],
      {
        unit: 'reqps',
        needsHistory: true,
        description: 'The seasonal forecast (same phase of past periods) next to the actual load; it appears once a full period of history exists.',
        w: 12,
      },
    ),
    timeseries('Scaling actions (5 min)', [['sum by (service, direction) (increase(autoscaler_scaling_events_total[5m]))', '{{service}} {{direction}}']], { w: 12 }),
    timeseries(
      'Auto-recovery: restarts and restart loops (15 min)',
      [
        ['sum by (service) (increase(autorecovery_restarts_total[15m]))', '{{service}} restarts'],
        ['sum by (service) (increase(autorecovery_restart_loops_total[15m]))', '{{service}} loops'],
      ],
      { w: 12 },
    ),
    timeseries('Controller modes', [['autoscaler_enabled', '{{part}}']], { description: '1 acts, 0 observes (decisions computed, nothing changed).', w: 12 }),
  ],
});
