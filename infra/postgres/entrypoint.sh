#!/bin/bash
# Starts one Patroni member. Fails fast, naming the variable, when configuration is missing.
set -euo pipefail

missing=()
for v in PATRONI_NAME \
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
# Patroni merges every *.yml of a config directory in name order: the base file, then what this start
# adds (a restore method, the member's tags). Made afresh on every start.
config=/tmp/patroni.d
rm -rf "$config"; mkdir -p "$config"
cp /etc/patroni/patroni.yml "$config/00-patroni.yml"
if [ "${1:-}" = "patroni" ] && [ -f "$RESTORE_MARKER" ] && [ -z "$(ls -A "$PGDATA" 2>/dev/null)" ]; then
  # Refuse rather than loop on failed restores (or silently initdb) when the repo holds no backup.
  if ! pgbackrest --stanza=surge --output=json info | jq -e '.[0].backup | length > 0' >/dev/null; then
    echo "pg-entrypoint: $RESTORE_MARKER is present but the pgBackRest repo has no backup to restore" >&2
    exit 65
  fi
  echo "pg-entrypoint: restore requested and $PGDATA is empty: bootstrap method pgbackrest" >&2
  cp /etc/patroni/restore.yml "$config/10-restore.yml"
  # Tells post-bootstrap that this bootstrap is a restore (clear the marker, ask for a fresh full backup).
  export SURGE_RESTORE_BOOTSTRAP=1
fi

if [ "${1:-}" = "patroni" ]; then
  # Each member listens on its own ports, PGPORT and PATRONI_PORT, and is announced by its global
  # name, <member>.surge, which has a fixed address in its own site and is Toxiproxy's WAN listener in
  # the others (services/lab/src/wan.ts): so members in two regions find each other through the WAN.
  export PATRONI_POSTGRESQL_LISTEN="0.0.0.0:${PGPORT:-5432}"
  export PATRONI_RESTAPI_LISTEN="0.0.0.0:${PATRONI_PORT:-8008}"
  export PATRONI_POSTGRESQL_CONNECT_ADDRESS="${PATRONI_NAME}.surge:${PGPORT:-5432}"
  export PATRONI_RESTAPI_CONNECT_ADDRESS="${PATRONI_NAME}.surge:${PATRONI_PORT:-8008}"
  # The member's tags say its region's role: a member of the replica region is `nosync` (never the
  # leader's synchronous standby: commits do not wait for the WAN). `npm run region` rewrites them
  # when the regions swap roles (then asks Patroni to reload), so they live on the data volume, and
  # a member that restarts keeps its region's role. PATRONI_TAG_NOSYNC is the role at first start.
  tags=/var/lib/postgresql/data/region-tags.yml
  if [ ! -f "$tags" ]; then
    printf 'tags:\n  nofailover: false\n  noloadbalance: false\n  clonefrom: false\n  nosync: %s\n' "${PATRONI_TAG_NOSYNC:-false}" > "$tags"
  fi
  ln -sf "$tags" "$config/20-tags.yml"
  # A member killed (SIGKILL, a region outage) leaves postmaster.pid behind, naming a PID of its old
  # container. In this one the PID is often taken (PIDs start again at 1), so Postgres would take the
  # file for a live postmaster and refuse to start: Patroni then said "restarting after failure in
  # progress" for minutes. Nothing else runs Postgres on this data directory, so the file is stale.
  rm -f "$PGDATA/postmaster.pid"
  # Backups run beside Patroni; the scheduler acts only while this member leads.
  /usr/local/bin/pg-backup-scheduler &
  exec patroni "$config"
fi
exec "$@"
