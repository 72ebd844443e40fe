#!/bin/sh
# Redis with its configuration on the data volume: REPLICAOF and CONFIG REWRITE (npm run region,
# the region controller) persist a region's role across restarts. REDIS_REPLICAOF ("host port") is
# the role at first start: region B's Redis replicates region A's through the WAN.
set -eu
conf=/data/surge.conf
if [ ! -f "$conf" ]; then
  cp /etc/redis/surge.conf "$conf"
  if [ -n "${REDIS_REPLICAOF:-}" ]; then echo "replicaof $REDIS_REPLICAOF" >> "$conf"; fi
fi
exec redis-server "$conf" "$@"
