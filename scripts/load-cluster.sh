#!/usr/bin/env bash
# `make load-cluster`: two razorpay-demo processes on one throwaway
# PostgreSQL (scripts/pg.sh), a round-robin in front, then faults (SIGKILL
# of one instance, a PostgreSQL restart); see
# www/server/examples/load_cluster.rs. Arguments go to the example
# (e.g. --short, --inject-fault, --seconds 60 --shoppers 32).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo build --release --quiet -p razorpay-demo --bin razorpay-demo --example load_cluster
tmp=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
trap 'scripts/pg.sh stop "$tmp/pg"; rm -rf "$tmp"' EXIT
url=$(scripts/pg.sh start "$tmp/pg" "$port")
target/release/examples/load_cluster --database-url "$url" --pg-dir "$tmp/pg" "$@"
