#!/usr/bin/env bash
# Report benchmark: `planck report` of a generated 10,000-rep plan (2.4 million cells) in
# each format, best of three runs (release build), beside `planck compile` of the same
# plan: wall-clock and CPU seconds (user + system, which a busy machine does not inflate),
# and the size of each output.
#   bash benches/report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 benches/gen_alloc_plan.py --reps 10000 > "$tmp/plan.plan"
printf '%-10s %10s %12s %12s\n' format seconds "CPU seconds" "output KiB"
# Best of three by CPU time: prints "wall cpu".
best_of_3() {
  local best="" wall=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > /dev/null
    read -r secs user sys < "$tmp/time"
    cpu=$(awk "BEGIN{print $user + $sys}")
    if [ -z "$best" ] || awk "BEGIN{exit !($cpu < $best)}"; then best=$cpu; wall=$secs; fi
  done
  echo "$wall $best"
}
read -r wall cpu <<< "$(best_of_3 target/release/planck compile "$tmp/plan.plan" -o "$tmp/out.json")"
printf '%-10s %10s %12s %12d\n' compile "$wall" "$cpu" $(( $(stat -c %s "$tmp/out.json") / 1024 ))
for format in text markdown csv html json; do
  read -r wall cpu <<< "$(best_of_3 target/release/planck report "$tmp/plan.plan" --format "$format" -o "$tmp/out.$format")"
  printf '%-10s %10s %12s %12d\n' "$format" "$wall" "$cpu" $(( $(stat -c %s "$tmp/out.$format") / 1024 ))
done
