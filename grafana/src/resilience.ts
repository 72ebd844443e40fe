// Resilience: breakers, fallbacks, retries and restarts, and the faults injected through Toxiproxy.
import { dashboard, timeseries } from './builders.ts';

export default dashboard({
  uid: 'resilience',
  title: 'Resilience',
  description: 'Breakers, fallbacks, retries and restarts: how the lab absorbs faults.',
  panels: [
    timeseries('Breaker states', [['max by (service, breaker) (breaker_state)', '{{service}} {{breaker}}']], { description: '0 closed, 1 half-open, 2 open.', w: 12 }),
    timeseries('Dependency calls by outcome', [['sum by (dependency, outcome) (rate(dependency_calls_total[1m]))', '{{dependency}} {{outcome}}']], { unit: 'reqps', w: 12 }),
    timeseries('Active toxics by link', [['sum by (proxy) (toxiproxy_toxics_active{type="any"})', '{{proxy}}']], {
      description: 'Latency, timeouts, resets… injected by the chaos library or by hand through the Toxiproxy API.',
    }),
    timeseries('Links cut', [['1 - toxiproxy_proxy_enabled', '{{proxy}}']], { description: '1 while a link is down.' }),
    timeseries('Breaker transitions', [['sum by (breaker, to) (increase(breaker_transitions_total[5m]))', '{{breaker}} → {{to}}']], { faultOnly: true }),
    timeseries('Fallbacks/s', [['sum by (dependency) (rate(dependency_fallbacks_total[1m]))', '{{dependency}}']], { unit: 'reqps', faultOnly: true }),
    timeseries('Retries/s', [['sum by (dependency) (rate(dependency_retries_total[1m]))', '{{dependency}}']], { unit: 'reqps', faultOnly: true }),
    timeseries('Replica restarts (15 min)', [['sum by (service) (changes(process_start_time_seconds{job="shop"}[15m]))', '{{service}}']]),
    timeseries('Event-loop lag p99', [['max by (service) (nodejs_eventloop_lag_p99_seconds{job="shop"})', '{{service}}']], { unit: 's' }),
    timeseries('Traffic through Toxiproxy links', [['sum by (proxy) (rate(toxiproxy_proxy_sent_bytes_total[1m]))', '{{proxy}}']], { unit: 'Bps' }),
  ],
});
