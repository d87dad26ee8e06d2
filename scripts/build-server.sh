#!/usr/bin/env bash
# Builds the server kit (`razorpay-checkout-wasm/server`, for Node backends)
# into pkg/server/: crates/server-wasm (the checkout core with the browser
# edge off, plus signatures, webhooks, the OTP relay and error answers),
# wasm-bindgen's `web` glue (ES module; pkg-template/server.js instantiates
# it synchronously from the file beside it), then npm binaryen's wasm-opt.
# It ships to servers, never to shoppers: not minified, not in the browser
# size budgets (bench/size.mjs counts only what a page loads). Called by
# scripts/build-pkg.sh before merge-template.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out=${1:-pkg/server}

rm -rf "$out"
wasm-pack build crates/server-wasm --release --target web --out-dir "$PWD/$out" --out-name server_kit --no-opt 2>&1 \
  | { grep -v '^\[INFO\]' || true; }
# (server.d.ts, from pkg-template/, is the typed API; the glue's own .d.ts is not shipped.)
rm -f "$out/package.json" "$out/.gitignore" "$out/README.md" "$out/server_kit_bg.wasm.d.ts" "$out/server_kit.d.ts"
wasm=$out/server_kit_bg.wasm
node_modules/.bin/wasm-opt "$wasm" -O2 --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
echo "$out: wasm $(stat -c %s "$wasm") B (server only, not in the browser budgets)"
