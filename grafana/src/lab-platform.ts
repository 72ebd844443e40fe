// Lab platform: the lab's own machinery, scrape targets to Toxiproxy, at a glance.
import { dashboard, stat, timeseries } from './builders.ts';

export default dashboard({
  uid: 'lab-platform',
  title: 'Lab platform',
  description: "The lab's machinery: scrape targets, Patroni and etcd, the Postgres router, Redis, the edge and the Toxiproxy links.",
  panels: [
    stat(
      'Scrape targets up',
      [
        ['sum(up)', 'up'],
        ['count(up)', 'total'],
      ],
      { description: 'Every exporter, Patroni member, router, proxy and the edge.' },
    ),
    timeseries('Patroni leader per member', [['patroni_primary', '{{instance}}']], { description: '1 = this member leads. A failover shows as the lines crossing.' }),
    stat('etcd has a leader', [['max(etcd_server_has_leader)', 'etcd']]),
    timeseries('Replication lag', [['pg_replication_lag_seconds', '{{member}}']], { unit: 's' }),
    timeseries('Transactions per second (shop)', [['sum by (member) (rate(pg_stat_database_xact_commit{datname="shop"}[1m]))', '{{member}}']], { unit: 'ops' }),
    timeseries('Postgres connections', [['sum by (member) (pg_stat_activity_count)', '{{member}}']]),
    timeseries('Router: healthy servers per backend', [['haproxy_backend_active_servers{proxy=~"pg-primary|pg-replicas"}', '{{proxy}}']], {
      description: 'pg-primary must be 1; pg-replicas 0 means reads fall back to the leader.',
    }),
    timeseries(
      'Redis memory',
      [
        ['redis_memory_used_bytes', 'used'],
        ['redis_memory_max_bytes', 'maxmemory'],
      ],
      { unit: 'bytes' },
    ),
    timeseries('Edge requests per second', [['rate(nginx_http_requests_total[1m])', 'requests']], { unit: 'reqps' }),
    timeseries('Traffic through Toxiproxy links', [['sum by (proxy) (rate(toxiproxy_proxy_sent_bytes_total[1m]))', '{{proxy}}']], { unit: 'Bps' }),
  ],
});
