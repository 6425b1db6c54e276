#!/usr/bin/env bash
# Allocation benchmark: time and peak memory of `planck compile` on generated plans of
# 2.4 million, 240 000 and 24 000 cells (10 000, 1 000 and 100 reps).
#   bash benches/alloc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%8s %10s %10s %12s %12s\n' reps cells seconds "peak MiB" "output MiB"
for reps in 100 1000 10000; do
  python3 benches/gen_alloc_plan.py --reps "$reps" > "$tmp/plan.plan"
  best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/time" target/release/planck compile "$tmp/plan.plan" -o "$tmp/out.json"
    read -r secs kb < "$tmp/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; mem=$kb; fi
  done
  cells=$((reps * 20 * 12))
  out=$(du -m "$tmp/out.json" | cut -f1)
  printf '%8d %10d %10s %12d %12d\n' "$reps" "$cells" "$best" $((mem / 1024)) "$out"
done
