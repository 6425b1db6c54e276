//! Hostile input: numbers — exact comparisons, overflow reported, verdicts that agree.

use super::common;
use super::support::d;
use planck::alloc::Detail;
use planck::config::Config;
use planck::diagnostic::Diagnostic;
use rust_decimal::Decimal;

/// Compile `text` as `planck compile` does (every cell) and as `planck check` does (exact
/// rep totals), assert both report the same, and return the diagnostics.
fn both(text: &str, config: &Config) -> (planck::Compilation, Vec<Diagnostic>) {
    let full = common::compile_files(text, &[], config, Detail::Cells);
    let quick = common::compile_files(text, &[], config, Detail::ExactRepTotals);
    assert_eq!(
        full.diagnostics, quick.diagnostics,
        "`check` and `compile` disagree on\n{text}"
    );
    let diagnostics = full.diagnostics.clone();
    (full, diagnostics)
}

fn with_code<'a>(diagnostics: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.code.as_str() == code)
        .collect()
}

/// A plan with the given period, one team of reps and one goal split by capacity.
fn capacity_plan(period: &str, reps: &[&str], goal: &str) -> String {
    let reps: Vec<String> = reps.iter().map(|r| format!("  rep {r}\n")).collect();
    format!(
        "plan {{ period {period}  currency USD }}\nteam sales {{\n{}}}\ngoal g {{\n{goal}\n  split rep by capacity\n}}\n",
        reps.concat()
    )
}

fn over_capacity(period: &str, reps: &[&str], goal: &str) -> Vec<String> {
    let text = capacity_plan(period, reps, goal);
    let (_, diagnostics) = both(&text, &Config::default());
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == planck::diagnostic::Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.help.as_deref().unwrap_or("")))
        .collect();
    errors
}

// ------------------------------------------------------------- exactly full capacity

#[test]
fn a_rep_at_exactly_full_capacity_is_not_over() {
    assert_eq!(
        over_capacity("2026", &["alice { capacity 1M USD }"], "  target 1M USD"),
        Vec::<String>::new()
    );
    // One cent more is over, and says by how much.
    assert_eq!(
        over_capacity(
            "2026",
            &["alice { capacity 1M USD }"],
            "  target 1000000.01 USD"
        ),
        vec![
            "over-capacity: over capacity: `alice` 1,000,000.01 against 1M (0.01 over); add reps, raise capacities where justified, or move target elsewhere"
        ]
    );
}

#[test]
fn several_reps_at_exactly_full_capacity_are_not_over() {
    // Capacity spread over 3 months: thirds of a million each month.
    assert_eq!(
        over_capacity(
            "2026-01..2026-03",
            &["alice { capacity 1M USD }", "bob { capacity 2M USD }"],
            "  target 3M USD"
        ),
        Vec::<String>::new()
    );
    // Capacities that share a million unevenly.
    assert_eq!(
        over_capacity(
            "2026",
            &[
                "alice { capacity 333334 USD }",
                "bob { capacity 333333 USD }",
                "carol { capacity 333333 USD }"
            ],
            "  target 1M USD"
        ),
        Vec::<String>::new()
    );
    // Seven reps over a plan of seven months.
    let seven: Vec<String> = (0..7)
        .map(|i| format!("r{i} {{ capacity {}k USD }}", 100 + i))
        .collect();
    let seven: Vec<&str> = seven.iter().map(String::as_str).collect();
    assert_eq!(
        over_capacity("2026-01..2026-07", &seven, "  target 721k USD"),
        Vec::<String>::new()
    );
    assert_eq!(
        over_capacity("2026-01..2026-07", &seven, "  target 721000.07 USD").len(),
        1
    );
}

