#!/bin/sh
# One etcd member. It is known everywhere by its global name, $ETCD_NAME.surge (in other sites that
# name is Toxiproxy's WAN listener), on its own ports, ETCD_PORTS="<client> <peer>".
# A member with ETCD_JOIN (region B's and the witness, services/lab/src/wan.ts) joins the running
# cluster there the first time it starts: as a learner, which does not count towards quorum, then
# promoted to a voting member once it has caught up. So adding a member never leaves the cluster
# waiting for one that is not running yet.
set -eu
set -- ${ETCD_PORTS:-2379 2380}
client=$1 peer=$2
export ETCD_LISTEN_CLIENT_URLS="http://0.0.0.0:$client"
export ETCD_ADVERTISE_CLIENT_URLS="http://$ETCD_NAME.surge:$client"
export ETCD_LISTEN_PEER_URLS="http://0.0.0.0:$peer"
export ETCD_INITIAL_ADVERTISE_PEER_URLS="http://$ETCD_NAME.surge:$peer"
log() { echo "etcd-entrypoint: $*" >&2; }

if [ -z "${ETCD_JOIN:-}" ] || [ -d "$ETCD_DATA_DIR/member" ]; then
  exec etcd
fi

ctl() { etcdctl --endpoints="$ETCD_JOIN" --command-timeout=5s "$@"; }
# Already added (a start that failed after `member add`) or not yet: either way, learn the cluster.
while :; do
  if list=$(ctl member list 2>/dev/null); then
    if ! echo "$list" | grep -q "$ETCD_INITIAL_ADVERTISE_PEER_URLS"; then
      # etcd takes one learner at a time: another joining member makes this fail until it is promoted.
      ctl member add "$ETCD_NAME" --learner --peer-urls="$ETCD_INITIAL_ADVERTISE_PEER_URLS" >/dev/null 2>&1 || { sleep 2; continue; }
      list=$(ctl member list)
    fi
    break
  fi
  log "waiting for the cluster at $ETCD_JOIN"; sleep 2
done
# member list: id, status, name, peer URLs, client URLs, is learner. This member has no name yet.
ETCD_INITIAL_CLUSTER=$(echo "$list" | awk -F', ' -v me="$ETCD_NAME" -v url="$ETCD_INITIAL_ADVERTISE_PEER_URLS" \
  '{ n = ($4 == url) ? me : $3; if (n != "") printf "%s%s=%s", sep, n, $4; sep = "," }')
export ETCD_INITIAL_CLUSTER ETCD_INITIAL_CLUSTER_STATE=existing
log "joining as a learner: $ETCD_INITIAL_CLUSTER"
etcd &
pid=$!
id=$(echo "$list" | awk -F', ' -v url="$ETCD_INITIAL_ADVERTISE_PEER_URLS" '$4 == url { print $1 }')
# Promotion fails until the learner has the leader's log; a member already promoted says so.
until out=$(ctl member promote "$id" 2>&1) || echo "$out" | grep -q "not a learner"; do sleep 1; done
log "promoted to a voting member"
trap 'kill -TERM $pid' TERM INT
wait $pid
