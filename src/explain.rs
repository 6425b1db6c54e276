//! What each diagnostic code means: the text of `planck explain CODE` and of the
//! generated `docs/checks.md`, from one source so they never drift.

use crate::diagnostic::{Code, Severity};

/// The documentation of one code.
pub struct Doc {
    /// What the check finds.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A plan fragment that triggers it.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

pub fn doc(code: Code) -> Doc {
    use Code::*;
    let (what, why, example, fix) = match code {
        Syntax => (
            "Text that does not follow the grammar of a `.plan` file: a misspelt keyword, a missing value, an unclosed `{`, a file that is not UTF-8.",
            "planck cannot know what a broken item means, so nothing in it is checked. Items around it are still parsed and checked.",
            "goal revenue {\n  target CNY        # the amount is missing\n}",
            "Write the statement in the form the help line shows, e.g. `target 12M CNY`.",
        ),
        IncludeNotFound => (
            "An `include` whose file cannot be read.",
            "The items of that file (teams, dimensions, goals) are missing, so every reference to them fails too.",
            "include \"teams.plan\"     # but the file is called team.plan",
            "Correct the path. It is relative to the folder of the file that has the `include`.",
        ),
        IncludeCycle => (
            "Files that include each other, directly or through others.",
            "A cycle has no first file; its definitions would be loaded twice.",
            "# a.plan\ninclude \"b.plan\"\n# b.plan\ninclude \"a.plan\"",
            "Move what both files need into a third file that both include, and remove one include of the cycle.",
        ),
        IncludeOutsideRoot => (
            "An `include` that reaches outside the project root (the folder of `planck.toml`, or of the root plan when there is none).",
            "A plan checked in CI must be complete in its repository; a path outside it works on one machine only.",
            "include \"../../shared/teams.plan\"",
            "Copy the file into the project, or move `planck.toml` up so the project root contains it.",
        ),
        DuplicateName => (
            "A name defined twice in one namespace (two goals, two members of one dimension, two reps), a member repeated in a split, a statement given twice in one block, or a column named twice in the header of a CSV of actuals.",
            "References to the name would be ambiguous, and a repeated split member would be counted twice.",
            "dimension region { east \"华东\"  east \"华东二区\" }",
            "Rename or remove one of them. The diagnostic points at both places.",
        ),
        UnresolvedName => (
            "A reference to a goal, dimension, member, rep, team, funnel, stage, grade, strategy or diagnostic code that does not exist.",
            "A reference to nothing means a part of the plan is silently missing, for instance a share that goes nowhere.",
            "split region { east 50%  nroth 50% }",
            "Correct the name (the help line suggests the closest existing one) or define it.",
        ),
        AmbiguousMember => (
            "A bare member name, in an actuals row, that is a member of two dimensions (or a rep and a member); or a deal stage found in two funnels.",
            "planck would have to guess which one was meant.",
            "dimension region { key \"重点区域\" }\ndimension segment { key \"大客户\" }\nactuals revenue { 2026-Q1 key 100k }",
            "Qualify the member with its dimension: `region.key`. For a deal, add `funnel NAME`.",
        ),
        UnitMismatch => (
            "Quantities of different units that must agree: a baseline in another unit than its target, a currency other than the plan's, or a rep weighed `by capacity` whose capacity is in another unit than the goal's target.",
            "Measurable goals compare like with like; 10M USD against 12M CNY is not a growth rate, and 120 customers against 120 USD is no weight.",
            "plan { period 2026  currency CNY }\ngoal revenue { target 12M CNY  baseline 1.5M USD in 2025 }",
            "Use the target's unit for the baseline and the plan's currency for every amount; split a goal `by capacity` only over reps whose capacity is in the goal's unit, or split it with shares.",
        ),
        InvalidValue => (
            "A value out of its range: a negative target or amount, a conversion rate outside (0 %, 100 %], an impossible date (2026-02-30), a number too large or arithmetic that overflows, a ramp step over 100 %, a target finer than its rounding unit, an actual row naming two members of one dimension or a second period, a CSV amount whose commas are not thousands separators (`1,5`).",
            "An impossible value gives impossible numbers everywhere it flows.",
            "plan { period 2026-02-30..2026-12-31 }",
            "Write a value within the range the message gives.",
        ),
        MissingPeriod => (
            "A plan without a `period` (or a root file without a `plan` block).",
            "Time-bound goals need a frame: goal periods, time splits and capacities are all measured against the plan period.",
            "plan \"FY2026\" { currency CNY }",
            "Add `period 2026`, or a range such as `period 2026-04-01..2027-03-31` for a fiscal year.",
        ),
        OutsidePlanPeriod => (
            "A goal period, deal close date or actual that lies outside the plan period.",
            "Work outside the plan's time frame cannot count toward it.",
            "plan { period 2026 }\ngoal q1 { target 1M CNY  period 2027-Q1 }",
            "Move it inside the plan period, or widen the plan's `period`.",
        ),
        MissingTarget => (
            "A goal without a `target`.",
            "A goal is measurable only with a target quantity; nothing can be decomposed or tracked without one.",
            "goal revenue \"全年销售额\" { owner \"销售总监\" }",
            "Add `target AMOUNT UNIT`, e.g. `target 12M CNY` or `target 40 customers`.",
        ),
        SharesSum => (
            "A split whose percentage shares do not total 100 %.",
            "Shares that total 95 % leave 5 % of the target assigned to nobody; 105 % asks for more than the target.",
            "split region { east 40%  north 35%  south 20% }",
            "Correct the shares, or give one member `rest` to take whatever the others leave.",
        ),
        AmountsSum => (
            "A split with amounts (alone or mixed with shares) that do not total the value being split: the goal's target, or the member's part in a nested split.",
            "Unallocated money is a target nobody owns; over-allocation asks for more than the plan.",
            "goal revenue { target 12M CNY\n  split region { east 5M  north 4M  south 2.5M } }",
            "Correct the amounts, or give one member `rest`.",
        ),
        NegativeRemainder => (
            "A `rest` that would be below zero because the other entries already exceed the whole.",
            "A negative part of a target is meaningless and hides an over-allocation.",
            "split region { east 60%  north 50%  south rest }",
            "Lower the other entries so they leave something for `rest`.",
        ),
        SplitCoverage => (
            "A time split that misses a slice of its period, names a slice twice, or names a slice outside the period.",
            "Time-bound monitoring needs every month or quarter to have its part; a missing quarter has no target to track against.",
            "split quarter { Q1 20%  Q2 25%  Q3 55% }     # Q4 is missing",
            "Name every slice once, or use `rest` for the last one, or `split quarter even`.",
        ),
        SplitConflict => (
            "Two splits on one dimension at one level, a dimension split again inside itself, time dimensions that do not nest (weeks beside months), or side-by-side time splits whose shares disagree.",
            "The plan would say two different things about the same cells.",
            "split quarter { Q1 25%  Q2 25%  Q3 25%  Q4 25% }\nsplit month { Jan 10%  Feb 10%  Mar 10% … }   # Q1's months total 30%, not 25%",
            "Keep one split per dimension per level; make finer time shares add up to their coarser slice, or use `split month even` beside the quarter split.",
        ),
        ZeroWeight => (
            "A proportional split (`even`, `by ATTRIBUTE`, `by capacity`) with nothing to weigh: no members or reps, members lacking the attribute, or weights that total zero.",
            "Proportions of nothing cannot be computed; the target would vanish.",
            "dimension region { east { potential 30M CNY }  north }\ngoal g { target 1M CNY  split region by potential }",
            "Give every member the attribute, give the team reps with capacity, or split with explicit shares.",
        ),
        OverCapacity => (
            "Reps allocated more than their effective capacity over the goal's period.",
            "An achievable plan does not ask people for more than they can deliver; the gap must be closed by hiring, moving targets, or lifting capacity.",
            "team east_team { region east  rep alice { capacity 1.2M CNY } }\n# with 4.8M allocated to east, split by capacity over one rep",
            "Add reps, raise capacities where justified, or move target to regions with spare capacity.",
        ),
        MissingOwner => (
            "A goal without an `owner`.",
            "A specific goal says who is accountable for it.",
            "goal revenue \"全年销售额\" { target 12M CNY }",
            "Add `owner \"销售总监\"`, or name a rep or team: `owner east_team`.",
        ),
        MissingLabel => (
            "A goal without a label (the string after its name).",
            "A specific goal says in words what it is; the label is what reports show.",
            "goal revenue { target 12M CNY }",
            "Write `goal revenue \"2026 全年销售额\" { … }`.",
        ),
        MissingBaseline => (
            "A goal without a `baseline`.",
            "Achievability is judged against history: without last period's result, the implied growth is unknown.",
            "goal revenue \"全年销售额\" { target 12M CNY }",
            "Add `baseline 10M CNY in 2025`, or `allow missing-baseline` for a new line of business.",
        ),
        GrowthExceedsPolicy => (
            "A target whose growth over its baseline exceeds `policy.max_growth` (default 50 %).",
            "Growth far above the policy is rarely achievable and should be a deliberate, reviewed decision.",
            "goal revenue { target 20M CNY  baseline 10M CNY in 2025 }   # +100%",
            "Lower the target, or mark the decision with `allow growth-exceeds-policy`, or raise `max_growth` in planck.toml.",
        ),
        FunnelCannotReach => (
            "A goal whose funnel cannot carry its target: inflow × win rate × deal size over the goal's period is below the target.",
            "A target above what the funnel can produce is not achievable without more leads or better conversion.",
            "funnel b2b { deal_size 200k CNY  inflow 10 per month  … }\ngoal revenue { target 12M CNY  funnel b2b }",
            "Raise the inflow, improve conversions, or lower the target; the message says by how much.",
        ),
        CycleExceedsPeriod => (
            "A funnel whose sales cycle (the sum of stage dwell times) is longer than the goal's period.",
            "Deals entering the funnel during the period cannot close within it.",
            "funnel long { stage a { convert 50%  dwell 60d }  stage b { convert 50%  dwell 60d }  stage won }\ngoal q { period 2026-Q1  funnel long }",
            "Lengthen the goal's period, or rely on deals already in the pipeline.",
        ),
        OrphanGoal => (
            "A goal that supports no strategy and has no parent goal.",
            "A relevant goal serves the strategy; a goal tied to nothing competes for resources without a reason.",
            "goal visits \"拜访量\" { target 400 visits }",
            "Add `supports STRATEGY` or `parent GOAL`.",
        ),
        LowCoverage => (
            "Weighted pipeline closing in the rest of the period, divided by the target not yet reached, is below `policy.min_coverage` (default 3.0).",
            "Without enough pipeline, the rest of the target will not be reached whatever the effort.",
            "# 1M CNY weighted pipeline against 2M CNY still to reach: coverage 0.5",
            "Build pipeline (more leads, more qualified opportunities), or revise the target.",
        ),
        StaleDeal => (
            "An open deal whose close date is before `as_of`.",
            "A deal past its close date distorts the forecast: it is either lost or needs a new date.",
            "plan { period 2026  as_of 2026-06-30 }\ndeal acme { stage proposal  close 2026-05-31 }",
            "Update the close date, move the deal to its real stage, or remove it.",
        ),
        BehindPace => (
            "Actuals to date below expected-to-date × `policy.pace_tolerance` (default 90 %).",
            "Falling behind early is the cue to act while the period still has time.",
            "# expected 6M CNY by 2026-06-30, actual 4.5M CNY: 75 % of pace",
            "Investigate the gap by region, rep and product; adjust activity or the plan.",
        ),
        UnmatchedActual => (
            "An actual row (inline or from a CSV) that meets no allocated cell of its goal: its period lies outside every cell, or it names a member the goal is not split into there.",
            "A result that belongs nowhere in the plan is silently left out of progress by region, rep or month.",
            "goal revenue { target 12M CNY  split region { east 60%  north rest } }\nactuals revenue { 2026-Q1 south 100k }   # the goal has no `south` cell",
            "Correct the row's period or members, or split the goal so the row has a cell.",
        ),
    };
    Doc {
        what,
        why,
        example,
        fix,
    }
}

fn severity_text(code: Code) -> String {
    let base = match code.default_severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let lint = if code.is_lint() {
        " (lint: can be set to allow, warn or deny in planck.toml, or allowed per goal)"
    } else {
        " (cannot be silenced)"
    };
    let smart = code
        .smart()
        .map_or_else(String::new, |s| format!("; SMART: {s}"));
    format!("{base}{lint}{smart}")
}

/// Wrap prose to `width` columns, each line indented by two spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for word in text.split_whitespace() {
        if line.chars().count() + 1 + word.chars().count() > width && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The text `planck explain CODE` prints.
pub fn text(code: Code) -> String {
    let d = doc(code);
    let mut out = format!("{code}: {}\n\n", severity_text(code));
    out.push_str(&format!("What it finds\n{}\n", wrap(d.what, 88)));
    out.push_str(&format!("Why it matters\n{}\n", wrap(d.why, 88)));
    out.push_str("Example\n");
    for line in d.example.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("\nFix\n{}", wrap(d.fix, 88)));
    out
}

/// The whole of `docs/checks.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Checks\n\n<!-- Generated from src/explain.rs by `PLANCK_UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand. -->\n\nEvery diagnostic planck reports has one of these codes. `planck explain CODE` prints the same text.\n\n| code | default | SMART |\n|---|---|---|\n",
    );
    for &code in Code::ALL {
        out.push_str(&format!(
            "| [`{code}`](#{code}) | {}{} | {} |\n",
            code.default_severity().as_str(),
            if code.is_lint() { " (lint)" } else { "" },
            code.smart().map_or_else(String::new, String::from)
        ));
    }
    for &code in Code::ALL {
        let d = doc(code);
        out.push_str(&format!("\n## {code}\n\n*{}*\n\n", severity_text(code)));
        out.push_str(&format!(
            "**What it finds.** {}\n\n**Why it matters.** {}\n\n**Example.**\n\n```plan\n{}\n```\n\n**Fix.** {}\n",
            d.what, d.why, d.example, d.fix
        ));
    }
    out
}
