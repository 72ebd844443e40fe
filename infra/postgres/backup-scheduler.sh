#!/bin/bash
# Keeps pgBackRest backups current while this member is the leader:
#  - no stanza or no backup yet  -> stanza-create and a full backup (bootstrap, or after a restore);
#  - last full older than BACKUP_FULL_EVERY seconds -> full; last backup older than BACKUP_DIFF_EVERY -> diff;
#  - FULL_BACKUP_REQUESTED in the repo (left by a restore, see post-bootstrap.sh) -> full.
set -uo pipefail
STANZA=surge
FULL_EVERY=${BACKUP_FULL_EVERY:-86400}
DIFF_EVERY=${BACKUP_DIFF_EVERY:-3600}
FULL_REQUESTED=/var/lib/pgbackrest/FULL_BACKUP_REQUESTED
log() { echo "pg-backup-scheduler: $*" >&2; }

is_leader() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${PATRONI_PORT:-8008}/primary"; }

run_backup() {
  log "starting $1 backup"
  if pgbackrest --stanza=$STANZA --type="$1" backup; then log "$1 backup done"; else log "$1 backup failed"; return 1; fi
}

sleep 5
while true; do
  if is_leader; then
    info=$(pgbackrest --stanza=$STANZA --output=json info 2>/dev/null || echo '[]')
    status=$(jq -r '.[0].status.code // 99' <<<"$info")
    now=$(date +%s)
    if [ "$status" = "1" ] || [ "$status" = "3" ] || [ "$status" = "99" ]; then
      # 1 = missing stanza path, 3 = missing stanza data, 99 = no info at all.
      log "no stanza yet: creating"
      pgbackrest --stanza=$STANZA stanza-create && run_backup full
    elif [ "$status" = "2" ]; then
      run_backup full
    elif [ "$status" = "0" ]; then
      last_full=$(jq -r '[.[0].backup[] | select(.type=="full") | .timestamp.stop] | max // 0' <<<"$info")
      last_any=$(jq -r '[.[0].backup[] | .timestamp.stop] | max // 0' <<<"$info")
      if [ -f "$FULL_REQUESTED" ]; then
        # Removed only once the backup succeeded, so a failed one is retried.
        run_backup full && rm -f "$FULL_REQUESTED"
      elif [ $((now - last_full)) -ge "$FULL_EVERY" ]; then run_backup full
      elif [ $((now - last_any)) -ge "$DIFF_EVERY" ]; then run_backup diff
      fi
    else
      log "pgbackrest info status $status: $(jq -c '.[0].status' <<<"$info")"
      # A stanza whose system id no longer matches (a restored or re-initialised cluster) needs upgrade.
      pgbackrest --stanza=$STANZA stanza-upgrade >/dev/null 2>&1 && log "stanza upgraded"
    fi
  fi
  sleep 15
done
