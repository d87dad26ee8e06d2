#!/usr/bin/env bash
# Installs what building and testing need, on a fresh machine of this kind.
# Idempotent: each step is skipped when what it installs is already there.
# Called by `make demo` and `make test` (and so by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
say() { echo "setup: $*" >&2; }
start=$(date +%s)

# 1. The WebAssembly target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 1b. clippy (make test denies its warnings: the no-panic lints of src/lib.rs).
if ! cargo clippy --version >/dev/null 2>&1; then
  say "adding the clippy component"
  rustup component add clippy
fi

# 1c. The release toolchain (scripts/build-main.sh, scripts/build-card.sh): exactly this
#     nightly, with rust-src, to rebuild std with -Cpanic=immediate-abort.
card_toolchain=nightly-2026-05-20
# (wasm-pack also wants the toolchain's wasm32 target, even with build-std.)
if ! rustup run "$card_toolchain" rustc --version >/dev/null 2>&1 \
  || ! rustup component list --toolchain "$card_toolchain" --installed 2>/dev/null | grep -q '^rust-src' \
  || ! rustup target list --toolchain "$card_toolchain" --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "installing $card_toolchain with rust-src and the wasm32 target (the card entry's build)"
  rustup toolchain install "$card_toolchain" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi

# 2. wasm-pack (its own downloads fail here: everything it would fetch is installed below).
if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (about 2 minutes)"
  cargo install wasm-pack --locked
fi

# 3. wasm-bindgen-cli of exactly the version Cargo.lock pins (Cargo.toml says "=X").
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (have: ${have:-none}; about 2 minutes)"
  # Not --locked: that fails here on an index mismatch.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# 4. From Debian, with one `apt-get update` for all of them: Chromium and
#    its driver (never Debian's binaryen: its wasm-opt 108 writes a .wasm
#    that fails to instantiate; npm's is used), and PostgreSQL (the backend
#    tests' second store and `make load-cluster`: scripts/pg.sh starts a
#    throwaway cluster from its binaries in /usr/lib/postgresql/*/bin; the
#    package's own cluster is not used).
apt_missing=()
command -v chromium >/dev/null || apt_missing+=(chromium)
command -v chromedriver >/dev/null || apt_missing+=(chromium-driver)
# Firefox ESR: the wasm-pack browser tests run in it too (with geckodriver, step 4c), and the
# e2e and package pages (BROWSER=firefox: playwright-core drives this stock build over WebDriver
# BiDi, its `moz-firefox` channel with executablePath; nothing is downloaded).
command -v firefox-esr >/dev/null || apt_missing+=(firefox-esr)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_missing+=(postgresql)
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing ${apt_missing[*]} (apt-get)"
  sudo_="" ; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  if [[ " ${apt_missing[*]} " == *" postgresql "* ]]; then
    apt-cache policy postgresql | sed -n 1,3p
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# 4c. geckodriver, the WebDriver server wasm-pack drives Firefox with
#     (Debian does not package it; about 2 minutes).
if ! command -v geckodriver >/dev/null; then
  say "installing geckodriver (about 2 minutes)"
  cargo install geckodriver --locked
fi

# 4b. Fonts for the Indian scripts of the locales (Devanagari, Bengali,
#     Gujarati, Tamil, Telugu, Kannada), so the e2e screenshots of the
#     localised demo show letters, not boxes (tests/e2e/locales.test.mjs).
fonts="fonts-lohit-deva fonts-lohit-beng-bengali fonts-lohit-gujr fonts-lohit-taml fonts-lohit-telu fonts-lohit-knda"
# shellcheck disable=SC2086
if ! dpkg -s $fonts >/dev/null 2>&1; then
  say "installing the Lohit fonts for the Indian scripts"
  sudo_="" ; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq $fonts >/dev/null
fi

# 5. Node packages (binaryen's wasm-opt, playwright-core) from the committed lockfile.
if ! cmp -s package-lock.json node_modules/.setup-lock 2>/dev/null; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.setup-lock
fi
# The Express example's own packages (express; razorpay-checkout-wasm is a link to ../../pkg).
if ! cmp -s examples/express/package-lock.json examples/express/node_modules/.setup-lock 2>/dev/null; then
  say "npm ci (examples/express)"
  (cd examples/express && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.setup-lock)
fi

say "ready in $(( $(date +%s) - start ))s"
