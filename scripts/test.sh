#!/usr/bin/env bash
# Every test: native Rust tests (card engine, checkout core, backend and
# sandbox), the exports in headless Chromium, the release package loaded and
# called in node, and the demo pages driven in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh

echo "== native tests (cargo test --workspace)"
cargo test --workspace --quiet

echo "== wasm exports in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver

echo "== release package build"
scripts/build-pkg.sh

echo "== release package and demo pages (node --test, Playwright + Chromium)"
node --test --test-concurrency=1 tests/js/ tests/e2e/
