#!/usr/bin/env bash
# Runs the given command (the test runner) with SLIMGO_CACHE_DIR set to a fresh directory, removed
# afterwards, unless it is already set: the tests neither read a stale ~/.cache/slimgo nor fill it.
set -euo pipefail
if [ -z "${SLIMGO_CACHE_DIR:-}" ]; then
  SLIMGO_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/slimgo-test-cache.XXXXXX")
  export SLIMGO_CACHE_DIR
  # Go leaves module-cache files read-only; make them writable so they can be removed.
  trap 'chmod -R u+w "$SLIMGO_CACHE_DIR" 2>/dev/null || true; rm -rf "$SLIMGO_CACHE_DIR"' EXIT
fi
"$@"
