#!/usr/bin/env bash
# Builds the main module into <out dir> (default pkg/): wasm-pack's
# razorpay_checkout_wasm.js glue and razorpay_checkout_wasm_bg.wasm (release
# profile: lto, codegen-units = 1, opt-level "z"), then npm binaryen's
# wasm-opt (scripts/opt-wasm.sh) and short names (scripts/minify-names.mjs).
# `scripts/build-main.sh <out dir> [cargo args]`: scripts/build-pkg.sh
# builds pkg/ with it, scripts/test.sh the insecure-no-wipe control, the same
# way.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out=${1:-pkg}
shift || true

rm -rf "$out"
# The release toolchain: exactly the nightly scripts/setup.sh installs (with
# rust-src), the card entry's too (scripts/build-card.sh). The standard
# library rebuilt with `-Cpanic=immediate-abort` (and std's
# `optimize_for_size`) has no panic messages, no `core::fmt` for them, and
# with `-Zlocation-detail=none` no source paths: the main .wasm went from
# 72,016 to 63,470 B gzip -9 (2026-12-02). The registry's, the workspace's
# and the toolchain's paths are remapped as well, so no build machine path
# is in the download (tests/pkg/package.test.mjs checks the bytes). Its own
# target dir: the std it builds differs from stable's.
toolchain=${RELEASE_TOOLCHAIN:-nightly-2026-05-20}
sysroot=$(rustup run "$toolchain" rustc --print sysroot)
remap="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/registry --remap-path-prefix=$PWD=/src --remap-path-prefix=$sysroot=/rust"
# `platform-unicode`: a name's letters beyond ASCII are the browser's RegExp
# `\p{Alphabetic}`, not Unicode's table (Cargo.toml).
# (pipefail: a failed build fails this script; grep only hides wasm-pack's [INFO] lines)
# No reference types (nor multi-value): wasm-bindgen then keeps the JS values
# the module holds in the glue's array instead of an externref table, 722 B
# gzip -9 less .wasm for 243 B more glue (2026-12-06); fallback.mjs then has
# no table to rewrite.
features="-Ctarget-feature=-reference-types,-multivalue"
CARGO_TARGET_DIR="$PWD/target/main-nightly" RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none $features $remap" \
  rustup run "$toolchain" wasm-pack build . --release --target web --out-dir "$PWD/$out" --out-name razorpay_checkout_wasm --no-opt \
  -- -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size --features platform-unicode "$@" 2>&1 \
  | { grep -v '^\[INFO\]' || true; }

wasm=$out/razorpay_checkout_wasm_bg.wasm
before=$(stat -c %s "$wasm")
# Short import, export and module names, the glue matched to them; then
# wasm-opt. (In this order the shipped .wasm is 406 B gzip -9 smaller,
# 49,723 -> 49,317 B on 2026-12-06, with the same code: the passes, the last
# --reorder-functions among them, lay the functions out otherwise, and gzip
# finds more repeats. Measured against the other order, not reasoned.)
node scripts/minify-names.mjs "$out"
scripts/opt-wasm.sh "$wasm"
# The glue's one call of a method a page can patch after load: the slot
# array's `push` when it grows (Array.prototype.push made to throw would
# break every export); an index assignment instead.
node -e '
const fs = require("fs");
const glue = process.argv[1];
const text = fs.readFileSync(glue, "utf8");
const call = "if (heap_next === heap.length) heap.push(heap.length + 1);";
if (text.split(call).length !== 2) { console.error(`build-main: ${glue}: the heap growth line is not there once (has wasm-bindgen changed?)`); process.exit(1); }
fs.writeFileSync(glue, text.replace(call, "if (heap_next === heap.length) heap[heap.length] = heap.length + 1;"));
' "$out/razorpay_checkout_wasm.js"
echo "$out: main wasm ${before} B before wasm-opt, $(stat -c %s "$wasm") B after ($(gzip -9 -c "$wasm" | wc -c) B gzip -9)"
