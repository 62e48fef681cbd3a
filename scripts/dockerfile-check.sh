#!/usr/bin/env bash
# Checks the Dockerfile without a container daemon and without Docker Hub or gcr.io: buildah (Debian's) builds it
# on stand-in base images made here (Debian bookworm minbase from debootstrap, plus Node from the npm `node`
# package and npm itself for the build stage), then the result answers initialize and tools/list as user 65532.
# Needs root, buildah, debootstrap, a Debian mirror and the npm registry. Usage: sudo scripts/dockerfile-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
NODE_MAJOR="${NODE_MAJOR:-24}"
work="$(mktemp -d)"
tag="localhost/k8s-mcp-dockerfile-check:$$"
cleanup() {
  buildah rm "${ctr:-none}" >/dev/null 2>&1 || true
  buildah rmi "$tag" localhost/k8s-mcp-check-base:$$ localhost/k8s-mcp-check-build:$$ >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== stand-in base: Debian bookworm minbase" >&2
debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >/dev/null
mkdir -p "$work/rootfs/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/" # includes any TLS-intercepting proxy's CA
base=$(buildah from scratch)
buildah copy "$base" "$work/rootfs" / >/dev/null
buildah commit -q "$base" localhost/k8s-mcp-check-base:$$ >/dev/null
buildah rm "$base" >/dev/null

echo "== stand-in build image: + node@${NODE_MAJOR} and npm from the npm registry" >&2
npm install --prefix "$work/npm" --no-save --no-audit --no-fund "node@${NODE_MAJOR}" npm@11 >/dev/null 2>&1
mkdir -p "$work/rootfs/usr/local/lib/node_modules" "$work/rootfs/usr/local/bin"
cp -L "$work/npm/node_modules/node/bin/node" "$work/rootfs/usr/local/bin/node"
cp -a "$work/npm/node_modules/npm" "$work/rootfs/usr/local/lib/node_modules/"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
build=$(buildah from scratch)
buildah copy "$build" "$work/rootfs" / >/dev/null
buildah config --env PATH=/usr/local/bin:/usr/bin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --env npm_config_cafile=/etc/ssl/certs/ca-certificates.crt "$build"
buildah commit -q "$build" localhost/k8s-mcp-check-build:$$ >/dev/null
buildah rm "$build" >/dev/null

echo "== buildah bud (the committed tree only, .dockerignore applied)" >&2
mkdir "$work/ctx"
git archive HEAD | tar -x -C "$work/ctx"
(cd "$work/ctx" && buildah bud --isolation chroot --layers=false -q \
  --build-arg NODE_IMAGE=localhost/k8s-mcp-check-build:$$ \
  --build-arg RUNTIME_IMAGE=localhost/k8s-mcp-check-base:$$ -t "$tag" -f Dockerfile . >"$work/bud.log" 2>&1) ||
  { cat "$work/bud.log" >&2; exit 1; }

echo "== run: user, entrypoint, initialize and tools/list" >&2
ctr=$(buildah from "$tag")
[ "$(buildah inspect --format '{{.OCIv1.Config.User}}' "$ctr")" = "65532:65532" ]
root=$(buildah mount "$ctr")
printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"check","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' |
  timeout 30 chroot --userspec=65532:65532 "$root" env HOME=/tmp /usr/local/bin/k8s-mcp --kubeconfig-dir /none \
    2>/dev/null >"$work/out.jsonl"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const tools = lines.find((m) => m.id === 2)?.result?.tools?.length ?? 0;
  if (lines.find((m) => m.id === 1)?.result?.serverInfo?.name !== "k8s-mcp" || tools < 10) process.exit(1);
  console.log(`ok: the Dockerfile image answers initialize and lists ${tools} tools as user 65532`);
' "$work/out.jsonl"
buildah umount "$ctr" >/dev/null
