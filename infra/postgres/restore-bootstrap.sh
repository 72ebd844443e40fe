#!/bin/bash
# Patroni's custom bootstrap command when a restore was requested: the data directory comes from the
# newest pgBackRest backup; Postgres then replays the archived WAL to its end (or to the recovery
# target written in the marker) and is promoted. Patroni runs post-bootstrap afterwards.
set -euo pipefail
marker=/var/lib/pgbackrest/RESTORE_REQUESTED
args=()
# Optional first line of the marker: a recovery target time (e.g. "2025-06-01 12:00:00+00").
target=$(head -n1 "$marker" 2>/dev/null | tr -d '\r' || true)
if [ -n "$target" ]; then args+=(--type=time "--target=$target" --target-action=promote); fi
mkdir -p -m 0700 "$PGDATA"
echo "pg-restore-bootstrap: pgbackrest restore ${args[*]:-(to the end of the archive)}" >&2
exec pgbackrest --stanza=surge restore "${args[@]}"