#[test]
fn ramps_and_partial_months_at_exactly_full_capacity_are_not_over() {
    // 1M over 12 months, from July at 50 % then 75 %: 1M × 5.25 / 12 = 437,500.
    assert_eq!(
        over_capacity(
            "2026",
            &["alice { capacity 1M USD  start 2026-07  ramp 50% 75% }"],
            "  target 437500 USD"
        ),
        Vec::<String>::new()
    );
    // January and half of February (14 of 28 days): 1M / 12 × 1.5 = 125,000.
    assert_eq!(
        over_capacity(
            "2026",
            &["alice { capacity 1M USD }"],
            "  target 125000 USD\n  period 2026-01-01..2026-02-14"
        ),
        Vec::<String>::new()
    );
    // Seven months, a ramp, and a quarter of February (7 of 28 days):
    // 1.4M / 7 × (50 % + 25 % × 75 %) = 137,500.
    assert_eq!(
        over_capacity(
            "2026-01..2026-07",
            &["alice { capacity 1.4M USD  ramp 50% 75% }"],
            "  target 137500 USD\n  period 2026-01-01..2026-02-07"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        over_capacity(
            "2026-01..2026-07",
            &["alice { capacity 1.4M USD  ramp 50% 75% }"],
            "  target 137500.01 USD\n  period 2026-01-01..2026-02-07"
        )
        .len(),
        1
    );
}

// ------------------------------------------------------------- ramps before the plan

#[test]
fn a_ramp_that_starts_before_the_plan_counts_its_months_from_its_start() {
    let text = capacity_plan(
        "2026",
        &[
            "early { capacity 1.2M USD  start 2025-06  ramp 0% 50% }",
            "across { capacity 1.2M USD  start 2025-11  ramp 0% 0% 50% 75% }",
        ],
        "  target 1M USD",
    );
    let c = common::compile(text, Detail::Cells);
    let rep = |name: &str| c.model.reps.iter().find(|r| r.name == name).unwrap();
    let year = planck::period::Period {
        start: "2026-01-01".parse().unwrap(),
        end: "2026-12-31".parse().unwrap(),
    };
    let january = planck::period::Period {
        start: "2026-01-01".parse().unwrap(),
        end: "2026-01-31".parse().unwrap(),
    };
    let effective = |name: &str, p| planck::capacity::effective(&c.model, rep(name), &p);
    // Its ramp ran in 2025: the whole of 2026 is at full capacity.
    assert_eq!(effective("early", january), Some(d("100000")));
    assert_eq!(effective("early", year), Some(d("1200000")));
    // November and December 2025 at 0 %, January 2026 at 50 %, February at 75 %.
    assert_eq!(effective("across", january), Some(d("50000")));
    assert_eq!(effective("across", year), Some(d("1125000")));
    // A target of the full 1.2M is within `early`'s capacity.
    assert_eq!(
        over_capacity(
            "2026",
            &["early { capacity 1.2M USD  start 2025-06  ramp 0% }"],
            "  target 1.2M USD"
        ),
        Vec::<String>::new()
    );
}

// ------------------------------------------------------------- check agrees with compile

/// A goal without a rep split: `check` never allocates it to cells.
fn plain_goal(target: &str) -> String {
    format!(
        "plan {{ period 2026  currency CNY }}\ngoal g {{\n  target {target} CNY\n  split month even\n}}\n"
    )
}

#[test]
fn a_target_too_large_to_round_is_reported_by_check_as_by_compile() {
    // 9 × 10²⁷ is a decimal, but not as a count of cents.
    let (c, diagnostics) = both(
        &plain_goal("9000000000000000000000000000"),
        &Config::default(),
    );
    let invalid = with_code(&diagnostics, "invalid-value");
    assert_eq!(invalid.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        invalid[0].message,
        "goal `g` is too large to round: 9000000000000000000000000000 CNY is at least 10²⁸ rounding units of 0.01"
    );
    assert!(c.allocation.goals[0].is_none());
    // Without a split there is nothing to round, but the limit is the same.
    let text =
        "plan { period 2026  currency CNY }\ngoal g { target 9000000000000000000000000000 CNY }\n";
    let (_, diagnostics) = both(text, &Config::default());
    assert_eq!(with_code(&diagnostics, "invalid-value").len(), 1);
}

#[test]
fn a_tiny_rounding_unit_is_refused_where_it_is_written() {
    let text = "[policy.rounding]\nCNY = \"0.0000000000000000001\"\n";
    let e = planck::config::parse(text).unwrap_err();
    assert_eq!(
        e.message,
        "the rounding unit for `CNY` is finer than 0.000001"
    );
    assert_eq!(&text[e.span.unwrap()], "\"0.0000000000000000001\"");
    assert_eq!(
        e.help.as_deref(),
        Some("write a unit of at least 0.000001, such as 0.01, 1 or 1000")
    );
    // The finest unit allowed still rounds a large target, and refuses a huge one in
    // `check` as in `compile`.
    let config = planck::config::parse("[policy.rounding]\nCNY = \"0.000001\"\n").unwrap();
    let (c, diagnostics) = both(&plain_goal("1000000000000"), &config);
    assert_eq!(with_code(&diagnostics, "invalid-value").len(), 0);
    assert_eq!(c.allocation.goals[0].as_ref().unwrap().cells.len(), 12);
    let (_, diagnostics) = both(&plain_goal("100000000000000000000000"), &config);
    assert_eq!(with_code(&diagnostics, "invalid-value").len(), 1);
}

#[test]
fn huge_and_tiny_weights_do_not_overflow_where_check_does_not_look() {
    // Weights whose sum, or whose share of a large target, does not fit in a decimal:
    // the allocation is exact all the same, in `check` as in `compile`.
    for (a, b, target) in [
        ("50000000000000000000000M", "50000000000000000000000M", "1M"),
        (
            "0.00000000000000000001",
            "0.00000000000000000003",
            "1000000000000000000000000",
        ),
    ] {
        let text = format!(
            "plan {{ period 2026  currency CNY }}\ndimension product {{ a {{ w {a} }}  b {{ w {b} }} }}\ngoal g {{\n  target {target} CNY\n  split product by w\n}}\n"
        );
        let (c, diagnostics) = both(&text, &Config::default());
        assert_eq!(
            with_code(&diagnostics, "invalid-value").len(),
            0,
            "{diagnostics:#?}"
        );
        let cells = &c.allocation.goals[0].as_ref().unwrap().cells;
        let total: Decimal = cells.iter().map(|c| c.value).sum();
        assert_eq!(total, c.model.goals[0].target.as_ref().unwrap().value);
        let ratio = cells[1].value / cells[0].value;
        assert_eq!(
            ratio,
            if a == b {
                Decimal::ONE
            } else {
                Decimal::from(3)
            }
        );
    }
}

// ------------------------------------------------------------- units of capacity

#[test]
fn capacities_in_another_unit_than_the_goal_are_a_unit_mismatch() {
    let text = capacity_plan(
        "2026",
        &[
            "alice { capacity 120 customers }",
            "bob { capacity 120 USD }",
        ],
        "  target 200 USD",
    );
    let (_, diagnostics) = both(&text, &Config::default());
    let mismatch = with_code(&diagnostics, "unit-mismatch");
    assert_eq!(mismatch.len(), 1, "{diagnostics:#?}");
    let m = mismatch[0];
    assert_eq!(
        m.message,
        "`split rep by capacity` weighs `alice` by a capacity in `customers`, but goal `g` is counted in `USD`"
    );
    assert_eq!(&text[m.span.range()], "120 customers");
    assert_eq!(m.label.as_deref(), Some("expected USD"));
    assert_eq!(m.secondary.len(), 1);
    let goal_unit = m.secondary[0].span;
    assert_eq!(&text[goal_unit.range()], "USD");
    assert_eq!(goal_unit.start(), text.find("200 USD").unwrap() + 4);
    assert_eq!(m.secondary[0].message, "the goal's unit");
    assert_eq!(
        m.help.as_deref(),
        Some(
            "weighing by capacity compares like with like: give `alice` a capacity in USD, or split this goal with shares"
        )
    );
    assert!(with_code(&diagnostics, "over-capacity").is_empty());

    // A goal counted in customers, split over reps whose capacities are in USD.
    let text = capacity_plan(
        "2026",
        &["alice { capacity 1M USD }", "bob { capacity 2M USD }"],
        "  target 40 客户",
    );
    let (_, diagnostics) = both(&text, &Config::default());
    let mismatch = with_code(&diagnostics, "unit-mismatch");
    let at: Vec<&str> = mismatch.iter().map(|m| &text[m.span.range()]).collect();
    assert_eq!(at, vec!["1M USD", "2M USD"]);
    let goal_unit = mismatch[0].secondary[0].span;
    assert_eq!(&text[goal_unit.range()], "客户");
}
