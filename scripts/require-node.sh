# Sourced by example.sh and test.sh: slimgo needs Node.js 20 or later with npm (Debian 12's own nodejs is 18).
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "slimgo needs Node.js 20 or later with npm on PATH (found: $(node --version 2>/dev/null || echo none)); install it (e.g. from nodejs.org or NodeSource) and run this again" >&2
  exit 2
fi
