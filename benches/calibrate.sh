#!/usr/bin/env bash
# Calibrate benchmark: time and peak memory of `planck calibrate` (and of `planck check`,
# which loads the same plan and runs plan-beats-history over the same history) on
# 250,000, 500,000 and 1,000,000 one-line deals. Linear time means the 1M case takes
# about four times the 250k case. Best of 3 by CPU time (user + system), which other
# work on a shared machine disturbs less than wall time; wall time is shown beside it.
#   bash benches/calibrate.sh
#   SIZES="1000000" bash benches/calibrate.sh   # one size
set -euo pipefail
cd "$(dirname "$0")/.."
# PLANCK=/path/to/planck times another build (for a before/after comparison).
if [ -z "${PLANCK:-}" ]; then cargo build --release --quiet; fi
planck=${PLANCK:-$PWD/target/release/planck}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best ARGS…: prints "cpu-seconds wall-seconds peak-MiB" (best of 3 by CPU time).
best() {
  local best="" wall=0 mem=0 secs user sys kb
  for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$planck" "$@" > "$tmp/out" 2> /dev/null || true
    read -r secs user sys kb < <(tail -n 1 "$tmp/time")
    local cpu
    cpu=$(awk "BEGIN{printf \"%.2f\", $user + $sys}")
    if [ -z "$best" ] || awk "BEGIN{exit !($cpu < $best)}"; then best=$cpu; wall=$secs; mem=$kb; fi
  done
  echo "$best $wall $((mem / 1024))"
}

printf '%-10s %-26s %9s %9s %9s\n' deals command "CPU s" "wall s" "peak MiB"
for n in ${SIZES:-250000 500000 1000000}; do
  python3 benches/gen_calibrate.py --deals "$n" --out "$tmp/plan"
  plan="$tmp/plan/plan.plan"
  for cmd in "check" "calibrate" "calibrate --format json"; do
    # shellcheck disable=SC2086
    read -r c w m < <(best $cmd "$plan")
    printf '%-10s %-26s %9s %9s %9s\n' "$n" "$cmd" "$c" "$w" "$m"
  done
  rm -rf "$tmp/plan"
done
