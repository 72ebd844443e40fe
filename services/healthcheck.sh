#!/bin/bash
# Container healthcheck: healthy while /readyz answers 200. Plain bash (/dev/tcp), so a check
# every few seconds costs a few milliseconds, not a Node start-up.
exec 3<>"/dev/tcp/127.0.0.1/${PORT:-8080}" || exit 1
printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 2 status <&3 || exit 1
[[ "$status" == *" 200 "* ]]
