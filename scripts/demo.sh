#!/usr/bin/env bash
# Builds the release package and serves the demo checkout on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
scripts/setup.sh
scripts/build-pkg.sh
exec node scripts/static-server.mjs "${PORT:-8080}"
