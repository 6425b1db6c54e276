#!/usr/bin/env bash
# Formatter benchmark: `planck fmt --stdout` on a generated, messy 10,000-line plan, with
# the release build; best of 3 wall times. fmt runs on save: the target is under 100 ms.
#   bash benches/fmt.sh              # 10,000 lines
#   LINES=100000 bash benches/fmt.sh # another size
set -euo pipefail
cd "$(dirname "$0")/.."
# PLANCK=/path/to/planck times another build (for a before/after comparison).
if [ -z "${PLANCK:-}" ]; then cargo build --release --quiet; fi
planck=${PLANCK:-$PWD/target/release/planck}
lines=${LINES:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 benches/gen_fmt.py --lines "$lines" > "$tmp/plan.plan"
best=""
for run in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$planck" fmt --stdout "$tmp/plan.plan" > "$tmp/out.plan"
  read -r secs kb < <(tail -n 1 "$tmp/time")
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; mem=$kb; fi
done
# The output is formatted: formatting it again changes nothing.
"$planck" fmt --check - < "$tmp/out.plan" > /dev/null
printf '%8s %8s %10s %10s\n' lines bytes seconds "peak MiB"
printf '%8d %8d %10s %10d\n' "$(wc -l < "$tmp/plan.plan")" "$(wc -c < "$tmp/plan.plan")" "$best" $((mem / 1024))
