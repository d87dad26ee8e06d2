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

echo "== the backend's contract and hardening tests again, on PostgreSQL (a throwaway cluster, scripts/pg.sh)"
pg_tmp=$(mktemp -d)
pg_port=$(( 20000 + RANDOM % 20000 ))
trap 'scripts/pg.sh stop "$pg_tmp/pg"; rm -rf "$pg_tmp"' EXIT
pg_url=$(scripts/pg.sh start "$pg_tmp/pg" "$pg_port")
for t in cluster flows fulfilment guard hardening money perimeter; do
  STORE=postgres TEST_DATABASE_URL="$pg_url" cargo test -p razorpay-demo --quiet --test "$t"
done
scripts/pg.sh stop "$pg_tmp/pg"
rm -rf "$pg_tmp"
trap - EXIT

echo "== cargo fmt --check (the workspace: the crate, www/server, crates/*)"
cargo fmt --all --check

echo "== clippy, warnings denied (the crate denies unwrap, expect, panic and indexing outside tests)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests --quiet -- -D warnings
# The card entry's configuration: the main crate without `checkout`, and crates/card-wasm.
cargo clippy --target wasm32-unknown-unknown -p razorpay-checkout-wasm --no-default-features --features edge --lib --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p razorpay-checkout-wasm-card --quiet -- -D warnings
# The server kit (crates/server-wasm: the checkout core without the browser edge).
cargo clippy --target wasm32-unknown-unknown -p razorpay-checkout-wasm-server --quiet -- -D warnings

echo "== wasm exports in headless Chromium and Firefox ESR (wasm-pack test)"
# The checkout tests post to a stand-in merchant backend on 127.0.0.1:18455.
node tests/support/mock-merchant.mjs 18455 &
mock=$!
trap 'kill $mock 2>/dev/null || true' EXIT
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)"
kill $mock 2>/dev/null || true

echo "== release package build"
scripts/build-pkg.sh
# The backend, and the hostile test backend the e2e tests start (examples/hostile_backend).
cargo build -p razorpay-demo --bins --examples --quiet

echo "== the npm package as merchants get it (npm pack; attw; tsc --strict; Vite 7 build and dev server, plain ESM page and node, in headless Chromium)"
node --test --test-concurrency=1 tests/pkg/

echo "== release package, the server kit, and every demo flow against the backend + sandbox, and the Express example's (node --test, Playwright + Chromium)"
node --test --test-concurrency=1 tests/js/ tests/server/ tests/e2e/

echo "== the same flows, leak scans, hostile answers, boundary and package pages in headless Firefox ESR (BROWSER=firefox: Playwright's moz-firefox channel over WebDriver BiDi, Debian's stock firefox-esr)"
# (leak-checker.test.mjs uses no browser: the run above is its only one. In
# package.test.mjs only the tests that load a page run again.)
BROWSER=firefox node --test --test-concurrency=1 tests/e2e/checkout.test.mjs tests/e2e/leak.test.mjs \
  tests/e2e/hostile.test.mjs tests/e2e/boundary.test.mjs tests/e2e/result.test.mjs tests/e2e/double-charge.test.mjs \
  tests/e2e/card-entry.test.mjs tests/e2e/express.test.mjs tests/pkg/package.test.mjs

