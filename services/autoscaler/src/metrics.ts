// The controller's metrics (scraped by Prometheus as job "autoscaler"; the Autoscaling dashboard
// and the experiments read them). Their `service` label is the service scaled, not this one.
import type { Metrics } from '@surge-lab/kit';

export function controllerMetrics(metrics: Metrics) {
  return {
    desired: metrics.gauge('autoscaler_desired_replicas', 'Replicas the autoscaler wants per service', ['service']),
    replicas: metrics.gauge('autoscaler_replicas', 'Replicas per service: configured (exist), running, healthy', ['service', 'state']),
    metric: metrics.gauge('autoscaler_metric_value', 'The scaling metric per replica', ['service', 'metric']),
    target: metrics.gauge('autoscaler_metric_target', 'The target of the scaling metric per replica', ['service', 'metric']),
    floor: metrics.gauge('autoscaler_floor_replicas', 'Replicas a floor asks for (schedule, forecast; 0 = none), applied or not (its mode)', ['service', 'source']),
    forecast: metrics.gauge('autoscaler_forecast_rps', 'Forecast req/s of a service: for now (to compare with the actual) and for the lookahead', ['service', 'horizon']),
    events: metrics.counter('autoscaler_scaling_events_total', 'Scaling actions taken', ['service', 'direction']),
    restarts: metrics.counter('autorecovery_restarts_total', 'Hung containers restarted by the controller', ['service']),
    loops: metrics.counter('autorecovery_restart_loops_total', 'Restart loops detected and reported (no more restarts)', ['service']),
    enabled: metrics.gauge('autoscaler_enabled', '1 when the part acts, 0 when it only observes', ['part']),
  };
}
