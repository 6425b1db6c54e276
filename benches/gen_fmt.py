#!/usr/bin/env python3
"""Generate a messy, valid .plan file of about --lines lines for timing `planck fmt`.

    python3 benches/gen_fmt.py --lines 10000 > /tmp/messy.plan
    cargo build --release && time target/release/planck fmt --stdout /tmp/messy.plan

Every kind of item appears, with Chinese names, tabs, odd indentation, comments at the
ends of lines and on lines of their own, one-line blocks and long splits. Output is
deterministic.
"""
import argparse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=10000)
    args = ap.parse_args()

    out = [
        '# 生成的计划：格式化基准\n',
        'plan "格式化基准 2026" {\n period 2026\n\tcurrency CNY\n  as_of 2026-06-30 }\n',
        'dimension 区域 "销售区域" {\n',
    ]
    for r in range(20):
        out.append(f'   区域{r} "区域 {r}"   {{ potential {r + 1}M CNY }}   # 第 {r} 区\n')
    out.append('}\ndimension product { hw "Hardware"  sw "Software" svc "Services" }\n')
    out.append('funnel f "漏斗" {\n deal_size 150k CNY\n inflow 120 per month\n'
               ' stage lead "线索" { convert 45% dwell 14d }\n stage won }\n')
    out.append('grades { a "Commit" 90%  b 50% }\n')
    i = 0
    while sum(s.count("\n") for s in out) < args.lines:
        out.append(f'# 团队 {i}\nteam t{i} "团队{i}" {{\n\t区域 区域{i % 20}\n   lead "经理{i}"\n')
        for k in range(4):
            out.append(f'  rep rep_{i}_{k} "销售{i}-{k}" {{ capacity 1.5M CNY }}\n')
        out.append('}\n')
        out.append(
            f'goal g{i} "目标 {i}" {{ owner t{i}\n target 12M CNY   # 全年\n'
            f'  split 区域 {{ 区域{i % 20} 60% {{ split rep by capacity }}\n'
            f'      区域{(i + 1) % 20} 30%   区域{(i + 2) % 20} rest }}\n'
            '\tsplit quarter {Q1 20%,Q2 25%,Q3 25%,Q4 30%}\n'
            '  split month even\n}\n'
        )
        out.append(f'deal d{i} {{ owner rep_{i}_0  stage lead  grade a  amount 420k CNY  close 2026-11-14 }}\n')
        out.append(f'actuals g{i} {{\n2026-01 区域{i % 20} 100k\n   2026-02..2026-03 区域{i % 20} 1.5万\n}}\n\n\n')
        i += 1
    print("".join(out), end="")


if __name__ == "__main__":
    main()
