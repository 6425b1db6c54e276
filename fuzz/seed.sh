#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with the plans and CSV files of the repository, so the fuzzers
# start from real input: examples/, tests/ui/, the ```plan blocks of the docs, and every CSV
# file (plus two CSV files written for the `csv` target's plan). Files are named by the SHA-1
# of their content, as libFuzzer names its own, so running this again adds nothing twice.
#
# Usage: fuzz/seed.sh [TARGET...]   (default: parse check compile csv fmt)
set -euo pipefail

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$fuzz_dir")
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse check compile csv fmt)

# Write stdin into corpus/$1 under the hash of its content.
add() {
    local dir="$fuzz_dir/corpus/$1" tmp
    mkdir -p "$dir"
    tmp=$(mktemp "$dir/.seed.XXXXXX")
    cat > "$tmp"
    mv -f "$tmp" "$dir/$(sha1sum < "$tmp" | cut -d' ' -f1)"
}

# Every .plan file of the examples and UI tests.
plans() {
    find "$repo/examples" "$repo/tests" -name '*.plan' -type f -print0 | sort -z
}

# Each ```plan block of the docs, one per line of output as NUL-separated text.
doc_blocks() {
    for md in "$repo"/README.md "$repo"/docs/*.md; do
        awk '/^```plan/ { inside = 1; block = ""; next }
             /^```/ && inside { inside = 0; printf "%s%c", block, 0; next }
             inside { block = block $0 "\n" }' "$md"
    done
}

seed_plans() {
    local target=$1 file block
    while IFS= read -r -d '' file; do
        add "$target" < "$file"
    done < <(plans)
    while IFS= read -r -d '' block; do
        printf '%s' "$block" | add "$target"
    done < <(doc_blocks)
}

seed_csv() {
    local file
    while IFS= read -r -d '' file; do
        add csv < "$file"
    done < <(find "$repo" \( -path "$repo/target" -o -path "$repo/fuzz" -o -path "$repo/.git" \) -prune \
        -o -name '*.csv' -type f -print0 | sort -z)
    # Rows that fit the plan of fuzz_targets/csv.rs: a BOM, CRLF, quotes, Chinese members,
    # every period kind, scales and a credit note.
    printf '\xef\xbb\xbfperiod,segment,区域,rep,amount\r\n2026-04..2026-06,enterprise,华东,,"1,050,000"\r\n2026-07,enterprise,华北,陈爱丽,420k\r\n2026-Q2,smb,华东,taylor,-5万\r\n2026-W30,midmarket,"华北",casey,1.5万\r\n2026-H1,midmarket,,riley,1M\r\n2026-08-15,enterprise,华东,avery,"2,500.50"\r\n' | add csv
    printf 'period,segment,rep,amount\n2026-04,enterprise,jordan,380000\n\n2026-10..2026-12,smb,,90000\n' | add csv
}

for target in "${targets[@]}"; do
    case "$target" in
        parse | check | compile | fmt) seed_plans "$target" ;;
        csv) seed_csv ;;
        *) echo "seed.sh: unknown target \`$target\` (parse, check, compile, csv, fmt)" >&2; exit 2 ;;
    esac
    echo "corpus/$target: $(find "$fuzz_dir/corpus/$target" -type f ! -name '.*' | wc -l) files"
done
