#!/usr/bin/env bash
# Every test: native Rust tests (card engine, checkout core, backend and
# sandbox), the exports in headless Chromium, the release package loaded and
# called in node, the packed npm package consumed by fresh projects (Vite,
# plain ESM page, node; tsc and attw), and the demo pages driven in headless
# Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

scripts/setup.sh

echo "== native tests (cargo test --workspace)"
cargo test --workspace --quiet

echo "== clippy, warnings denied (the crate denies unwrap, expect, panic and indexing outside tests)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests --quiet -- -D warnings

echo "== wasm exports in headless Chromium (wasm-pack test)"
# The checkout tests post to a stand-in merchant backend on 127.0.0.1:18455.
node tests/support/mock-merchant.mjs 18455 &
mock=$!
trap 'kill $mock 2>/dev/null || true' EXIT
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
kill $mock 2>/dev/null || true

echo "== release package build"
scripts/build-pkg.sh
cargo build -p razorpay-demo --quiet

echo "== the npm package as merchants get it (npm pack; attw; tsc --strict; Vite 7 build and dev server, plain ESM page and node, in headless Chromium)"
node --test --test-concurrency=1 tests/pkg/

echo "== release package, and every demo flow against the backend + sandbox (node --test, Playwright + Chromium)"
node --test --test-concurrency=1 tests/js/ tests/e2e/
