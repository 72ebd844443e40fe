#!/bin/bash
# Run once by Patroni on the member that initialises the cluster: creates the application role
# and database. The schema itself belongs to the services (migrations), not to this image.
# Idempotent, because after a restore from pgBackRest (see entrypoint.sh) they already exist.
set -euo pipefail
conn="$1"
psql -v ON_ERROR_STOP=1 -v user="$APP_DB_USER" -v pass="$APP_DB_PASSWORD" -v db="$APP_DB_NAME" "$conn" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'user', :'pass')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SELECT format('CREATE ROLE metrics LOGIN IN ROLE pg_monitor PASSWORD %L', :'pass')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'metrics') \gexec
SQL

if [ -n "${SURGE_RESTORE_BOOTSTRAP:-}" ]; then
  # The restore succeeded and the cluster is promoted: later bootstraps must not restore again, and
  # the backup scheduler takes a fresh full backup on the new timeline.
  touch /var/lib/pgbackrest/FULL_BACKUP_REQUESTED
  rm -f /var/lib/pgbackrest/RESTORE_REQUESTED
  echo "pg-post-bootstrap: restored from pgBackRest; marker cleared, full backup requested" >&2
fi
