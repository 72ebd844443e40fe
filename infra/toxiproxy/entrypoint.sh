#!/bin/sh
# Toxiproxy, with its exporter of toxics and link state beside it on :8475.
toxiproxy-exporter --api http://127.0.0.1:8474 --listen :8475 --baselines /etc/toxiproxy/proxies.json &
exec toxiproxy-server "$@"
