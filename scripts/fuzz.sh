#!/usr/bin/env bash
# Fuzzes the crate's pure Rust API with cargo-fuzz (libFuzzer), each target
# for a bounded time, and fails on any finding (panic, failed invariant,
# integer overflow, hang, out-of-memory, oversized allocation).
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
#   seconds-per-target  default 60; 0 = no fuzzing (only FUZZ_CMIN below)
#   target...           default: every target in fuzz/Cargo.toml
#   FUZZ_CMIN=1         afterwards, fold what was found into the committed
#                       corpus fuzz/corpus/<target>/ and minimize it (see
#                       below; FUZZ_CORPUS_MAX files per target, default 48)
#   FUZZ_RSS_MB, FUZZ_MALLOC_MB, FUZZ_TIMEOUT  override the limits below
#
# Installs what it needs (idempotent): the nightly toolchain and cargo-fuzz.
# Corpora: fuzz/corpus/<target>/ (committed, minimized, read as seeds),
# fuzz/work/seeds/<target>/ (generated here from tests/fixtures/*.json and
# Razorpay's test cards), fuzz/work/<target>/ (scratch: what this run finds).
# A crash input lands in fuzz/artifacts/<target>/: copy it to
# fuzz/regressions/<target>/ (replayed by `cargo test --test fuzz_regressions`)
# and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECS=${1:-60}
shift || true
ALL_TARGETS=(card_number expiry cvv order_request gateway_response next_url backend_request)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
case "$SECS" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [seconds-per-target] [target...]" >&2; exit 2 ;; esac

TIMEOUT=${FUZZ_TIMEOUT:-10}      # seconds for one input: longer is a hang
RSS_MB=${FUZZ_RSS_MB:-2048}      # the whole process (ASan included)
MALLOC_MB=${FUZZ_MALLOC_MB:-64}  # any single allocation

max_len() {
  case "$1" in
    card_number) echo 1024 ;;
    expiry|cvv) echo 256 ;;
    next_url) echo 9000 ;;      # past the checker's 8192-byte limit
    *) echo 16384 ;;            # JSON
  esac
}

# ------------------------------------------------------------------ tools
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

# -a: debug assertions and overflow checks in the fuzzed build.
FUZZ=(cargo +nightly fuzz)
BUILD_FLAGS=(-a)
echo "fuzz: building targets (nightly, ASan, debug assertions)"
(cd fuzz && "${FUZZ[@]}" build "${BUILD_FLAGS[@]}" >/dev/null)

# ------------------------------------------------------------------ seeds
SEEDS=fuzz/work/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS"
seed() { # seed <target> <name> <printf-format> [args...]
  local t=$1 name=$2
  shift 2
  mkdir -p "$SEEDS/$t"
  # shellcheck disable=SC2059
  printf "$@" >"$SEEDS/$t/$name"
}
FIX=tests/fixtures
# Razorpay's test cards (the seed docs), typed in different ways.
CARDS=("4100 2800 0000 1007" "5500 6700 0000 1002" "6527 6589 0000 1005" "3608 280009 1007"
       "3402 560004 01007" "4718 6091 0820 4366" "4111 1111 1111 1111" "4100-2800-0000-1007"
       "4100280000001008" "508500000000000" "4" "65" "8172" "")
i=0
for c in "${CARDS[@]}"; do
  seed card_number "card$i" '%s' "$c"
  seed cvv "net$i" '%b%b%s' "\\x$(printf %02x $((i % 12)))" '\x08' "$( [ $((i % 3)) = 0 ] && echo 1234 || echo 123)"
  i=$((i + 1))
done
seed cvv tokenised '\x00\x01'
seed cvv tokenised_int '\x02\x03007'
for e in "12/30" "12 / 2030" "1230" "122030" "1/30" "12-30" "13/30" "12|30" "01|2099" " 9 | 26 " "00/00"; do
  seed expiry "now-$(printf %s "$e" | tr -c '0-9a-z' '_')" '\x00\x00\x00\x00\x00%s' "$e"
done
seed expiry anyclock '\x01\x00\x00\x00\x00\x00\x00\xf0\x7f12/30'
seed expiry yearmonth '\x02\xff\xff\xff\xff\x00\x00\x00\x0012/99'
mkdir -p "$SEEDS/order_request"
for f in "$FIX"/order_request_*.json; do
  { printf '\x00\x00'; cat "$f"; } >"$SEEDS/order_request/$(basename "$f" .json)"
