#!/usr/bin/env bash
# Check benchmark: time and peak memory of `planck check` when a plan has many diagnostics.
#   bash benches/check.sh            # every case
#   TIMEOUT=60 bash benches/check.sh # give up on a run after 60 s (default 600)
# First a 1,000,000-row CSV of actuals, clean and with 50,000 bad rows (human and JSON
# output, and the ratio bad/clean), then the cases that used to be slow: a 64k-character
# misspelt name, 10,000 unknown members of a 10,000-member dimension, 16,000 rows
# outside the plan period, and 50,000 goals without a target. Best of 3 wall times.
set -euo pipefail
cd "$(dirname "$0")/.."
# PLANCK=/path/to/planck times another build (for a before/after comparison).
if [ -z "${PLANCK:-}" ]; then cargo build --release --quiet; fi
planck=${PLANCK:-$PWD/target/release/planck}
timeout=${TIMEOUT:-600}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best CASE FORMAT: prints "seconds peak-MiB errors" (best of 3 by wall time).
best() {
  local dir=$1 format=$2 best="" mem=0 secs kb
  for run in 1 2 3; do
    if ! timeout "$timeout" /usr/bin/time -f "%e %M" -o "$tmp/time" \
      "$planck" check --format "$format" "$dir/plan.plan" > "$tmp/out" 2>&1; then
      # Exit code 1 means "errors found"; 124 is the timeout.
      if grep -q "Command exited with non-zero status 124" "$tmp/time" 2>/dev/null ||
        ! grep -q '^[0-9.]* [0-9]*$' <(tail -n 1 "$tmp/time"); then
        echo "timeout(${timeout}s) - -"
        return
      fi
    fi
    read -r secs kb < <(tail -n 1 "$tmp/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; mem=$kb; fi
  done
  local errors
  if [ "$format" = json ]; then
    errors=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["errors"])' "$tmp/out")
  else
    errors=$(grep -o '[0-9]* errors\?' "$tmp/out" | tail -n 1 | cut -d' ' -f1)
  fi
  echo "$best $((mem / 1024)) ${errors:-0}"
}

gen() { python3 benches/gen_check.py "$@"; }

printf '%-34s %-6s %10s %9s %8s\n' case format seconds "peak MiB" errors
gen csv --rows 1000000 --bad 0 --out "$tmp/clean"
gen csv --rows 1000000 --bad 50000 --out "$tmp/bad"
for format in human json; do
  read -r clean_s clean_m clean_e < <(best "$tmp/clean" "$format")
  read -r bad_s bad_m bad_e < <(best "$tmp/bad" "$format")
  printf '%-34s %-6s %10s %9s %8s\n' "1M-row CSV, clean" "$format" "$clean_s" "$clean_m" "$clean_e"
  printf '%-34s %-6s %10s %9s %8s\n' "1M-row CSV, 50k bad rows" "$format" "$bad_s" "$bad_m" "$bad_e"
  if [[ $clean_s =~ ^[0-9.]+$ && $bad_s =~ ^[0-9.]+$ ]]; then
    printf '%-34s %-6s %10s\n' "  ratio bad/clean" "$format" "$(awk "BEGIN{printf \"%.2f\", $bad_s / $clean_s}")"
  fi
done
rm -rf "$tmp/clean" "$tmp/bad"

run_case() {
  local label=$1
  shift
  rm -rf "$tmp/case"
  gen "$@" --out "$tmp/case"
  for format in human json; do
    read -r s m e < <(best "$tmp/case" "$format")
    printf '%-34s %-6s %10s %9s %8s\n' "$label" "$format" "$s" "$m" "$e"
  done
}
run_case "64k-character misspelt name" long-name --chars 65536
run_case "10k unknown of 10k members" unknown-members --members 10000
run_case "16k rows outside the period" out-of-period --rows 16000
run_case "50k goals without target" no-target --goals 50000
