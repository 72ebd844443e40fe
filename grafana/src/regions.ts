// Regions: the two regions of the multi-region lab (docs/regions.md): which one is primary, whether
// the lab plane sees each, the WAN between them, how far the replica region is behind, and where
// shoppers are served. Panels marked regionsOnly have data only with region B running.
import { dashboard, timeseries } from './builders.ts';

export default dashboard({
  uid: 'regions',
  title: 'Regions',
  description: 'Region A and region B: roles, the WAN, replication lag, traffic per region, failovers.',
  panels: [
    timeseries('Primary region', [['max by (region) (region_primary)', '{{region}}']], {
      description:
        "1 for the region whose member holds the database leader, as the region controller sees it. A failover or switchover shows as the lines crossing; the chaos annotations mark the experiment's fault.",
      regionsOnly: true,
    }),
    timeseries('Region in sight of the lab plane', [['max by (region) (region_reachable)', '{{region}}']], {
      description: 'A member of the region answered the region controller through the WAN. RegionUnreachable fires after 10 s at 0.',
      regionsOnly: true,
    }),
    timeseries('Time out of sight', [['max by (region) (region_out_of_sight_seconds)', '{{region}}']], {
      unit: 's',
      description: "The controller promotes the other region once the primary region has been out of sight past its leader's demotion bound (ttl + loop_wait, 22 s).",
      regionsOnly: true,
    }),
    timeseries('WAN round trip (lab plane → each member)', [['max by (region, member) (region_probe_seconds)', '{{region}} {{member}}']], {
      unit: 's',
      description: "The region controller's last probe of each member's Patroni, through the WAN: about 70 ms at the standing 35 ms each way, more under a brownout.",
      regionsOnly: true,
    }),
    timeseries('Replication lag (s, heartbeat)', [['max by (region) (catalog_replica_lag_seconds)', '{{region}}']], {
      unit: 's',
      description:
        "Age of the leader's heartbeat row on each region's replica, as its catalog reads it. Past 5 s the catalog marks reads X-Data-Stale; CrossRegionReplicationLagHigh fires after 10 s.",
      regionsOnly: true,
    }),
    timeseries(
      'Replication lag (bytes) per member',
      [['max by (region, name) (scalar(max(patroni_xlog_location)) - (patroni_xlog_replayed_location unless on (name) (patroni_primary == 1)))', '{{region}} {{name}}']],
      {
        unit: 'bytes',
        description: "WAL the leader has that the replica has not replayed yet (Patroni's metrics of every member; a leader reports nothing replayed, so it is left out).",
      },
    ),
    timeseries('Shop requests/s per region', [['sum by (region) (rate(http_server_request_duration_seconds_count{job="shop"}[1m]))', '{{region}}']], {
      unit: 'reqps',
      description: "Requests each region's services answered (payment and the carrier are the lab plane's).",
    }),
    timeseries('Front door answers/s per region', [['sum by (region, status) (rate(edge_http_requests_total[1m]))', '{{region}} {{status}}']], { unit: 'reqps' }),
    timeseries('Global entry: front doors up', [['max by (server) (haproxy_server_status{job="global-entry", state="UP"})', '{{server}}']], {
      description: "1 while the global entry's health check (GET /region, every second, through the WAN) passes for that region's front door.",
      regionsOnly: true,
    }),
    timeseries('Global entry: answers/s per region', [['sum by (server) (rate(haproxy_server_http_responses_total{job="global-entry"}[1m]))', '{{server}}']], {
      unit: 'reqps',
      regionsOnly: true,
    }),
    timeseries('Unplanned failovers (15 min)', [['sum by (from, to) (increase(region_failovers_total[15m]))', '{{from}} → {{to}}']], {
      description: 'Failovers the region controller made after losing the primary region (a planned switchover is not one).',
      regionsOnly: true,
      faultOnly: true,
    }),
  ],
});
