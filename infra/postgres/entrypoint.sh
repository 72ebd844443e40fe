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

# Disaster recovery (chaos/faults/dr.ts): the marker in the shared repo volume asks a member whose data
# directory is gone to bootstrap the cluster from the pgBackRest backup instead of running initdb.
# Without the marker (a brand-new lab) nothing changes. Patroni only bootstraps when etcd holds no
# cluster, so with the marker a member that finds a live leader still just clones it as a replica.
RESTORE_MARKER=/var/lib/pgbackrest/RESTORE_REQUESTED
config=/etc/patroni/patroni.yml
if [ "${1:-}" = "patroni" ] && [ -f "$RESTORE_MARKER" ] && [ -z "$(ls -A "$PGDATA" 2>/dev/null)" ]; then
  # Refuse rather than loop on failed restores (or silently initdb) when the repo holds no backup.
  if ! pgbackrest --stanza=surge --output=json info | jq -e '.[0].backup | length > 0' >/dev/null; then
    echo "pg-entrypoint: $RESTORE_MARKER is present but the pgBackRest repo has no backup to restore" >&2
    exit 65
  fi
  echo "pg-entrypoint: restore requested and $PGDATA is empty: bootstrap method pgbackrest" >&2
  # Patroni merges every *.yml of a config directory in name order: the base file, then the restore method.
  config=/tmp/patroni.d
  mkdir -p "$config"
  cp /etc/patroni/patroni.yml "$config/00-patroni.yml"
  cp /etc/patroni/restore.yml "$config/10-restore.yml"
  # Tells post-bootstrap that this bootstrap is a restore (clear the marker, ask for a fresh full backup).
  export SURGE_RESTORE_BOOTSTRAP=1
fi

if [ "${1:-}" = "patroni" ]; then
  # Each member announces its current IP rather than its name. Patroni's etcd module caches DNS for
  # every HTTP connection it makes (10 minutes), and a member killed and started again can come back
  # with another IP: the other member then kept calling the old one, and a switchover found "no good
  # candidates". The address in etcd is renewed on every start, so nobody needs DNS to find a member.
  ip=$(getent hosts "$(hostname)" | awk '{ print $1; exit }')
  if [ -n "$ip" ]; then
    export PATRONI_RESTAPI_CONNECT_ADDRESS="${ip}:${PATRONI_RESTAPI_CONNECT_ADDRESS##*:}"
    export PATRONI_POSTGRESQL_CONNECT_ADDRESS="${ip}:${PATRONI_POSTGRESQL_CONNECT_ADDRESS##*:}"
  fi
  # Backups run beside Patroni; the scheduler acts only while this member leads.
  /usr/local/bin/pg-backup-scheduler &
  exec patroni "$config"
fi
exec "$@"
