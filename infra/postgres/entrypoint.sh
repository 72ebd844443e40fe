#!/bin/bash
# Starts one Patroni member. Fails fast, naming the variable, when configuration is missing.
set -euo pipefail

missing=()
for v in PATRONI_NAME PATRONI_RESTAPI_CONNECT_ADDRESS PATRONI_POSTGRESQL_CONNECT_ADDRESS \
         PATRONI_SUPERUSER_PASSWORD PATRONI_REPLICATION_PASSWORD APP_DB_NAME APP_DB_USER APP_DB_PASSWORD; do
  [ -n "${!v:-}" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "pg-entrypoint: missing required environment variable(s): ${missing[*]}" >&2
  exit 64
fi

if [ "${1:-}" = "patroni" ]; then
  # Backups run beside Patroni; the scheduler acts only while this member leads.
  /usr/local/bin/pg-backup-scheduler &
  exec patroni /etc/patroni/patroni.yml
fi
exec "$@"
