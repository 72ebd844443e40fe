// Data tier: Postgres under Patroni, the router, Redis, the outbox and Kafka.
import { ORDERS_TOPIC } from '@surge-lab/contracts/orders';
import { dashboard, timeseries } from './builders.ts';

export default dashboard({
  uid: 'data-tier',
  title: 'Data tier',
  description: 'Postgres under Patroni, Redis, the outbox and Kafka.',
  panels: [
    timeseries('Patroni leader per member', [['patroni_primary', '{{instance}}']], { description: '1 = leads. A failover shows as the lines crossing.' }),
    timeseries('Replication lag', [['pg_replication_lag_seconds', '{{member}}']], { unit: 's' }),
    timeseries('Transactions/s (shop)', [['sum by (member) (rate(pg_stat_database_xact_commit{datname="shop"}[1m]))', '{{member}}']], { unit: 'ops' }),
    timeseries('Postgres connections', [['sum by (member) (pg_stat_activity_count)', '{{member}}']]),
    timeseries('App DB pools', [
      ['sum by (service, pool) (db_pool_connections{state="total"})', '{{service}} {{pool}}'],
      ['sum by (service, pool) (db_pool_connections{state="waiting"})', '{{service}} {{pool}} waiting'],
    ]),
    timeseries('Router: healthy servers', [['haproxy_backend_active_servers{proxy=~"pg-primary|pg-replicas"}', '{{proxy}}']]),
    timeseries('Redis hit ratio', [['rate(redis_keyspace_hits_total[1m]) / (rate(redis_keyspace_hits_total[1m]) + rate(redis_keyspace_misses_total[1m]))', 'hits']], { unit: 'percentunit' }),
    timeseries(
      'Redis memory',
      [
        ['redis_memory_used_bytes', 'used'],
        ['redis_memory_max_bytes', 'maxmemory'],
      ],
      { unit: 'bytes' },
    ),
    timeseries('Outbox', [
      ['max(outbox_backlog)', 'unpublished events'],
      ['max(outbox_oldest_age_seconds)', 'oldest (s)'],
    ]),
    timeseries('Orders waiting for payment', [['max(orders_payment_pending)', 'payment_pending']]),
    timeseries('Fulfilment consumer lag', [[`sum by (partition) (kafka_consumer_lag{topic="${ORDERS_TOPIC}"})`, 'partition {{partition}}']]),
    timeseries('Events applied by fulfilment', [['sum by (outcome) (rate(fulfilment_events_processed_total[1m])) * 60', '{{outcome}}/min']]),
  ],
});
