#!/usr/bin/env bash
# Installs Compose v2 as a docker CLI plugin from Debian 13's docker-compose package.
# The .deb is fetched inside a debian:trixie-slim container because the host is Debian 12.
set -euo pipefail
dest=/usr/local/lib/docker/cli-plugins
if docker compose version >/dev/null 2>&1; then docker compose version; exit 0; fi
mkdir -p "$dest"
docker run --rm -v "$dest:/out" debian:trixie-slim bash -ec '
  apt-get update -qq >/dev/null
  cd /tmp && apt-get download -qq docker-compose >/dev/null
  dpkg -x docker-compose_*.deb x
  install -m 0755 x/usr/libexec/docker/cli-plugins/docker-compose /out/docker-compose'
docker compose version
