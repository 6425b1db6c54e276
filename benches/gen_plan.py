#!/usr/bin/env python3
"""Generate a large, valid .plan file for timing planck.

    python3 benches/gen_plan.py --goals 5000 --teams 100 --reps 10 > /tmp/large.plan
    cargo build --release && time target/release/planck check /tmp/large.plan

Every generated plan checks clean, so the timing covers the whole pipeline
(parse, resolve, check) without error rendering. Output is deterministic.
"""
import argparse

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=10)
    ap.add_argument("--products", type=int, default=20)
    ap.add_argument("--teams", type=int, default=100)
    ap.add_argument("--reps", type=int, default=10, help="reps per team")
    ap.add_argument("--goals", type=int, default=4000)
    args = ap.parse_args()

    out = []
    w = out.append
    w('plan "Generated plan 生成的计划" {\n  period 2026\n  currency CNY\n  as_of 2026-06-30\n}\n')
    w('strategy grow "增长"\n')
    w('dimension region "区域" {\n')
    for r in range(args.regions):
        w(f'  r{r} "区域{r}" {{ potential {r + 1}M CNY }}\n')
    w("}\n")
    w('dimension product "产品" {\n')
    for p in range(args.products):
        w(f'  p{p} "产品{p}"\n')
    w("}\n")
    for t in range(args.teams):
        w(f'team t{t} "团队{t}" {{\n  region r{t % args.regions}\n  lead "经理{t}"\n')
        for k in range(args.reps):
            start = "  start 2026-04  ramp 50% 75%" if k == 0 else ""
            w(f'  rep rep_{t}_{k} "销售{t}-{k}" {{ capacity 1.2M CNY{start} }}\n')
        w("}\n")
    share = 100 // args.regions
    for g in range(args.goals):
        w(f'goal g{g} "目标{g}" {{\n')
        w('  owner "销售总监"\n  target 12M CNY\n  baseline 10M CNY in 2025\n  supports grow\n')
        w("  split region {\n")
        for r in range(args.regions - 1):
            w(f"    r{r} {share}%\n")
        w(f"    r{args.regions - 1} rest {{ split rep by capacity }}\n  }}\n")
        w("  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }\n")
        w("  split month even\n")
        w("}\n")
    print("".join(out), end="")


if __name__ == "__main__":
    main()
