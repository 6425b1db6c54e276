//! Hostile input: numbers at the edge of what a decimal holds — the forecast band, funnel
//! cycles, dwell times and velocity computed right or reported, never printed as null or 0;
//! and a few small ones (a huge `max_growth`, a huge week number, a file that is not UTF-8).

use super::common;
use super::support::{at, compile_json, d, errors, found, one_invalid_value};
use planck::alloc::Detail;

/// A plan in rupiah with one goal on funnel `b2b`; `DEALS` and `STAGES` are replaced.
const PLAN: &str = r#"
plan "FY2026" { period 2026  currency IDR  as_of 2026-06-30 }
goal revenue "全年收入" {
  owner "销售总监"
  target 1000000000000000 IDR
  baseline 900000000000000 IDR in 2025
  funnel b2b
  allow low-coverage
}
funnel b2b "大客户漏斗" {
  deal_size 1000000000 IDR
  inflow 10 per month
STAGES
}
grades { A "本季度可成交" 50%  B "半年内" 20%  C "很有把握" 90% }
DEALS
"#;

const STAGES: &str = r#"  stage lead "线索" { convert 50%  dwell 10d }
  stage won "成交""#;

fn plan(stages: &str, deals: &str) -> String {
    PLAN.replace("STAGES", stages).replace("DEALS", deals)
}

fn deal(name: &str, grade: &str, amount: &str, close: &str) -> String {
    format!(
        "deal {name} \"客户{name}\" {{ stage lead  grade {grade}  amount {amount} IDR  close {close} }}\n"
    )
}

fn goal_numbers(c: &planck::Compilation) -> &planck::progress::Numbers {
    &c.progress.goals[0].as_ref().unwrap().numbers
}

// ------------------------------------------------------------------ forecast band

