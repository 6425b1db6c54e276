//! Hostile input: the last progress and funnel numbers that an overflow could drop, cap
//! or turn into zero — the pace, coverage and attainment of a goal, the pipeline still to
//! build, the inflow a funnel would need — and the bound on a funnel's probabilities.

use super::common;
use super::support::{at, d, found};
use planck::alloc::Detail;
use rust_decimal::Decimal;

fn with_code<'c>(
    c: &'c planck::Compilation,
    code: &str,
) -> Vec<&'c planck::diagnostic::Diagnostic> {
    c.diagnostics
        .iter()
        .filter(|d| d.code.as_str() == code)
        .collect()
}

fn compile_with(text: &str, config: &str) -> planck::Compilation {
    let config = planck::config::parse(config).unwrap();
    common::compile_files(text, &[], &config, Detail::Cells)
}

/// A plan in rupiah with one goal, as of `as_of`; `rest` follows the goal.
fn goal_plan(as_of: &str, target: &str, goal_extra: &str, rest: &str) -> String {
    format!(
        r#"
plan "FY2026" {{ period 2026  currency IDR  as_of {as_of} }}
goal revenue "全年收入" {{
  owner "销售总监"
  target {target} IDR
  baseline {target} IDR in 2025
{goal_extra}
}}
{rest}
"#
    )
}

/// Funnel `b2b` with one open deal of `amount` graded at 90 %, closing in November.
fn funnel_with_deal(amount: &str) -> String {
    format!(
        r#"
funnel b2b "大客户漏斗" {{
  deal_size 1000000000 IDR
  inflow 10 per month
  stage lead "线索" {{ convert 50%  dwell 10d }}
  stage won "成交"
}}
grades {{ A "很有把握" 90% }}
deal big "大单" {{ stage lead  grade A  amount {amount} IDR  close 2026-11-15 }}
"#
    )
}

// ------------------------------------------------------------------ behind-pace

#[test]
fn behind_pace_fires_under_a_pace_tolerance_whose_product_overflows() {
    // Expected to date is about 5e14; × 1e27 is beyond a decimal, and so above any actual.
    let text = goal_plan(
        "2026-06-30",
        "1000000000000000",
        "",
        "actuals revenue { 2026-01 100M }\n",
    );
    let c = compile_with(
        &text,
        "[policy]\npace_tolerance = \"1000000000000000000000000000\"\n",
    );
    let lints = with_code(&c, "behind-pace");
    assert_eq!(lints.len(), 1, "{:?}", found(&c));
    assert_eq!(
        lints[0].message,
        "goal `revenue` stands at 100M by 2026-06-30, 0% of the 495,890,410,958,904.11 expected (policy: at least 1000000000000000000000000000 × 100%)"
    );
}

#[test]
fn a_pace_beyond_a_decimal_is_reported_on_the_goal_not_printed_as_zero() {
    // One IDR over the year, 1/365 of it expected by 1 January; -7e28 of actuals ÷
    // 0.0027 is far below the smallest decimal.
    let text = goal_plan(
        "2026-01-01",
        "1",
        "",
        "actuals revenue { 2026-01 -70000000000000000000B }\n",
    );
    let c = compile_with(&text, "");
    assert!(with_code(&c, "behind-pace").is_empty(), "{:?}", found(&c));
    let errs = with_code(&c, "invalid-value");
    assert_eq!(errs.len(), 1, "{:?}", found(&c));
    assert_eq!(
        errs[0].message,
        "the pace of goal `revenue` (actuals to date ÷ expected to date) is smaller than the smallest number planck holds (-79228162514264337593543950335)"
    );
    assert_eq!(at(&c, errs[0]), "revenue");
    assert!(errs[0].help.as_deref().unwrap().contains("actuals"));
}

#[test]
fn an_ordinary_pace_is_unchanged() {
    let text = goal_plan(
        "2026-06-30",
        "1000000000000000",
        "",
        "actuals revenue { 2026-01 100000000000000 }\n",
    );
    let c = compile_with(&text, "");
    let lints = with_code(&c, "behind-pace");
    assert_eq!(lints.len(), 1, "{:?}", found(&c));
    assert_eq!(
        lints[0].message,
        "goal `revenue` stands at 100,000,000,000,000 by 2026-06-30, 20.17% of the 495,890,410,958,904.11 expected (policy: at least 90%)"
    );
}

// ------------------------------------------------------------------ attainment, coverage

