#!/bin/sh
set -eu
kind=${1:?usage: exporter postgres|redis|nginx [flags]}; shift
case "$kind" in
  postgres) : "${DATA_SOURCE_NAME:?DATA_SOURCE_NAME is required for the postgres exporter}"
            exec prometheus-postgres-exporter --web.listen-address=:9187 "$@" ;;
  redis)    : "${REDIS_ADDR:?REDIS_ADDR is required for the redis exporter}"
            exec prometheus-redis-exporter -web.listen-address=:9121 "$@" ;;
  nginx)    : "${NGINX_SCRAPE_URI:?NGINX_SCRAPE_URI is required for the nginx exporter}"
            exec prometheus-nginx-exporter --web.listen-address=:9113 --nginx.scrape-uri="$NGINX_SCRAPE_URI" "$@" ;;
  *) echo "exporter: unknown kind '$kind' (postgres|redis|nginx)" >&2; exit 64 ;;
esac
