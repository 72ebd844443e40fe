#!/bin/bash
set -euo pipefail
/usr/local/bin/upstream-sync --once
/usr/local/bin/upstream-sync &
exec nginx -g 'daemon off;'
