#!/usr/bin/env python3
"""Generate a plan of many small entries: one-line deals and inline actual rows.

    python3 benches/gen_entries.py --entries 100000 > /tmp/entries.plan
    cargo build --release && time target/release/planck check /tmp/entries.plan

Half the entries are deals written on one line each, half are rows of inline
`actuals` blocks (one block per rep and quarter). 100,000 entries make about 6.7 MB.
The plan checks clean, so the timing covers parsing, resolving, checking and
progress without error rendering. Output is deterministic.

    python3 benches/gen_entries.py --entries 100000 --ledger > /tmp/entries.ledger

writes instead a ledger journal of as many transactions, for a comparison with
ledger (`ledger -f /tmp/entries.ledger balance`).
"""
import argparse
import sys

TEAMS = 20
REPS = 10
STAGES = [("线索", "获取线索", 40, "10d"), ("商机", "确认商机", 50, "2w"),
          ("方案", "提交方案", 60, "3w"), ("谈判", "商务谈判", 70, "2w"),
          ("成交", "赢单", None, None)]


def header(out) -> None:
    w = out.write
    w('plan "FY2026 条目基准" {\n  period 2026\n  currency CNY\n  as_of 2026-06-30\n}\n\n')
    w('strategy grow "扩大市场"\n\n')
    w('dimension region "区域" {\n')
    for t in range(TEAMS):
        w(f'  r{t} "区域{t}"\n')
    w("}\n\n")
    for t in range(TEAMS):
        w(f'team t{t} "团队{t}" {{\n  region r{t}\n')
        for k in range(REPS):
            w(f'  rep rep_{t}_{k} "销售{t}-{k}" {{ capacity 12M CNY }}\n')
        w("}\n\n")
    w('funnel 大客户 "大客户漏斗" {\n  deal_size 200k CNY\n  inflow 8000 per month\n')
    for name, label, convert, dwell in STAGES:
        if convert is None:
            w(f'  stage {name} "{label}"\n')
        else:
            w(f'  stage {name} "{label}" {{ convert {convert}%  dwell {dwell} }}\n')
    w("}\n\n")
    w('goal revenue "全年销售额" {\n  owner "销售总监"\n  target 1200M CNY\n'
      "  baseline 1000M CNY in 2025\n  supports grow\n"
      "  funnel 大客户\n  split rep by capacity\n  split month even\n}\n\n")


def plan(entries: int, out) -> None:
    header(out)
    w = out.write
    deals = entries // 2
    rows = entries - deals
    open_stages = [s[0] for s in STAGES[:-1]]
    # Amounts scale with the counts so the plan stays on pace and well covered: the
    # actuals reach half the target by `as_of`, the weighted pipeline about five times
    # the other half.
    deal_k = max(2, 5 * 600_000 * 3 // max(deals, 1))
    row_amount = max(2, 600_000_000 // max(rows, 1))
    for i in range(deals):
        t, k = i % TEAMS, (i // TEAMS) % REPS
        stage = open_stages[i % len(open_stages)]
        amount = deal_k // 2 + (i * 37) % max(deal_k, 1)
        month = 7 + i % 6
        day = 1 + i % 28
        w(f'deal d{i} "客户{i}项目" {{ owner rep_{t}_{k}  region r{t}  stage {stage}  '
          f"amount {amount}k CNY  close 2026-{month:02d}-{day:02d} }}\n")
    w("\n")
    # One block per rep and quarter of the first half year, rows spread evenly.
    blocks = [(t, k, q) for t in range(TEAMS) for k in range(REPS) for q in (1, 2)]
    per_block, extra = divmod(rows, len(blocks))
    n = 0
    for b, (t, k, q) in enumerate(blocks):
        count = per_block + (1 if b < extra else 0)
        if count == 0:
            continue
        w(f"actuals revenue {{   # rep_{t}_{k}, Q{q}\n")
        for j in range(count):
            month = (q - 1) * 3 + 1 + j % 3
            amount = row_amount // 2 + (n * 7919) % row_amount
            w(f"  2026-{month:02d} rep_{t}_{k} {amount}\n")
            n += 1
        w("}\n")


def ledger(entries: int, out) -> None:
    w = out.write
    for i in range(entries):
        month = 1 + i % 12
        day = 1 + i % 28
        amount = 1000 + (i * 7919) % 90000
        w(f"2026/{month:02d}/{day:02d} 客户{i}\n"
          f"    Income:Sales:r{i % TEAMS}:rep_{i % TEAMS}_{(i // TEAMS) % REPS}  "
          f"-{amount} CNY\n"
          f"    Assets:Receivable\n\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--ledger", action="store_true",
                    help="write a ledger journal of as many transactions instead")
    args = ap.parse_args()
    if args.ledger:
        ledger(args.entries, sys.stdout)
    else:
        plan(args.entries, sys.stdout)


if __name__ == "__main__":
    main()
