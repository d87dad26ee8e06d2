#!/usr/bin/env bash
# Builds the card entry (`razorpay-checkout-wasm/card`) into pkg/card/:
# crates/card-wasm (the main crate's card engine and card exports, with the
# `checkout` feature off; lol_alloc under the zero-on-free wrapper), then
# npm binaryen's wasm-opt and esbuild as for the main entry. Called by
# scripts/build-pkg.sh before merge-template.mjs (which checks that every
# file `exports` names exists). `scripts/build-card.sh <out dir> [cargo args]`
# builds elsewhere (scripts/test.sh's insecure-no-wipe control).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out=${1:-pkg/card}
shift || true

rm -rf "$out"
# A pinned nightly (scripts/setup.sh installs exactly it, with rust-src):
# the standard library rebuilt with `-Cpanic=immediate-abort` has no panic
# messages, no `core::fmt` and no `/rustc/...` source paths, 3.6 KB gzip
# less than stable's `panic = "abort"` (19,402 → 15,814 B gzip -9 for the
# .wasm), and std's `optimize_for_size` feature (its smaller algorithms,
# same behaviour) 315 B more. The workspace's and the registry's
# paths are remapped too, so no build machine path is in the download
# (tests/pkg/package.test.mjs checks the bytes).
toolchain=${CARD_TOOLCHAIN:-nightly-2026-05-20}
remap="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/registry --remap-path-prefix=$PWD=/src"
# (Its own target dir: the std it builds differs from stable's.)
CARGO_TARGET_DIR="$PWD/target/card-nightly" RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort $remap" \
  rustup run "$toolchain" wasm-pack build crates/card-wasm --release --target web --out-dir "$PWD/$out" --out-name card --no-opt \
  -- -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@" 2>&1 \
  | { grep -v '^\[INFO\]' || true; }
rm -f "$out/package.json" "$out/.gitignore" "$out/README.md" "$out/card_bg.wasm.d.ts"
# For resolvers that do not read `exports` (TypeScript's node10): what
# `razorpay-checkout-wasm/card` is, from the folder itself.
printf '%s\n' '{' '  "type": "module",' '  "sideEffects": false,' '  "main": "./card.js",' '  "types": "./card.d.ts"' '}' > "$out/package.json"

# The card fields' binding (bindCardFields, issue 13, src/wasm/fields.js):
# re-exported by the glue and bundled into it below (fields.js imports the
# glue's exports back: a cycle ES modules resolve, as nothing runs at
# import time). One file rather than two is 160 B gzip less.
cp src/wasm/fields.js "$out/fields.js"
printf '%s\n' "export { bindCardFields } from './fields.js';" >> "$out/card.js"

wasm=$out/card_bg.wasm
before=$(stat -c %s "$wasm")
# (`--converge` repeats -Oz until it gains nothing: 68 B gzip here.)
node_modules/.bin/wasm-opt "$wasm" -Oz --converge --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
for js in "$out/card.js" $(find "$out/snippets" -name '*.js' 2>/dev/null); do
  bundle=()
  [ "$js" = "$out/card.js" ] && bundle=(--bundle "--external:./snippets/*")
  node_modules/.bin/esbuild "$js" "${bundle[@]}" --minify --format=esm --target=es2020 --log-level=warning --outfile="$js.min"
  mv "$js.min" "$js"
done
rm "$out/fields.js"
node scripts/merge-card.mjs "$out"

after=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
jsgz=$(cat "$out/card.js" $(find "$out/snippets" -name '*.js') | gzip -9 | wc -c)
echo "$out: wasm ${before} B before wasm-opt, ${after} B after (${gz} B gzip -9); JS ${jsgz} B gzip -9"
