#!/usr/bin/env bash
# Builds the release package and starts the demo checkout (merchant backend
# + sandbox gateway) on loopback; it prints the address.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
scripts/setup.sh
scripts/build-pkg.sh
# The merchant backend, with its offline sandbox gateway unless
# RAZORPAY_BASE_URL points elsewhere (see README: "Against the real API").
exec cargo run -p razorpay-demo --quiet
