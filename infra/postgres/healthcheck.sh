#!/bin/bash
# Healthy when Postgres runs and this member is either the leader or a streaming replica.
set -eo pipefail
state=$(curl -fs --max-time 2 "http://127.0.0.1:${PATRONI_PORT:-8008}/patroni") || exit 1
role=$(jq -r .role <<<"$state"); pg=$(jq -r .state <<<"$state")
[ "$pg" = "running" ] || exit 1
case "$role" in
  primary|master) exit 0 ;;
  replica|standby_leader) [ "$(jq -r '.replication_state // "streaming"' <<<"$state")" = "streaming" ] ;;
  *) exit 1 ;;
esac
