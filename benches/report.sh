#!/usr/bin/env bash
# Report benchmark: `planck report` of a generated 10,000-rep plan (2.4 million cells) in
# each format, best of three runs (release build), with `planck compile` of the same plan
# for comparison, and the size of each output.
#   bash benches/report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 benches/gen_alloc_plan.py --reps 10000 > "$tmp/plan.plan"
printf '%-10s %10s %12s\n' format seconds "output KiB"
best_of_3() {
  local best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e" -o "$tmp/time" "$@" > /dev/null
    secs=$(cat "$tmp/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
  done
  echo "$best"
}
secs=$(best_of_3 target/release/planck compile "$tmp/plan.plan" -o "$tmp/out.json")
printf '%-10s %10s %12d\n' compile "$secs" $(( $(stat -c %s "$tmp/out.json") / 1024 ))
for format in text markdown csv html json; do
  secs=$(best_of_3 target/release/planck report "$tmp/plan.plan" --format "$format" -o "$tmp/out.$format")
  printf '%-10s %10s %12d\n' "$format" "$secs" $(( $(stat -c %s "$tmp/out.$format") / 1024 ))
done
