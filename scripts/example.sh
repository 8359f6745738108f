#!/usr/bin/env bash
# slimgo's main job on the bundled example service (examples/notes):
#   1. analyse the module and write its Dockerfile and .dockerignore, explaining each choice;
#   2. build the image with no Docker daemon, as an OCI layout and a tarball podman/docker can load;
#   3. verify the image: static binary, non-root, certificates where needed, health check runnable.
# Installs what it needs first: npm dependencies, and Go from the system packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-node.sh
npm ci --no-audit --no-fund >/dev/null

echo "== slimgo init examples/notes"
node bin/slimgo.js init --force examples/notes
echo
echo "== examples/notes/Dockerfile"
cat examples/notes/Dockerfile

if ! command -v go >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Go (golang-go) for slimgo build"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
  else
    echo "slimgo build needs Go: install it (Debian/Ubuntu: sudo apt-get install golang-go; others: https://go.dev/dl), then re-run $0" >&2
    exit 2
  fi
fi

out=${SLIMGO_EXAMPLE_OUT:-examples/notes/out}
echo
echo "== slimgo build examples/notes"
node bin/slimgo.js build examples/notes --oci-layout "$out/oci" --tarball "$out/notes.tar" -t latest
echo
echo "== slimgo verify oci:$out/oci:latest"
node bin/slimgo.js verify "oci:$out/oci:latest"
echo
echo "Load and run it:  podman load -i $out/notes.tar && podman run --rm -p 8080:8080 localhost/notes:latest"