#[test]
fn an_attainment_beyond_a_decimal_is_reported_on_the_goal() {
    // 7e28 of actuals against a target of 0.5 is an attainment of 1.4e29.
    let text = goal_plan(
        "2026-12-31",
        "0.5",
        "",
        "actuals revenue { 2026-01 70000000000000000000B }\n",
    );
    let c = compile_with(&text, "[policy.rounding]\nIDR = \"0.1\"\n");
    let errs = with_code(&c, "invalid-value");
    assert_eq!(errs.len(), 1, "{:?}", found(&c));
    assert_eq!(
        errs[0].message,
        "the attainment of goal `revenue` (actuals ÷ target) is larger than the largest number planck holds (79228162514264337593543950335)"
    );
    assert_eq!(at(&c, errs[0]), "revenue");
    assert!(errs[0].help.as_deref().unwrap().contains("target"));
}

#[test]
fn an_attainment_beyond_a_decimal_in_one_cell_is_reported_on_the_goal() {
    // The goal's attainment is 5e28 ÷ 1 = 5e28; the first quarter's is 5e28 ÷ 0.1.
    let text = goal_plan(
        "2026-12-31",
        "1",
        "  split quarter { Q1 10%  Q2 30%  Q3 30%  Q4 30% }",
        "actuals revenue { 2026-01 50000000000000000000B }\n",
    );
    let c = compile_with(&text, "[policy.rounding]\nIDR = \"0.1\"\n");
    let errs = with_code(&c, "invalid-value");
    assert_eq!(errs.len(), 1, "{:?}", found(&c));
    assert_eq!(
        errs[0].message,
        "the attainment of a cell of goal `revenue` (actuals ÷ its value) is larger than the largest number planck holds (79228162514264337593543950335)"
    );
    assert_eq!(at(&c, errs[0]), "revenue");
}

#[test]
fn a_coverage_beyond_a_decimal_is_reported_on_the_goals_funnel() {
    // 9e27 of weighted pipeline for the 0.1 still to reach is a coverage of 9e28.
    let text = goal_plan(
        "2026-06-30",
        "0.1",
        "  funnel b2b\n  allow behind-pace",
        &funnel_with_deal("10000000000000000000B"),
    );
    let c = compile_with(&text, "[policy.rounding]\nIDR = \"0.1\"\n");
    let errs = with_code(&c, "invalid-value");
    assert_eq!(errs.len(), 1, "{:?}", found(&c));
    assert_eq!(
        errs[0].message,
        "the coverage of goal `revenue` (weighted pipeline of funnel `b2b` ÷ what is still to reach) is larger than the largest number planck holds (79228162514264337593543950335)"
    );
    assert_eq!(at(&c, errs[0]), "b2b");
}

#[test]
fn what_is_still_to_reach_beyond_a_decimal_is_reported_on_the_goal() {
    // 9e27 − (−7.5e28) is 8.4e28.
    let text = goal_plan(
        "2026-06-30",
        "9000000000000000000000000000",
        "  funnel b2b\n  allow funnel-cannot-reach\n  allow behind-pace",
        &(funnel_with_deal("1000") + "actuals revenue { 2026-01 -75000000000000000000B }\n"),
    );
    let c = compile_with(&text, "[policy.rounding]\nIDR = \"1\"\n");
    let errs = with_code(&c, "invalid-value");
    assert_eq!(errs.len(), 1, "{:?}", found(&c));
    assert_eq!(
        errs[0].message,
        "what goal `revenue` still has to reach (target − actuals) is larger than the largest number planck holds (79228162514264337593543950335)"
    );
    assert_eq!(at(&c, errs[0]), "revenue");
}

// ------------------------------------------------------------------ low-coverage help

#[test]
fn the_pipeline_to_build_is_computed_when_target_times_policy_overflows() {
    // 9e27 to reach at a coverage of 9 asks for 8.1e28, beyond a decimal; the 5.4e28 of
    // weighted pipeline leaves 2.7e28 to build, which fits.
    let text = goal_plan(
        "2026-06-30",
        "9000000000000000000000000000",
        "  funnel b2b\n  allow funnel-cannot-reach\n  allow behind-pace",
        &funnel_with_deal("60000000000000000000B"),
    );
    let c = compile_with(
        &text,
        "[policy]\nmin_coverage = 9\n[policy.rounding]\nIDR = \"1\"\n",
    );
    let lints = with_code(&c, "low-coverage");
    assert_eq!(lints.len(), 1, "{:?}", found(&c));
    assert_eq!(
        lints[0].help.as_deref().unwrap(),
        "build 27,000,000,000,000,000,000,000,000,000 more weighted pipeline closing by 2026-12-31, or revise the target"
    );
}

