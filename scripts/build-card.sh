#!/usr/bin/env bash
# Builds the card entry (`razorpay-checkout-wasm/card`) into pkg/card/:
# crates/card-wasm (the main crate's card engine and its text protocol,
# src/wire.rs, with the `checkout` feature off; a bump allocator under the
# zero-on-free wrapper; a raw ABI, no wasm-bindgen), then npm binaryen's
# wasm-opt, and esbuild bundling crates/card-wasm/card.js into one file. Called by
# scripts/build-pkg.sh before merge-template.mjs (which checks that every
# file `exports` names exists). `scripts/build-card.sh <out dir> [cargo args]`
# builds elsewhere (scripts/test.sh's insecure-no-wipe control).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out=${1:-pkg/card}
shift || true

rm -rf "$out"
mkdir -p "$out"
# A pinned nightly (scripts/setup.sh installs exactly it, with rust-src):
# the standard library rebuilt with `-Cpanic=immediate-abort` has no panic
# messages, no `core::fmt` and no `/rustc/...` source paths, 3.6 KB gzip
# less than stable's `panic = "abort"` (19,402 → 15,814 B gzip -9 for the
# .wasm), and std's `optimize_for_size` feature (its smaller algorithms,
# same behaviour) 315 B more. The workspace's and the registry's
# paths are remapped too, so no build machine path is in the download
# (tests/pkg/card.test.mjs checks the bytes). Plain cargo, no wasm-bindgen:
# the module's ABI is raw and its JS hand-written (crates/card-wasm/src/lib.rs).
toolchain=${CARD_TOOLCHAIN:-nightly-2026-05-20}
remap="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/registry --remap-path-prefix=$PWD=/src"
# (Its own target dir: the std it builds differs from stable's.)
target="$PWD/target/card-nightly"
CARGO_TARGET_DIR="$target" RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort $remap" \
  rustup run "$toolchain" cargo build --quiet --release --target wasm32-unknown-unknown -p razorpay-checkout-wasm-card \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
cp "$target/wasm32-unknown-unknown/release/razorpay_checkout_wasm_card.wasm" "$out/card_bg.wasm"
# For resolvers that do not read `exports` (TypeScript's node10): what
# `razorpay-checkout-wasm/card` is, from the folder itself.
printf '%s\n' '{' '  "type": "module",' '  "sideEffects": false,' '  "main": "./card.js",' '  "types": "./card.d.ts"' '}' > "$out/package.json"

wasm=$out/card_bg.wasm
before=$(stat -c %s "$wasm")
# wasm-opt's passes (scripts/opt-wasm.sh says why each is sound, and what it gains).
scripts/opt-wasm.sh "$wasm"
# One JS file: the hand-written glue with the builders of src/wasm/card.js
# and the card fields' binding (bindCardFields, src/wasm/fields.js, which
# the glue re-exports) bundled in (no second request, and only what it uses).
node_modules/.bin/esbuild crates/card-wasm/card.js --bundle --minify --format=esm --target=es2020 --log-level=warning --outfile="$out/card.js"
node scripts/merge-card.mjs "$out"

after=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
jsgz=$(gzip -9 -c "$out/card.js" | wc -c)
echo "$out: wasm ${before} B before wasm-opt, ${after} B after (${gz} B gzip -9); JS ${jsgz} B gzip -9"
