#!/bin/bash
# Keeps nginx's upstreams equal to the replicas Docker's DNS knows, every UPSTREAM_SYNC_SECONDS:
# nginx 1.26 resolves upstream names only at load, so a replica that was added, removed or came
# back with a new address is picked up by a graceful `nginx -s reload` (no request is dropped).
set -u
SERVICES=${UPSTREAM_SERVICES:-catalog cart checkout}
PORT=${UPSTREAM_PORT:-8080}
EVERY=${UPSTREAM_SYNC_SECONDS:-1}
OUT=/tmp/nginx/upstreams.conf

render() {
  for svc in $SERVICES; do
    echo "upstream $svc {"
    echo "    zone upstream_$svc 64k;"
    addrs=$(getent ahostsv4 "$svc" 2>/dev/null | awk '{print $1}' | sort -u)
    if [ -z "$addrs" ]; then
      # No replica running: nginx needs a server; this one is never tried.
      echo "    server 127.0.0.1:$PORT down;"
    else
      for a in $addrs; do echo "    server $a:$PORT max_fails=1 fail_timeout=2s;"; done
    fi
    echo "    keepalive 32;"
    echo "    keepalive_timeout 30s;"
    echo "}"
  done
}

mkdir -p /tmp/nginx
if [ "${1:-}" = "--once" ]; then render > "$OUT"; exit 0; fi
while sleep "$EVERY"; do
  next=$(render)
  if [ "$next" != "$(cat "$OUT" 2>/dev/null)" ]; then
    printf '%s\n' "$next" > "$OUT"
    echo "upstream-sync: $(grep -c 'server ' "$OUT") upstream servers; reloading nginx" >&2
    nginx -s reload 2>&1 | grep -v '^$' >&2 || true
  fi
done
