#!/usr/bin/env bash
# Run one fuzz target for a fixed time, seeding its corpus first if it is empty, then print
# how many inputs ran and whether anything was found.
#
# Usage: fuzz/run.sh TARGET SECONDS     (TARGET: parse, check, compile, csv or fmt)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). RUSTC_BOOTSTRAP=1 lets the stable
# toolchain take the unstable flags cargo-fuzz passes to rustc. The build is optimised, with
# debug assertions and overflow checks on, and without a sanitizer: planck has no unsafe code,
# so what the fuzzers look for are panics, hangs, runaway memory and invalid output, and
# AddressSanitizer would halve the executions.
#
# An input that panics, runs longer than 10 s or needs more than 2 GB is saved under
# fuzz/artifacts/TARGET/ and stops the run; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -s none TARGET fuzz/artifacts/TARGET/FILE
# (from inside fuzz/), and keep a small copy under fuzz/regressions/TARGET/.
set -uo pipefail

usage() { echo "usage: $0 TARGET SECONDS   (TARGET: parse, check, compile, csv or fmt)" >&2; exit 2; }
[ $# -eq 2 ] || usage
target=$1 seconds=$2
case "$target" in
    # The longest input each target is given: plans are small files, and a longer input
    # mostly spends its time in one long line rather than reaching new code.
    parse | fmt) max_len=8192 ;;
    check | compile) max_len=4096 ;;
    csv) max_len=4096 ;;
    *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$fuzz_dir"
corpus="corpus/$target"
if [ -z "$(find "$corpus" -type f ! -name '.*' 2>/dev/null | head -1)" ]; then
    ./seed.sh "$target"
fi
mkdir -p logs "artifacts/$target"
log="logs/$target-$(date +%Y%m%d-%H%M%S).log"
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT
before=$(find "artifacts/$target" -type f | wc -l)
# The inputs in regressions/TARGET/ run first with the corpus; new inputs go to the corpus only.
regressions=()
[ -d "regressions/$target" ] && regressions=("regressions/$target")

RUSTC_BOOTSTRAP=1 cargo fuzz run -s none "$target" "$corpus" "${regressions[@]}" -- \
    -dict=plan.dict -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

after=$(find "artifacts/$target" -type f | wc -l)
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
echo
echo "== $target: ${execs:-?} executions in ${seconds} s (log: fuzz/$log)"
if [ "$status" -eq 0 ] && [ "$after" -eq "$before" ]; then
    echo "== $target: nothing found"
else
    echo "== $target: FOUND a problem (exit status $status); new files in fuzz/artifacts/$target/:"
    find "artifacts/$target" -type f -newer "$stamp"
    grep -m1 -A3 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log"
    exit 1
fi
