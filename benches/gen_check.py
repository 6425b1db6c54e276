#!/usr/bin/env python3
"""Generate plans (and CSV actuals) for timing `planck check` when diagnostics abound.

    python3 benches/gen_check.py csv --rows 1000000 --bad 50000 --out /tmp/big
    cargo build --release && time target/release/planck check /tmp/big/plan.plan

Each case writes `plan.plan` (and `actuals.csv` where it has one) into `--out`:

- `csv`: 20 teams of 10 reps, one goal split by rep and month, and a CSV of
  rep × month × amount rows. `--bad` of them are wrong, in turn an unknown rep (a
  misspelt name, so "did you mean" has work to do), a month outside the plan period,
  and an amount that is not a number. With `--bad 0` the file checks clean.
- `long-name`: a member whose name is `--chars` characters long, referred to with
  its last character changed.
- `unknown-members`: a dimension of `--members` members and a CSV naming as many
  members that do not exist, each one edit away from a real one.
- `out-of-period`: a CSV of `--rows` rows whose months all lie outside the plan.
- `no-target`: `--goals` goals without a target.

Output is deterministic.
"""
import argparse
import os

PLAN = 'plan "Bench 基准" {\n  period 2026\n  currency CNY\n  as_of 2026-12-31\n}\n'


def reps_plan(teams: int, reps: int) -> str:
    out = [PLAN, 'dimension region "区域" {\n']
    for t in range(teams):
        out.append(f'  r{t} "区域{t}"\n')
    out.append("}\n")
    for t in range(teams):
        out.append(f'team t{t} "团队{t}" {{\n  region r{t}\n')
        for k in range(reps):
            out.append(f'  rep rep_{t}_{k} "销售{t}-{k}" {{ capacity 12M CNY }}\n')
        out.append("}\n")
    out.append(
        'goal revenue "收入" {\n  owner "销售总监"\n  target 2400M CNY\n'
        "  split rep by capacity\n  split month even\n}\n"
        'actuals revenue from "actuals.csv"\n'
    )
    return "".join(out)


def case_csv(args, out_dir: str) -> None:
    teams, reps = 20, 10
    names = [f"rep_{t}_{k}" for t in range(teams) for k in range(reps)]
    with open(os.path.join(out_dir, "plan.plan"), "w") as f:
        f.write(reps_plan(teams, reps))
    every = args.rows // args.bad if args.bad else 0
    with open(os.path.join(out_dir, "actuals.csv"), "w") as f:
        f.write("period,rep,amount\n")
        n_bad = 0
        for i in range(args.rows):
            rep = names[i % len(names)]
            month = f"2026-{i % 12 + 1:02d}"
            amount = str(1000 + i % 9000)
            if every and i % every == every - 1 and n_bad < args.bad:
                kind = n_bad % 3
                if kind == 0:
                    rep = "rpe" + rep[3:] + str(n_bad % 7)
                elif kind == 1:
                    month = f"2027-{i % 12 + 1:02d}"
                else:
                    amount = f"{amount}x"
                n_bad += 1
            f.write(f"{month},{rep},{amount}\n")


def case_long_name(args, out_dir: str) -> None:
    name = "a" * args.chars
    typo = name[:-1] + "b"
    with open(os.path.join(out_dir, "plan.plan"), "w") as f:
        f.write(PLAN)
        f.write(f"dimension region {{\n  {name}\n  east\n}}\n")
        f.write(f'goal g "目标" {{\n  owner "x"\n  target 1M CNY\n  split region {{\n    {typo} 50%\n    east rest\n  }}\n}}\n')


def case_unknown_members(args, out_dir: str) -> None:
    n = args.members
    with open(os.path.join(out_dir, "plan.plan"), "w") as f:
        f.write(PLAN)
        f.write('dimension account "客户" {\n')
        for i in range(n):
            f.write(f"  acct{i:06d}\n")
        f.write("}\n")
        f.write('goal revenue "收入" {\n  owner "x"\n  target 1M CNY\n  split account even\n}\n')
        f.write('actuals revenue from "actuals.csv"\n')
    with open(os.path.join(out_dir, "actuals.csv"), "w") as f:
        f.write("period,account,amount\n")
        for i in range(n):
            f.write(f"2026-{i % 12 + 1:02d},acct{i:06d}x,100\n")


def case_out_of_period(args, out_dir: str) -> None:
    with open(os.path.join(out_dir, "plan.plan"), "w") as f:
        f.write(reps_plan(2, 5))
    with open(os.path.join(out_dir, "actuals.csv"), "w") as f:
        f.write("period,rep,amount\n")
        for i in range(args.rows):
            f.write(f"2027-{i % 12 + 1:02d},rep_{i % 2}_{i % 5},100\n")


def case_no_target(args, out_dir: str) -> None:
    with open(os.path.join(out_dir, "plan.plan"), "w") as f:
        f.write(PLAN)
        for g in range(args.goals):
            f.write(f'goal g{g} "目标{g}" {{\n  owner "x"\n}}\n')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["csv", "long-name", "unknown-members", "out-of-period", "no-target"])
    ap.add_argument("--out", required=True, help="folder to write into")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--bad", type=int, default=50_000)
    ap.add_argument("--chars", type=int, default=65_536)
    ap.add_argument("--members", type=int, default=10_000)
    ap.add_argument("--goals", type=int, default=50_000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    {
        "csv": case_csv,
        "long-name": case_long_name,
        "unknown-members": case_unknown_members,
        "out-of-period": case_out_of_period,
        "no-target": case_no_target,
    }[args.case](args, args.out)


if __name__ == "__main__":
    main()