#[test]
fn a_pipeline_to_build_beyond_a_decimal_is_said_not_capped() {
    let text = goal_plan(
        "2026-06-30",
        "1000000000000000",
        "  funnel b2b\n  allow funnel-cannot-reach\n  allow behind-pace",
        &funnel_with_deal("1000000000"),
    );
    let c = compile_with(
        &text,
        "[policy]\nmin_coverage = \"10000000000000000000000000000\"\n",
    );
    let lints = with_code(&c, "low-coverage");
    assert_eq!(lints.len(), 1, "{:?}", found(&c));
    let help = lints[0].help.as_deref().unwrap();
    assert_eq!(
        help,
        "the weighted pipeline a coverage of 10000000000000000000000000000 asks for is larger than the largest number planck holds (79228162514264337593543950335): check `min_coverage` in planck.toml, or revise the target"
    );
}

// ------------------------------------------------------------------ funnel-cannot-reach

#[test]
fn the_inflow_needed_is_suggested_when_inflow_times_target_overflows() {
    // 10 a month × 9e27 is beyond a decimal; the funnel carries 6e10 in the year, so it
    // would take an inflow of 1.5e18 a month.
    let text = goal_plan(
        "2026-06-30",
        "9000000000000000000000000000",
        "  funnel b2b",
        &funnel_with_deal("1000"),
    );
    let c = compile_with(&text, "[policy.rounding]\nIDR = \"1\"\n");
    let lints = with_code(&c, "funnel-cannot-reach");
    assert_eq!(lints.len(), 1, "{:?}", found(&c));
    assert_eq!(
        lints[0].help.as_deref().unwrap(),
        "it would take an inflow of 1500000000000000000 per month; or lower the target"
    );
}

#[test]
fn an_inflow_needed_beyond_a_decimal_is_said_not_dropped() {
    // Ten stages of 1 % each: a win rate of 1e-18 and a capacity of 1.2e-7 for a target
    // of 9e27 — an inflow of 7.5e35 a month.
    let mut stages = String::new();
    for i in 0..9 {
        stages.push_str(&format!("  stage s{i} \"阶段{i}\" {{ convert 1% }}\n"));
    }
    let text = goal_plan(
        "2026-06-30",
        "9000000000000000000000000000",
        "  funnel b2b\n  allow low-coverage\n  allow behind-pace",
        &format!(
            "funnel b2b \"大客户漏斗\" {{\n  deal_size 1 IDR\n  inflow 10 per month\n{stages}  stage won \"成交\"\n}}\n"
        ),
    );
    let c = compile_with(&text, "[policy.rounding]\nIDR = \"1\"\n");
    let lints = with_code(&c, "funnel-cannot-reach");
    assert_eq!(lints.len(), 1, "{:?}", found(&c));
    assert_eq!(
        lints[0].help.as_deref().unwrap(),
        "it would take an inflow of more than 79228162514264337593543950335 per month; or lower the target"
    );
}

// ------------------------------------------------------------------ stage probabilities

#[test]
fn stage_probabilities_stay_within_zero_and_one_at_the_bounds_of_convert() {
    // `convert` lies in (0 %, 100 %], so every product of conversions does too and
    // cannot overflow: sixty stages at 100 % and one at the smallest positive share.
    let mut stages = String::new();
    for i in 0..60 {
        stages.push_str(&format!("  stage s{i} \"阶段{i}\" {{ convert 100% }}\n"));
    }
    stages.push_str("  stage tiny \"最小\" { convert 0.00000000000000000000000001% }\n");
    let text = goal_plan(
        "2026-06-30",
        "1000",
        "  funnel b2b",
        &format!("funnel b2b \"漏斗\" {{\n{stages}  stage won \"成交\"\n}}\n"),
    );
    let c = compile_with(&text, "");
    assert_eq!(
        found(&c),
        ["orphan-goal: goal `revenue` supports no strategy and has no parent"]
    );
    let stats = planck::pipeline::stats(&c.model.funnels[0]).unwrap();
    assert_eq!(stats.win_rate, d("0.0000000000000000000000000001"));
    assert_eq!(stats.probabilities.len(), 62);
    assert!(
        stats
            .probabilities
            .iter()
            .all(|p| *p > Decimal::ZERO && *p <= Decimal::ONE)
    );
    // Above 100 % or at zero, `convert` is refused where it is written.
    for bad in ["100.0000000000000000000000001%", "0%"] {
        let text = goal_plan(
            "2026-06-30",
            "1000",
            "  funnel b2b",
            &format!(
                "funnel b2b \"漏斗\" {{\n  stage a \"甲\" {{ convert {bad} }}\n  stage won \"成交\"\n}}\n"
            ),
        );
        let c = compile_with(&text, "");
        let errs = with_code(&c, "invalid-value");
        assert_eq!(errs.len(), 1, "{bad}: {:?}", found(&c));
        assert_eq!(
            errs[0].message,
            "a conversion rate must be above 0% and at most 100%"
        );
    }
}
