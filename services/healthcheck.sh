#!/bin/bash
# Container healthcheck: healthy while /readyz answers 200 (HEALTHCHECK_PATH=/healthz: while the
# process answers at all, for a replica that stands by unready). Plain bash (/dev/tcp), so a check
# every few seconds costs a few milliseconds, not a Node start-up.
exec 3<>"/dev/tcp/127.0.0.1/${PORT:-8080}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "${HEALTHCHECK_PATH:-/readyz}" >&3
IFS= read -r -t 2 status <&3 || exit 1
[[ "$status" == *" 200 "* ]]
