#!/usr/bin/env bash
# Everything the tests need, on a fresh Debian/Ubuntu machine, then the whole test suite.
# Unit tests alone, without containers: npm run test:unit
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-node.sh
bash scripts/install-testbed.sh
npm ci --no-audit --no-fund
npm test
