#!/usr/bin/env bash
# The benchmarks: size, speed and start-up of pkg/ beside card-validator +
# credit-card-type, in one run on this machine. Prints a markdown table and
# writes it to bench/results.md. Not part of the test command.
#
#   bench/run.sh [--no-build] [--samples N] [--loads N]
#
#   --no-build    measure pkg/ as it is (default: scripts/build-pkg.sh first)
#   --samples N   speed samples per workload (default 15)
#   --loads N     fresh Chromium page loads per start-up variant (default 11)
#
# Scratch files go to build/bench/ and build/bench-pkg/ (a copy of the
# release .wasm keeping its name section, for twiggy).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
say() { echo "bench: $*" >&2; }

build=1 samples=15 loads=11
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --samples) samples="$2"; shift ;;
    --loads) loads="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

work=build/bench
names=build/bench-pkg
mkdir -p "$work"

# 1. Tools. The bench's own npm packages, from its lockfile.
if [ ! -x bench/node_modules/.bin/esbuild ] || [ ! -d bench/node_modules/card-validator ] \
  || ! cmp -s bench/package-lock.json bench/node_modules/.bench-lock; then
  say "npm ci --prefix bench"
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
  cp bench/package-lock.json bench/node_modules/.bench-lock
fi
if [ "$build" = 1 ]; then
  scripts/setup.sh   # rust target, wasm-pack, wasm-bindgen, chromium, root node_modules (idempotent)
elif [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "bench/run.sh: root node_modules missing (playwright-core, binaryen): run scripts/setup.sh" >&2
  exit 1
fi
if ! command -v twiggy >/dev/null; then
  say "installing twiggy (cargo install, a few minutes)"
  cargo install twiggy --locked
fi

# 2. The package.
if [ "$build" = 1 ]; then
  say "scripts/build-pkg.sh"
  scripts/build-pkg.sh
fi
[ -f pkg/razorpay_checkout_wasm_bg.wasm ] || { echo "bench/run.sh: no pkg/: run without --no-build" >&2; exit 1; }
BENCH_BUILT=$build node bench/meta.mjs pkg > "$work/meta.json"

# 3. A copy of the release .wasm that keeps its names: scripts/build-main.sh's own
#    cargo output (target/main-nightly: the pinned nightly, immediate-abort std),
#    through wasm-bindgen and the same passes in the same order
#    (scripts/minify-names.mjs, scripts/opt-wasm.sh), keeping the name section (--keep-debug, -g).
#    (Until 2026-12-02 this was a stable wasm-pack build, which has the panic and
#    fmt code the release build drops: its attribution was of another module.)
#    size.mjs checks that its sections match pkg/ before trusting the attribution.
say "names-keeping copy of the release .wasm for twiggy ($names)"
raw=target/main-nightly/wasm32-unknown-unknown/release/razorpay_checkout_wasm.wasm
[ -f "$raw" ] || { echo "bench/run.sh: no $raw: run without --no-build (scripts/build-main.sh makes it)" >&2; exit 1; }
rm -rf "$names"
wasm-bindgen "$raw" --target web --out-dir "$names" --out-name razorpay_checkout_wasm --keep-debug
node scripts/minify-names.mjs "$names" --keep-names
scripts/opt-wasm.sh "$names/razorpay_checkout_wasm_bg.wasm" --keep-names
cp "$names/razorpay_checkout_wasm_bg.wasm" "$names/names.wasm"

# 4. Measure.
say "size"
node bench/size.mjs pkg "$work" "$names/names.wasm" > "$work/size.json"
say "speed ($samples samples per workload)"
node bench/speed.mjs pkg "$samples" > "$work/speed.json"
say "start-up ($loads loads per variant)"
node bench/startup.mjs pkg "$work" "$loads" > "$work/startup.json"

if [ -f pkg/fallback.js ]; then
  say "JavaScript fallback beside the .wasm ($samples samples)"
  node bench/fallback.mjs pkg "$samples" > "$work/fallback.json"
else
  rm -f "$work/fallback.json"
fi

# 5. Report.
node bench/report.mjs "$work"
cp "$work/results.md" bench/results.md
say "written to bench/results.md"
