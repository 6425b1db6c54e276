#!/usr/bin/env python3
"""Generate a plan with a long deal history for timing `planck calibrate`.

    python3 benches/gen_calibrate.py --deals 1000000 --out /tmp/cal
    cargo build --release && time target/release/planck calibrate /tmp/cal/plan.plan

Writes `plan.plan` into `--out`: two funnels with Chinese labels, three grades, and
`--deals` one-line deals spread over both funnels: about a quarter won, half lost, the
rest open, with `opened` dates over three years before `as_of` and a close 5 to 400
days later (open deals close after `as_of`). Output is deterministic.
"""
import argparse
import datetime
import os

HEAD = '''plan "Bench 校准" { period 2026  currency CNY  as_of 2026-06-30 }
grades { A "本季度可成交" 80%  B "半年内" 50%  C "有意向" 20% }
funnel 大客户 "大客户漏斗" {
  deal_size 200k CNY  inflow 30000 per month
  stage 线索 { convert 40%  dwell 20d }  stage 商机 { convert 60%  dwell 40d }
  stage 成交  lost 丢单
}
funnel 渠道 "渠道漏斗" {
  deal_size 50k CNY  inflow 2000 per week
  stage 报备 { convert 30%  dwell 10d }  stage 签约  lost 流失
}
'''


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--deals", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    as_of = datetime.date(2026, 6, 30)
    start = as_of - datetime.timedelta(days=3 * 365)
    grades = "ABC"
    with open(os.path.join(a.out, "plan.plan"), "w") as f:
        f.write(HEAD)
        out = []
        for i in range(a.deals):
            # A fixed permutation of the cases, so every size has the same mix.
            k = (i * 7919) % 1000
            big = k % 2 == 0
            opened = start + datetime.timedelta(days=(i * 37) % 1090)
            age = 5 + (i * 13) % 396
            if k < 250:
                stage = "成交" if big else "签约"
                close = opened + datetime.timedelta(days=age)
                if close > as_of:
                    close = as_of
            elif k < 750:
                stage = "丢单" if big else "流失"
                close = opened + datetime.timedelta(days=age)
                if close > as_of:
                    close = as_of
            else:
                stage = "商机" if big else "报备"
                close = as_of + datetime.timedelta(days=1 + age % 180)
            amount = 20 + (i * 31) % 400
            out.append(
                f"deal d{i} {{ stage {stage}  amount {amount}k CNY  grade {grades[k % 3]}"
                f"  opened {opened}  close {close} }}\n"
            )
            if len(out) == 10000:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


if __name__ == "__main__":
    main()
