#!/usr/bin/env python3
"""Generate the allocation benchmark plan: REPS reps in TEAMS teams over 10 regions,
20 products, one goal split by region (each region by rep capacity), product and month.

    python3 benches/gen_alloc_plan.py --reps 10000 > /tmp/alloc.plan

With 10 000 reps that is 10 000 × 20 × 12 = 2.4 million cells. Output is deterministic.
"""
import argparse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=10000)
    ap.add_argument("--regions", type=int, default=10)
    ap.add_argument("--products", type=int, default=20)
    args = ap.parse_args()
    teams = max(1, args.reps // 100)
    per_team = args.reps // teams
    regions = min(args.regions, teams)

    w = []
    w.append('plan "Allocation benchmark" {\n  period 2026\n  currency CNY\n}\n')
    w.append('strategy grow "Grow"\n')
    w.append("dimension region {\n")
    for r in range(regions):
        w.append(f'  r{r} "Region {r}"\n')
    w.append("}\n")
    w.append("dimension product {\n")
    for p in range(args.products):
        w.append(f'  p{p} "Product {p}"\n')
    w.append("}\n")
    for t in range(teams):
        w.append(f"team t{t} {{\n  region r{t % regions}\n")
        for k in range(per_team):
            extra = "  start 2026-04  ramp 50% 75%" if k % 10 == 0 else ""
            w.append(f"  rep rep{t}_{k} {{ capacity 1.2M CNY{extra} }}\n")
        w.append("}\n")
    total_capacity_m = args.reps  # about 1.1M each after ramps; target below that
    target = total_capacity_m * 900_000
    share = 100 // regions
    w.append(f'goal revenue "Revenue" {{\n  owner "CRO"\n  target {target} CNY\n')
    w.append("  baseline 1 CNY in 2025\n  supports grow\n  allow growth-exceeds-policy\n")
    w.append("  split region {\n")
    for r in range(regions):
        s = "rest" if r == regions - 1 else f"{share}%"
        w.append(f"    r{r} {s} {{ split rep by capacity }}\n")
    w.append("  }\n  split product even\n  split month even\n}\n")
    print("".join(w), end="")


if __name__ == "__main__":
    main()
