#!/usr/bin/env bash
# Entries benchmark: time and peak memory of `planck check` on a plan of many small
# entries (half one-line deals, half inline actual rows; benches/gen_entries.py).
#   bash benches/check_entries.sh                  # 100,000 entries
#   ENTRIES=20000 bash benches/check_entries.sh
#   PLANCK=/path/to/planck bash benches/check_entries.sh   # time another build
# Prints the best of 3 wall times, the CPU time (user + system) and the peak resident
# memory of that run, and memory as a multiple of the input size. If `ledger` is
# installed (apt-get install -y ledger), the same for a journal of as many
# transactions, and the ratio planck/ledger from this run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PLANCK:-}" ]; then cargo build --release --quiet; fi
planck=${PLANCK:-$PWD/target/release/planck}
entries=${ENTRIES:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. benches/best.sh

python3 benches/gen_entries.py --entries "$entries" > "$tmp/entries.plan"
size=$(stat -c %s "$tmp/entries.plan")
printf '%-30s %9s %9s %9s %9s\n' case "wall s" "cpu s" "peak MiB" "× input"
read -r p_wall p_cpu p_kb < <(best "$planck" check "$tmp/entries.plan")
printf '%-30s %9s %9s %9s %9s\n' "planck check ($((size / 1024)) KiB)" "$p_wall" "$p_cpu" \
  "$((p_kb / 1024))" "$(awk "BEGIN{printf \"%.1f\", $p_kb * 1024 / $size}")"

if command -v ledger > /dev/null; then
  python3 benches/gen_entries.py --entries "$entries" --ledger > "$tmp/entries.ledger"
  lsize=$(stat -c %s "$tmp/entries.ledger")
  read -r l_wall l_cpu l_kb < <(best ledger -f "$tmp/entries.ledger" balance)
  printf '%-30s %9s %9s %9s %9s\n' "ledger balance ($((lsize / 1024)) KiB)" "$l_wall" "$l_cpu" \
    "$((l_kb / 1024))" "$(awk "BEGIN{printf \"%.1f\", $l_kb * 1024 / $lsize}")"
  printf '%-30s %9s %9s\n' "  ratio planck/ledger" \
    "$(awk "BEGIN{printf \"%.2f\", $p_wall / $l_wall}")" \
    "$(awk "BEGIN{printf \"%.2f\", $p_cpu / $l_cpu}")"
else
  echo "(ledger is not installed: apt-get install -y ledger to compare)"
fi
