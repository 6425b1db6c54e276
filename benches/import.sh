#!/usr/bin/env bash
# Import benchmark: time and peak memory of `planck check` on a plan that reads a large
# export (benches/gen_import.py): an actuals CSV with planck's own columns, and a CRM
# deals export read through a mapping, each of ROWS rows; and, if `ledger` is installed
# (apt-get install -y ledger), `ledger -f … balance` on a journal of LEDGER transactions,
# in the same run. Prints the best of 3 wall times, the CPU time and the peak resident
# memory of that run, memory as a multiple of the export's size, rows per CPU second,
# and that rate against ledger's transactions per CPU second.
#   bash benches/import.sh                       # 1,000,000 rows, ledger 100,000
#   ROWS=200000 LEDGER=50000 bash benches/import.sh
#   PLANCK=/path/to/planck bash benches/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PLANCK:-}" ]; then cargo build --release --quiet; fi
planck=${PLANCK:-$PWD/target/release/planck}
rows=${ROWS:-1000000}
ledger_rows=${LEDGER:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. benches/best.sh

row() { printf '%-34s %8s %8s %9s %8s %12s\n' "$@"; }
row case "wall s" "cpu s" "peak MiB" "× file" "rows/cpu s"
declare -A rate
for kind in actuals deals; do
  python3 benches/gen_import.py --rows "$rows" --kind "$kind" --out "$tmp/$kind"
  size=$(stat -c %s "$tmp/$kind/$kind.csv")
  read -r wall cpu kb < <(best "$planck" check "$tmp/$kind/plan.plan")
  rate[$kind]=$(awk "BEGIN{printf \"%.0f\", $rows / ($cpu > 0 ? $cpu : 0.01)}")
  row "planck check, $kind ($((size / 1048576)) MiB)" "$wall" "$cpu" "$((kb / 1024))" \
    "$(awk "BEGIN{printf \"%.2f\", $kb * 1024 / $size}")" "${rate[$kind]}"
done

if command -v ledger > /dev/null; then
  python3 benches/gen_import.py --rows "$ledger_rows" --kind ledger --out "$tmp/ledger"
  lsize=$(stat -c %s "$tmp/ledger/journal.ledger")
  read -r wall cpu kb < <(best ledger -f "$tmp/ledger/journal.ledger" balance)
  ledger_rate=$(awk "BEGIN{printf \"%.0f\", $ledger_rows / ($cpu > 0 ? $cpu : 0.01)}")
  row "ledger balance ($((lsize / 1048576)) MiB)" "$wall" "$cpu" "$((kb / 1024))" \
    "$(awk "BEGIN{printf \"%.2f\", $kb * 1024 / $lsize}")" "$ledger_rate"
  for kind in actuals deals; do
    printf '  %s rows per second ÷ ledger transactions per second: %s (target ≥ 10)\n' "$kind" \
      "$(awk "BEGIN{printf \"%.1f\", ${rate[$kind]} / $ledger_rate}")"
  done
else
  echo "(ledger is not installed: apt-get install -y ledger to compare)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
