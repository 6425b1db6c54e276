#!/usr/bin/env python3
"""Generate a plan and a large export for `benches/import.sh`.

    python3 benches/gen_import.py --rows 1000000 --kind actuals --out DIR
    python3 benches/gen_import.py --rows 1000000 --kind deals --out DIR
    python3 benches/gen_import.py --rows 100000 --kind ledger --out DIR

`actuals` writes DIR/plan.plan and DIR/actuals.csv: an ERP-style export read with
planck's own columns (`period,region,rep,amount`), one row per booking, about 29 bytes
a row. `deals` writes DIR/plan.plan and DIR/deals.csv: a CRM opportunities export read
through a mapping (ids, owner by label, stage by label, `$` amounts, US dates). `ledger`
writes DIR/journal.ledger with as many transactions, for `ledger -f … balance`. Both
plans check clean. Output is deterministic.
"""
import argparse
import os

TEAMS = 20
REPS = 10
STAGES = [("prospecting", "Prospecting", 40, "10d"), ("engaging", "Engaging", 60, "30d"),
          ("won", "Won", None, None)]


def header(w, deals: bool) -> None:
    w('plan "Import benchmark" {\n  period 2026\n  currency USD\n  as_of 2026-06-30\n}\n\n')
    w('strategy grow "Grow"\n\n')
    w('dimension region "Region" {\n')
    for t in range(TEAMS):
        w(f'  r{t} "Region {t}"\n')
    w("}\n\n")
    for t in range(TEAMS):
        w(f'team t{t} "Team {t}" {{\n  region r{t}\n')
        for k in range(REPS):
            w(f'  rep rep_{t}_{k} "Agent {t}-{k}" {{ capacity 120M USD }}\n')
        w("}\n\n")
    w('funnel sales "Sales" {\n  deal_size 2k USD\n  inflow 200000 per month\n')
    for name, label, convert, dwell in STAGES:
        if convert is None:
            w(f'  stage {name} "{label}"\n')
        else:
            w(f'  stage {name} "{label}" {{ convert {convert}%  dwell {dwell} }}\n')
    w("}\n\n")
    w('goal revenue "Revenue" {\n  owner "VP Sales"\n  target 1000M USD\n'
      "  baseline 900M USD in 2025\n  supports grow\n  funnel sales\n"
      "  allow behind-pace\n  allow low-coverage\n  allow funnel-cannot-reach\n"
      "  split region even\n  split month even\n}\n\n")


def day(i: int) -> tuple:
    """A day of 2026 up to 2026-06-30, spread over the rows."""
    ordinal = i * 7919 % 181
    months = [31, 28, 31, 30, 31, 30]
    m = 0
    while ordinal >= months[m]:
        ordinal -= months[m]
        m += 1
    return (2026, m + 1, ordinal + 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=["actuals", "deals", "ledger"], required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.kind == "ledger":
        with open(os.path.join(args.out, "journal.ledger"), "w") as f:
            w = f.write
            for i in range(args.rows):
                y, m, d = day(i)
                t, k = i % TEAMS, i // TEAMS % REPS
                w(f"{y}-{m:02}-{d:02} Booking {i}\n"
                  f"    Revenue:r{t}:rep_{t}_{k}  {1000 + i % 9000}.{i % 100:02} USD\n"
                  f"    Assets:Receivable\n\n")
        return
    with open(os.path.join(args.out, "plan.plan"), "w") as f:
        header(f.write, args.kind == "deals")
        if args.kind == "actuals":
            f.write('actuals revenue from "actuals.csv"\n')
        else:
            f.write('deals from "deals.csv" {\n  funnel sales\n  name id\n  owner agent\n'
                    '  stage stage\n  amount value\n  close "Close Date"\n'
                    '  dates "%m/%d/%Y"\n}\n')
    if args.kind == "actuals":
        with open(os.path.join(args.out, "actuals.csv"), "w") as f:
            w = f.write
            w("period,region,rep,amount\n")
            for i in range(args.rows):
                y, m, d = day(i)
                t, k = i % TEAMS, i // TEAMS % REPS
                w(f"{y}-{m:02}-{d:02},r{t},rep_{t}_{k},{1000 + i % 9000}.{i % 100:02}\n")
    else:
        with open(os.path.join(args.out, "deals.csv"), "w") as f:
            w = f.write
            w("id,agent,stage,value,Close Date\n")
            for i in range(args.rows):
                t, k = i % TEAMS, i // TEAMS % REPS
                stage = "Prospecting" if i % 3 == 0 else "Engaging"
                month = 7 + i % 6
                w(f"D{i:07},Agent {t}-{k},{stage},\"${1000 + i % 9000:,}\",{month:02}/{1 + i % 28:02}/2026\n")


if __name__ == "__main__":
    main()