echo "== the memory scan can fail: leak.test.mjs on a package built without wiping (feature insecure-no-wipe) must find the card"
scripts/build-main.sh build/pkg-no-wipe --features insecure-no-wipe
# The card entry too, without wiping (merge-template.mjs wants every file of
# `exports`, and card-entry.test.mjs scans it below).
scripts/build-card.sh build/pkg-no-wipe/card --features insecure-no-wipe
# (As scripts/build-pkg.sh: the card module's fallback, the glue's card.js snippet pointed at the card entry.)
node scripts/fallback.mjs build/pkg-no-wipe/card card_bg.wasm
node scripts/card-snippet.mjs build/pkg-no-wipe
# (The server kit, which `exports` names too, as shipped: no page loads it.)
cp -r pkg/server build/pkg-no-wipe/server
# (And its fallback.js, which package.json's `files` names: merge-template.mjs
# refuses a package without it.)
node scripts/fallback.mjs build/pkg-no-wipe
# The same template as the shipped package (index.js, messages.js, locales/,
# …) and its integrity.json, so the demo page loads from it exactly as from pkg/.
node scripts/merge-template.mjs build/pkg-no-wipe pkg-template
node scripts/integrity.mjs build/pkg-no-wipe
if LEAK_PKG_DIR=build/pkg-no-wipe node --test --test-concurrency=1 tests/e2e/leak.test.mjs > build/leak-no-wipe.log 2>&1; then
  echo "test.sh: leak.test.mjs passed on a package that does not wipe: the memory scan cannot fail" >&2
  exit 1
fi
found=$(grep -c "card data left in wasm memory" build/leak-no-wipe.log || true)
if [ "$found" -lt 3 ]; then
  cat build/leak-no-wipe.log >&2
  echo "test.sh: without wiping, leak.test.mjs failed, but not by finding card data in memory" >&2
  exit 1
fi
echo "ok: without wiping, every memory scan finds card data (build/leak-no-wipe.log)"
# The card entry's scan (tests/e2e/card-entry.test.mjs) must fail the same way.
if LEAK_PKG_DIR=build/pkg-no-wipe node --test --test-concurrency=1 tests/e2e/card-entry.test.mjs > build/leak-no-wipe-card.log 2>&1; then
  echo "test.sh: card-entry.test.mjs passed on a card entry that does not wipe: its memory scan cannot fail" >&2
  exit 1
fi
if ! grep -q "card entry: card data left in wasm memory" build/leak-no-wipe-card.log; then
  cat build/leak-no-wipe-card.log >&2
  echo "test.sh: without wiping, card-entry.test.mjs failed, but not by finding card data in memory" >&2
  exit 1
fi
echo "ok: without wiping, the card entry's memory scan finds card data (build/leak-no-wipe-card.log)"
# The same two scans in Firefox must fail the same way.
for t in leak card-entry; do
  log=build/leak-no-wipe-firefox-$t.log
  if BROWSER=firefox LEAK_PKG_DIR=build/pkg-no-wipe node --test --test-concurrency=1 "tests/e2e/$t.test.mjs" > "$log" 2>&1; then
    echo "test.sh: $t.test.mjs passed in Firefox on a package that does not wipe: its memory scan cannot fail there" >&2
    exit 1
  fi
  if ! grep -q "card data left in wasm memory" "$log"; then
    cat "$log" >&2
    echo "test.sh: without wiping, $t.test.mjs failed in Firefox, but not by finding card data in memory" >&2
    exit 1
  fi
done
echo "ok: without wiping, the memory scans find card data in Firefox too (build/leak-no-wipe-firefox-*.log)"
# And the card fields' (tests/e2e/card-fields.test.mjs: a card typed into inputs bindCardFields owns).
if LEAK_PKG_DIR=build/pkg-no-wipe node --test --test-concurrency=1 --test-name-pattern='memory' tests/e2e/card-fields.test.mjs > build/leak-no-wipe-fields.log 2>&1; then
  echo "test.sh: card-fields.test.mjs's memory scan passed on a card entry that does not wipe: it cannot fail" >&2
  exit 1
fi
if ! grep -q "card fields: card data left in wasm memory" build/leak-no-wipe-fields.log; then
  cat build/leak-no-wipe-fields.log >&2
  echo "test.sh: without wiping, card-fields.test.mjs failed, but not by finding card data in memory" >&2
  exit 1
fi
echo "ok: without wiping, the card fields' memory scan finds card data (build/leak-no-wipe-fields.log)"
