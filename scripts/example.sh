#!/usr/bin/env bash
# slimgo's main job on the bundled example service (examples/notes): analyse the module and
# write its Dockerfile and .dockerignore, explaining each choice.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund >/dev/null
node bin/slimgo.js init --force examples/notes
echo
echo "Dockerfile written to examples/notes/Dockerfile:"
cat examples/notes/Dockerfile
