#!/usr/bin/env bash
# npm binaryen's wasm-opt over the main module, in place:
# `scripts/opt-main.sh <file.wasm> [--keep-names]`. scripts/build-main.sh runs
# it on the shipped .wasm, bench/run.sh on its twiggy copy with --keep-names
# (the name section kept, every other section the same).
#
# The features are the ones rustc enables by default for
# wasm32-unknown-unknown. `--converge` repeats -Oz until it gains nothing
# (about 380 B gzip here). The passes after it are the card entry's
# (scripts/build-card.sh says why each is sound; the same layout holds here:
# the shadow stack is the first 1 MiB, growing down, the data and heap above
# it, and the deepest export, pay(), uses about 9 KiB of it, src/wasm/wipe.rs):
# `--low-memory-unused` 335 B gzip, `--flatten --rereloop` and the rest 356 B
# (56,507 → 55,846 B gzip -9 together, 2026-12-02).
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=$1
debug=--strip-debug
[ "${2:-}" = --keep-names ] && debug=-g
node_modules/.bin/wasm-opt "$wasm" --low-memory-unused -Oz --converge --flatten --rereloop -Oz -Oz \
  --local-cse --simplify-locals --reorder-locals --coalesce-locals -Oz --reorder-functions \
  "$debug" --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
