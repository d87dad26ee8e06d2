#!/usr/bin/env bash
# npm binaryen's wasm-opt over a browser module, in place:
# `scripts/opt-wasm.sh <file.wasm> [--keep-names]`. scripts/build-card.sh
# runs it on the card entry's .wasm, scripts/build-main.sh on the main
# module's, bench/run.sh on its twiggy copy of the main module with
# --keep-names (the name section kept, every other section the same).
#
# The features are the ones rustc enables by default for
# wasm32-unknown-unknown. `--converge` repeats -Oz until it gains nothing.
# Then `--flatten --rereloop` and two more -Oz rebuild the control flow
# smaller; `--low-memory-unused` lets loads and stores fold a constant
# offset: true in both modules, whose shadow stack is the first 1 MiB,
# growing down from it, with the data and heap above it, so the low 1 KiB
# would be touched only by a stack 1,023 KiB deep (the card exports use
# under 2 KiB of it, the main module's deepest export, pay(), about 9 KiB:
# src/wasm/wipe.rs). A last local CSE and locals pass, and
# `--reorder-functions` (the most called first: smaller indices, and like
# code together for gzip).
# Measured, gzip -9: the card entry's .wasm, `--converge` 68 B, the control
# flow 66 B, `--low-memory-unused` 49 B, the locals 46 B, the reordering 66 B;
# the main module's, `--converge` about 380 B, `--low-memory-unused` 335 B,
# the rest 356 B (56,507 → 55,846 B together, 2026-12-02).
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