#[test]
fn band_of_a_deal_whose_square_overflows_is_computed() {
    // 3e14² = 9e28 is beyond a decimal's 7.9e28; the band is still
    // √(3e14² × 0.25 + 1e11² × 0.16) = 150000005333333.2385… (by hand, 60 digits).
    let deals = deal("big", "A", "300000000000000", "2026-09-15")
        + &deal("small", "B", "100000000000", "2026-10-15");
    let c = common::compile(plan(STAGES, &deals), Detail::Cells);
    assert_eq!(errors(&c).len(), 0, "{:?}", found(&c));
    let n = goal_numbers(&c);
    assert_eq!(n.pipeline, Some(d("150020000000000")));
    let band = n.band().unwrap();
    assert_eq!(band.round_dp(6), d("150000005333333.238519"));
    // Low 150020000000000 − 150000005333333.2385… and high 150020000000000 + 150000005333333.2385…
    assert_eq!(n.low().unwrap().round_dp(4), d("19994666666.7615"));
    assert_eq!(n.high().unwrap().round_dp(4), d("300020005333333.2385"));
    let json = compile_json(&c);
    assert!(
        json.contains(r#""forecast":"150020000000000","forecast_low":"19994666666.76","forecast_high":"300020005333333.24""#),
        "{json}"
    );
}

#[test]
fn band_near_the_largest_decimal_is_exact() {
    // 7e28 at 50 % and 10 at 20 %: pipeline 3.5e28 + 2, band √(7e28² × 0.25 + 10² × 0.16)
    // = 3.5e28 + 2.3e-28, which a decimal holds as 3.5e28; high 7e28 + 2.
    let deals = deal("huge", "A", "70000000000000000000B", "2026-09-15")
        + &deal("tiny", "B", "10", "2026-10-15");
    let c = common::compile(plan(STAGES, &deals), Detail::Cells);
    assert_eq!(errors(&c).len(), 0, "{:?}", found(&c));
    let n = goal_numbers(&c);
    assert_eq!(n.pipeline, Some(d("35000000000000000000000000002")));
    assert_eq!(n.band(), Some(d("35000000000000000000000000000")));
    assert_eq!(n.forecast(), Some(d("35000000000000000000000000002")));
    assert_eq!(n.high(), Some(d("70000000000000000000000000002")));
    assert_eq!(n.low(), Some(d("2")));
}

#[test]
fn band_of_small_deals_keeps_its_precision() {
    // 600k at 80 %: √(600000² × 0.8 × 0.2) = 240000 exactly, as before.
    let c = common::compile(
        plan(
            STAGES,
            &deal("acme", "A", "600000", "2026-09-15").replace("grade A", "grade B"),
        ),
        Detail::Cells,
    );
    // Grade B is 20 %: √(600000² × 0.2 × 0.8) = 240000.
    assert_eq!(goal_numbers(&c).band(), Some(d("240000")));
    // Cells carry the same numbers as the goal when the goal has one cell.
    let cells = &c.progress.goals[0].as_ref().unwrap().cells;
    assert_eq!(cells[0].band(), Some(d("240000")));
}

#[test]
fn a_pipeline_beyond_the_largest_decimal_is_reported_on_the_funnel() {
    // Two deals of 7e28 at 90 %: 1.26e29 of weighted pipeline cannot be held.
    let deals = deal("one", "C", "70000000000000000000B", "2026-09-15")
        + &deal("two", "C", "70000000000000000000B", "2026-10-15");
    let c = common::compile(plan(STAGES, &deals), Detail::Cells);
    let errs = errors(&c);
    assert_eq!(errs.len(), 1, "{:?}", found(&c));
    let e = errs[0];
    assert_eq!(e.code.as_str(), "invalid-value");
    assert_eq!(
        e.message,
        "the weighted pipeline of funnel `b2b` for goal `revenue` is larger than the largest number planck holds (79228162514264337593543950335)"
    );
    assert_eq!(at(&c, e), "b2b");
    assert!(
        e.help.as_deref().unwrap().contains("deal amounts"),
        "{:?}",
        e.help
    );
    assert_eq!(goal_numbers(&c).pipeline, None);
    assert_eq!(goal_numbers(&c).forecast(), None);
}

#[test]
fn a_forecast_range_beyond_the_largest_decimal_is_reported() {
    // Pipeline 3.5e28 and band 3.5e28 fit, and so do actuals of 2e28; their sum, the
    // forecast's high end 9e28, does not.
    let deals = deal("huge", "A", "70000000000000000000B", "2026-09-15")
        + "actuals revenue { 2026-01 20000000000000000000B }\n";
    let c = common::compile(plan(STAGES, &deals), Detail::Cells);
    one_invalid_value(
        &c,
        "the forecast range of goal `revenue` (actuals + weighted pipeline of funnel `b2b` ± its band) is larger than the largest number planck holds (79228162514264337593543950335)",
        "b2b",
    );
    let n = goal_numbers(&c);
    assert_eq!(n.forecast(), Some(d("55000000000000000000000000000")));
    assert_eq!(n.high(), None);
}

#[test]
fn actuals_beyond_the_largest_decimal_are_reported_on_the_goal() {
    // 2 × 7e28 of actuals cannot be held; they were summed to the largest decimal before.
    let rows = "actuals revenue { 2026-01 70000000000000000000B  2026-02 70000000000000000000B }\n";
    let c = common::compile(plan(STAGES, rows), Detail::Cells);
    one_invalid_value(
        &c,
        "the actuals of goal `revenue` add up to a number larger than the largest number planck holds (79228162514264337593543950335)",
        "revenue",
    );
}

// ------------------------------------------------------------------ funnel numbers

#[test]
fn a_dwell_time_beyond_the_largest_decimal_is_reported() {
    // 9999999999999999999999999999 months of 30 days are 3e29 days.
    let stages = r#"  stage lead "线索" { convert 50%  dwell 9999999999999999999999999999mo }
  stage won "成交""#;
    let c = common::compile(plan(stages, ""), Detail::Cells);
    one_invalid_value(
        &c,
        "the time in stage `lead`, 9999999999999999999999999999 months, is more days than planck can count (79228162514264337593543950335)",
        "9999999999999999999999999999mo",
    );
}

#[test]
fn a_cycle_beyond_the_largest_decimal_is_reported_and_the_rest_still_computed() {
    let stages = r#"  stage lead "线索" { convert 50%  dwell 2000000000000000000000000000mo }
  stage proposal "方案" { convert 50%  dwell 2000000000000000000000000000mo }
  stage won "成交""#;
    let c = common::compile(plan(stages, ""), Detail::Cells);
    one_invalid_value(
        &c,
        "the stages of funnel `b2b` add up to a cycle of more days than planck can count (79228162514264337593543950335)",
        "b2b",
    );
    // The win rate does not depend on the cycle.
    let stats = c.progress.funnels[0].as_ref().unwrap();
    assert_eq!(stats.win_rate, d("0.25"));
    assert_eq!(stats.cycle_days, None);
}

#[test]
fn a_long_cycle_is_written_in_whole_days_not_null() {
    // 1e20 days do not fit a 64-bit integer, but they are a number of days all the same.
    let stages = r#"  stage lead "线索" { convert 50%  dwell 100000000000000000000d }
  stage won "成交""#;
    let c = common::compile(plan(stages, ""), Detail::Cells);
    assert_eq!(errors(&c).len(), 0, "{:?}", found(&c));
    let json = compile_json(&c);
    assert!(
        json.contains(r#""cycle_days":100000000000000000000,"#),
        "{json}"
    );
}

#[test]
fn velocity_of_deals_whose_total_overflows_is_computed() {
    // Open: 2 × 7e28 = 1.4e29 in total, beyond a decimal; × win rate 50 % ÷ 10 days is
    // 7e27 per day, which fits. (Both were due before `as_of`: stale, out of the forecast.)
    let deals = deal("one", "A", "70000000000000000000B", "2026-05-15")
        + &deal("two", "A", "70000000000000000000B", "2026-05-15");
    let c = common::compile(plan(STAGES, &deals), Detail::Cells);
    assert_eq!(errors(&c).len(), 0, "{:?}", found(&c));
    let stats = c.progress.funnels[0].as_ref().unwrap();
    let v = planck::pipeline::velocity(&c.model, planck::model::FunnelId(0), stats);
    assert_eq!(v, Ok(Some(d("7000000000000000000000000000"))));
    let json = compile_json(&c);
    assert!(
        json.contains(r#""velocity":"7000000000000000000000000000""#),
        "{json}"
    );
}

#[test]
fn a_velocity_beyond_the_largest_decimal_is_reported_on_the_funnel() {
    // 7e28 × 50 % ÷ 0.1 day = 3.5e29 per day.
    let stages = r#"  stage lead "线索" { convert 50%  dwell 0.1d }
  stage won "成交""#;
    let deals = deal("one", "A", "70000000000000000000B", "2026-05-15");
    let c = common::compile(plan(stages, &deals), Detail::Cells);
    one_invalid_value(
        &c,
        "the velocity of funnel `b2b` (open deals × win rate ÷ cycle days) is larger than the largest number planck holds (79228162514264337593543950335)",
        "b2b",
    );
}

// ------------------------------------------------------------------ small ones

#[test]
fn max_growth_beyond_a_decimal_says_so() {
    let err = planck::config::parse("[policy]\nmax_growth = 1e30\n").unwrap_err();
    assert_eq!(
        err.message,
        "`max_growth` = 1e30 is larger than the largest number planck holds (79228162514264337593543950335)"
    );
    assert_eq!(err.span, Some(22..26));
    assert!(
        err.help
            .as_deref()
            .unwrap()
            .contains("growth-exceeds-policy")
    );
    // A large number that fits is accepted as it is.
    let ok = planck::config::parse("[policy]\nmax_growth = 1e20\n").unwrap();
    assert_eq!(ok.policy.max_growth, d("100000000000000000000"));
}

#[test]
fn a_huge_week_number_is_reported_as_written() {
    for (written, what) in [
        ("2026-W99999999999999999999", "ISO week"),
        ("2026-Q99999999999999999999", "quarter"),
        ("2026-H99999999999999999999", "half"),
    ] {
        let text = format!("plan \"FY2026\" {{ period {written}  currency CNY }}\n");
        let c = common::compile(text, Detail::Cells);
        let errs = errors(&c);
        assert_eq!(errs.len(), 1, "{:?}", found(&c));
        assert_eq!(errs[0].code.as_str(), "invalid-value");
        assert_eq!(errs[0].message, format!("{what} {written} does not exist"));
    }
}

#[test]
fn a_root_plan_that_is_not_utf8_gets_only_the_utf8_error() {
    let mut bytes = b"plan \"FY2026\" { period 2026  currency CNY }\n# \xE5\x8C\x97 ".to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice("\ngoal revenue { target 1M CNY }\n".as_bytes());
    let c = common::compile(bytes, Detail::Cells);
    assert_eq!(
        found(&c),
        vec!["syntax: the file is not valid UTF-8".to_string()]
    );
}
