#!/usr/bin/env bash
# Builds the release package into pkg/: the main module (scripts/build-main.sh:
# wasm-pack on the pinned nightly, npm binaryen's wasm-opt in scripts/opt-wasm.sh,
# short import and export names in scripts/minify-names.mjs), its glue
# minified, the wasm2js fallback, the card entry (scripts/build-card.sh), then
# the files of pkg-template/ merged in and the integrity hashes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The main module: pkg/razorpay_checkout_wasm{.js,_bg.wasm} (scripts/build-main.sh).
scripts/build-main.sh pkg
wasm=pkg/razorpay_checkout_wasm_bg.wasm

# The JS glue and the small modules it imports (src/wasm/shapes.js),
# minified in place, identifiers too (exports keep their names): the glue
# goes from about 39 to 16 KB (8.7 → 5.3 KB gzip), for pages that load it
# with no bundler.
minify() {
  node_modules/.bin/esbuild "$1" --minify --format=esm --target=es2020 --log-level=warning --outfile="$1.min"
  mv "$1.min" "$1"
}
glue=pkg/razorpay_checkout_wasm.js
glue_before=$(stat -c %s "$glue")
minify "$glue"
find pkg/snippets -name '*.js' 2>/dev/null | while read -r js; do minify "$js"; done

# fallback.js: the .wasm as JavaScript (wasm2js), for pages that refuse WebAssembly.
node scripts/fallback.mjs pkg

# The card entry, pkg/card/ (its own module: scripts/build-card.sh), and its
# wasm2js fallback, pkg/card/fallback.js: index.js starts the card module too
# (the main entry's card functions are the card entry's), on JavaScript where
# the page refuses WebAssembly, as it does the main module.
scripts/build-card.sh pkg/card
node scripts/fallback.mjs pkg/card card_bg.wasm
# The glue's src/wasm/card.js snippet becomes the card entry's card.js
# (scripts/card-snippet.mjs says why).
node scripts/card-snippet.mjs pkg

# The server kit, pkg/server/ (for Node backends: scripts/build-server.sh).
scripts/build-server.sh pkg/server

node scripts/merge-template.mjs pkg pkg-template

# The messages entry and each locale module (pkg-template/messages.js,
# pkg-template/locales/*.js), minified too; UTF-8 kept (escaping each
# Indic letter as \uXXXX would double the locales' size).
for js in pkg/messages.js pkg/locales/*.js; do
  node_modules/.bin/esbuild "$js" --minify --format=esm --target=es2020 --charset=utf8 --log-level=warning --outfile="$js.min"
  mv "$js.min" "$js"
done

# SHA-384s, last, over the files as shipped (after every minification): the
# .wasm's into index.js, every browser file's into integrity.json.
node scripts/integrity.mjs pkg

gz=$(gzip -9 -c "$wasm" | wc -c)
js=$(stat -c %s pkg/razorpay_checkout_wasm.js)
jsgz=$(gzip -9 -c pkg/razorpay_checkout_wasm.js | wc -c)
msg=$(gzip -9 -c pkg/messages.js | wc -c)
loc=$(for f in pkg/locales/*.js; do printf '%s %s B, ' "$(basename "$f" .js)" "$(gzip -9 -c "$f" | wc -c)"; done)
echo "pkg: messages.js ${msg} B gzip -9; locales (gzip -9): ${loc%, }"
echo "pkg: wasm $(stat -c %s "$wasm") B (${gz} B gzip -9); glue ${glue_before} B before esbuild, ${js} B after (${jsgz} B gzip -9)"
