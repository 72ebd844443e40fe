#!/bin/bash
# nginx serves; mtail beside it reads the access log as syslog over UDP on loopback and exports
# edge_http_requests_total{status,cache} on :3903 for Prometheus.
set -euo pipefail
mkdir -p /tmp/mtail
mtail --progs /etc/mtail --logs udp://127.0.0.1:5140 --port 3903 --logtostderr --emit_prog_label=false >/tmp/mtail/mtail.log 2>&1 &
for _ in $(seq 1 50); do grep -q ':1414 00000000:0000 07' /proc/net/udp && break; sleep 0.1; done # mtail listens on 5140
exec nginx -g 'daemon off;'