done
seed order_request browser_ctx '\x00\x01{"amount":100,"currency":"INR","payment":{"email":"gaurav.kumar@example.com","contact":"9876543210","card":{"number":"4100 2800 0000 1007","expiry_month":"12","expiry_year":"30","cvv":"123","name":"Gaurav Kumar"}}}'
seed order_request structured '\x01\x00%s' "$(head -c 64 /dev/zero | tr '\0' 'A')"
seed order_request structured_saved '\x01\x03%s' "$(printf 'B%.0s' $(seq 64))"
mkdir -p "$SEEDS/gateway_response"
for f in "$FIX"/*.json; do
  { printf '\x00o200'; cat "$f"; } >"$SEEDS/gateway_response/o-$(basename "$f" .json)"
done
{ printf '\x00o200'; cat "$FIX/order_response_payment_workflow.json"; printf '\0g200'; cat "$FIX/otp_generate.json"
  printf '\0s200123456\0u400'; cat "$FIX/otp_submit_failed.json"; printf '\0r200\0n200'; cat "$FIX/otp_generate.json"
  printf '\0s200654321\0u200'; cat "$FIX/otp_submit_success.json"; } >"$SEEDS/gateway_response/flow-otp"
{ printf '\x01o200'; cat "$FIX/order_response_payment_workflow.json"; } >"$SEEDS/gateway_response/flow-redirect"
{ printf '\x02o200'; cat "$FIX/order_response_no_next.json"; printf '\0t000\0x000'; } >"$SEEDS/gateway_response/flow-done"
{ printf '\x00o400'; cat "$FIX/error_bad_request.json"; printf '\0t000\0o502<html>Bad gateway</html>'; } >"$SEEDS/gateway_response/flow-error"
for u in "https://api.razorpay.com/v1/payments/pay_X/authorize" "https://API.Razorpay.com:443/x?y#z" \
         "http://127.0.0.1:8081/otp" "http://localhost:3000/" "http://[::1]:9000/a" "https://api.curlec.com:8443/" \
         "javascript:alert(1)" "https://api.razorpay.com.evil.com/" "https://user@api.razorpay.com/" \
         "https://api.razorpay.com\\@evil.com/" "//api.razorpay.com/" "data:text/html,x"; do
  n=$(printf %s "$u" | cksum | cut -d' ' -f1)
  seed next_url "d$n" '\x00%s' "$u"
  seed next_url "l$n" '\x01%s' "$u"
done
seed next_url custom '\x07api.razorpay.com,127.0.0.1:8081,[::1]\nhttp://127.0.0.1:8081/x'

# ------------------------------------------------------------------ run
echo
printf '%-18s %12s %10s %8s %8s %s\n' target executions "exec/s" corpus "rss_MB" result
FAILED=()
SUMMARY=()
for t in "${TARGETS[@]}"; do
  [ "$SECS" -gt 0 ] || break
  mkdir -p "fuzz/corpus/$t" "fuzz/work/$t" "$SEEDS/$t" "fuzz/artifacts/$t"
  log="fuzz/work/$t.log"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  dict=()
  [ -f "fuzz/dicts/$t.dict" ] && dict=(-dict="$ROOT/fuzz/dicts/$t.dict")
  set +e
  (cd fuzz && "${FUZZ[@]}" run "${BUILD_FLAGS[@]}" "$t" "work/$t" "corpus/$t" "work/seeds/$t" -- \
      -max_total_time="$SECS" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$MALLOC_MB" \
      -max_len="$(max_len "$t")" -print_final_stats=1 "${dict[@]}") >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  corp=$(sed -n 's/.*DONE.* corp: \([0-9]*\).*/\1/p' "$log" | tail -1)
  after=$(find "fuzz/artifacts/$t" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
    result="FINDING (exit $rc; log $log; inputs in fuzz/artifacts/$t/)"
    FAILED+=("$t")
  else
    result=ok
  fi
  printf '%-18s %12s %10s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${corp:-?}" "${rss:-?}" "$result"
  SUMMARY+=("$t ${execs:-?} ${rate:-?}")
  if [ "$result" != ok ]; then
    grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written|deadly signal|timeout|out-of-memory|malloc" "$log" | head -20 | sed 's/^/    /'
  fi
done

if [ "${FUZZ_CMIN:-0}" = 1 ]; then
  # `cargo fuzz cmin` keeps every input that adds a feature (edge, hit
  # counter, stack depth, in the crate and in serde_json/url alike): some
  # thousand files here. Instead: a set-cover merge on edges only, then at
  # most FUZZ_CORPUS_MAX files per target, spread evenly over the sizes, so
  # the committed corpus stays small (it is also a stable regression suite:
  # tests/fuzz_regressions.rs replays it).
  CAP=${FUZZ_CORPUS_MAX:-48}
  echo
  for t in "${TARGETS[@]}"; do
    pool="fuzz/work/cmin-pool/$t" out="fuzz/work/cmin-out/$t"
    rm -rf "$pool" "$out"
    mkdir -p "$pool" "$out" "fuzz/corpus/$t" "fuzz/work/$t" "$SEEDS/$t"
    cp "fuzz/corpus/$t"/. "fuzz/work/$t"/. "$SEEDS/$t"/. "$pool/" -r 2>/dev/null || true
    (cd fuzz && "${FUZZ[@]}" run "${BUILD_FLAGS[@]}" "$t" "work/cmin-out/$t" "work/cmin-pool/$t" -- \
        -set_cover_merge=1 -use_counters=0 -max_len="$(max_len "$t")" -timeout="$TIMEOUT" \
        -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$MALLOC_MB" >"$ROOT/fuzz/work/$t.cmin.log" 2>&1)
    n=$(find "$out" -type f | wc -l)
    rm -rf "fuzz/corpus/$t"
    mkdir -p "fuzz/corpus/$t"
    # Files by size, then every (n/CAP)-th: small and large ones both kept.
    (cd "$out" && ls -Sr) | awk -v n="$n" -v cap="$CAP" 'n <= cap || int(NR * cap / n) != int((NR - 1) * cap / n)' |
      while read -r f; do cp "$out/$f" "fuzz/corpus/$t/$f"; done
    echo "fuzz: fuzz/corpus/$t: $n inputs cover every edge reached; $(find "fuzz/corpus/$t" -type f | wc -l) kept"
  done
fi

echo
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "fuzz: FINDINGS in ${FAILED[*]}" >&2
  exit 1
fi
echo "fuzz: no findings in ${#TARGETS[@]} targets at ${SECS}s each"
