#!/usr/bin/env bash
# Diff benchmark: time and peak memory of `planck diff` on two generated plans of 10 000
# reps (2.4 million cells each), best of 3, release build. The new plan moves two region
# shares and raises the capacity of 100 reps (one in each team, so every cell changes).
# "seconds" is wall time; "cpu s" user + system time, which a busy machine inflates less.
#   bash benches/diff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 benches/gen_alloc_plan.py --reps 10000 > "$tmp/old.plan"
sed -e 's/^    r0 10% /    r0 12% /' \
    -e 's/^    r1 10% /    r1 8% /' \
    -e '/^  rep rep[0-9]*_7 /s/capacity 1.2M CNY/capacity 1.5M CNY/' \
    "$tmp/old.plan" > "$tmp/new.plan"
printf '%8s %10s %10s %10s %12s %12s\n' format reps seconds "cpu s" "peak MiB" "output KiB"
for format in text json; do
  best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" \
      target/release/planck diff "$tmp/old.plan" "$tmp/new.plan" --format "$format" > "$tmp/out"
    read -r secs kb user sys < "$tmp/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; mem=$kb; cpu=$(awk "BEGIN{print $user + $sys}"); fi
  done
  out=$(du -k "$tmp/out" | cut -f1)
  printf '%8s %10d %10s %10s %12d %12d\n' "$format" 10000 "$best" "$cpu" $((mem / 1024)) "$out"
done
# For scale: compiling one of the two plans to every cell (what each side of the diff costs).
best=""
for run in 1 2 3; do
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" \
    target/release/planck compile "$tmp/old.plan" -o "$tmp/out.json"
  read -r secs kb user sys < "$tmp/time"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; mem=$kb; cpu=$(awk "BEGIN{print $user + $sys}"); fi
done
printf '%8s %10d %10s %10s %12d %12s\n' compile 10000 "$best" "$cpu" $((mem / 1024)) "-"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
