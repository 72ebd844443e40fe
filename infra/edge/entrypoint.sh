#!/bin/bash
# The edge's three processes: HAProxy (balances over ready replicas, haproxy.cfg), nginx (cache,
# storefront, the public port) and mtail (reads nginx's metrics log, /dev/shm/edge-log/metrics.log, and
# exports edge_http_requests_total{status,cache} on :3903). When nginx or HAProxy dies the
# container exits, so Docker restarts the whole edge instead of leaving half of it running.
# mtail only counts: when it dies (a bench at 10k req/s once grew it past the memory limit) it is
# started again and the edge keeps serving; GOMEMLIMIT makes its Go runtime collect before that.
set -uo pipefail
# This edge's settings (docker-compose.yml), checked before anything starts.
case "${LAB_REGION:-}" in a | b) ;; *) echo "edge: LAB_REGION must be a or b, got '${LAB_REGION:-}'" >&2; exit 64 ;; esac
case "${EDGE_LISTEN_PORT:-}" in '' | *[!0-9]*) echo "edge: EDGE_LISTEN_PORT must be a port, got '${EDGE_LISTEN_PORT:-}'" >&2; exit 64 ;; esac
for v in PG_ROUTER PEER_FRONT_DOOR; do [ -n "${!v:-}" ] || { echo "edge: $v is required (docker-compose.yml)" >&2; exit 64; }; done
mkdir -p /tmp/mtail /dev/shm/edge-log # /dev/shm: 1777 after every restart (docker-compose.yml)
log=/dev/shm/edge-log/metrics.log
: >"$log" # mtail follows the files that exist when it starts
export GOMEMLIMIT="${MTAIL_MEMORY_LIMIT:-40MiB}"
(
  while true; do
    mtail --progs /etc/mtail --logs "$log" --port 3903 --logtostderr --emit_prog_label=false >>/tmp/mtail/mtail.log 2>&1
    echo "edge: mtail exited ($?), starting it again" >&2
    sleep 1
  done
) &
haproxy -W -db -f /etc/haproxy/haproxy.cfg &
haproxy_pid=$!
# nginx's configuration for this edge: its region and public port (nginx.conf's @...@ names);
# the debug switch EDGE_ACCESS_LOG=all writes an access-log line for every request, not a sample.
conf=/tmp/nginx.conf
log_all=''
[ "${EDGE_ACCESS_LOG:-sampled}" = all ] && log_all='s/ if=\$access_loggable;/;/'
sed -e "s/@LAB_REGION@/${LAB_REGION}/g; s/@EDGE_LISTEN_PORT@/${EDGE_LISTEN_PORT}/g" -e "${log_all}" /etc/nginx/nginx.conf >"$conf"
nginx -c "$conf" -g 'daemon off;' &
nginx_pid=$!
# Keeps the metrics log small (it lives in memory, counted against the container's limit): past
# 4 MiB it is renamed and nginx reopens its logs (SIGUSR1, which also flushes their buffers);
# mtail sees the new file, reads the rest of the old one first, and follows the new.
(
  while sleep 10; do
    if [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -gt 4194304 ]; then
      mv -f "$log" "$log.1" && kill -USR1 "$nginx_pid" 2>/dev/null
    fi
  done
) &
# SIGQUIT (the stop signal) or SIGTERM: nginx finishes its in-flight requests (SIGQUIT), HAProxy
# finishes its own (SIGUSR1, a soft stop), then mtail goes.
stop() {
  kill -QUIT "$nginx_pid" 2>/dev/null
  wait "$nginx_pid"
  kill -USR1 "$haproxy_pid" 2>/dev/null
  wait "$haproxy_pid"
  # mtail (and its restart loop) end with this process, the container's first
  exit 0
}
trap stop QUIT TERM INT
wait -n "$nginx_pid" "$haproxy_pid"
echo "edge: nginx or HAProxy exited ($?): stopping the container" >&2
kill -TERM "$nginx_pid" "$haproxy_pid" 2>/dev/null # mtail goes with the container
exit 1
