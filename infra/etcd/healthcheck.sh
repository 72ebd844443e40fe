#!/bin/sh
# Healthy when this member answers on its client port and the cluster has a leader (quorum).
set -- ${ETCD_PORTS:-2379 2380}
exec etcdctl --endpoints="http://127.0.0.1:$1" --command-timeout=2s endpoint health
