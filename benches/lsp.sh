#!/usr/bin/env bash
# Language server benchmark: `planck lsp` (release build) driven over stdio with a
# generated 5,000-line plan; the time from an edit to its diagnostics (target: under
# 50 ms), and how a burst of keystrokes is debounced.
#   bash benches/lsp.sh             # 5,000 lines
#   GOALS=468 bash benches/lsp.sh   # about 10,000 lines
set -euo pipefail
cd "$(dirname "$0")/.."
# PLANCK=/path/to/planck times another build (for a before/after comparison).
if [ -z "${PLANCK:-}" ]; then cargo build --release --quiet; fi
planck=${PLANCK:-$PWD/target/release/planck}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 benches/gen_plan.py --goals "${GOALS:-234}" --teams 20 --reps 10 > "$tmp/plan.plan"
python3 benches/lsp_drive.py "$planck" "$tmp/plan.plan" "${EDITS:-30}"
