//! Hostile input: the last numbers that could vanish without a word — a funnel's capacity
//! and the entries it needs beyond a decimal, policy values written as huge strings — and
//! follow-on errors for names that an include which could not be read might define.

use super::common;
use super::support::{compile_json, d, errors, found, one_invalid_value};
use planck::alloc::Detail;
use planck::config::Config;
use rust_decimal::Decimal;

// ------------------------------------------------------------------ funnel capacity

/// A plan in rupiah with one goal on funnel `b2b`, whose deal size and inflow are given.
fn funnel_plan(deal_size: &str, inflow: &str) -> String {
    format!(
        r#"
plan "FY2026" {{ period 2026  currency IDR }}
goal revenue "全年收入" {{
  owner "销售总监"
  target 1000000000000000 IDR
  baseline 900000000000000 IDR in 2025
  funnel b2b
}}
funnel b2b "大客户漏斗" {{
  deal_size {deal_size} IDR
  inflow {inflow}
  stage lead "线索" {{ convert 50%  dwell 10d }}
  stage won "成交"
}}
"#
    )
}

fn funnel_numbers(c: &planck::Compilation) -> (Decimal, &planck::pipeline::FunnelStats) {
    let goal = &c.model.goals[0];
    let stats = c.progress.funnels[0].as_ref().unwrap();
    (goal.target.as_ref().unwrap().value, stats)
}

#[test]
fn a_funnel_capacity_beyond_the_largest_decimal_is_reported_on_the_goals_funnel() {
    // 1e27 a day × 365 days × 50 % × 1e9 is about 1.8e38.
    let c = common::compile(
        funnel_plan("1000000000", "1000000000000000000000000000 per day"),
        Detail::Cells,
    );
    let err = one_invalid_value(
        &c,
        "what funnel `b2b` can carry in 2026-01-01..2026-12-31 for goal `revenue` (inflow × win rate × deal size) is larger than the largest number planck holds (79228162514264337593543950335)",
        "b2b",
    );
    assert!(err.help.as_deref().unwrap().contains("inflow"));
}

#[test]
fn a_funnel_capacity_whose_product_overflows_on_the_way_is_computed() {
    // 1e27 a day × 365 days is 3.65e29, beyond a decimal; × 50 % × 0.0001 is 1.825e25.
    let c = common::compile(
        funnel_plan("0.0001", "1000000000000000000000000000 per day"),
        Detail::Cells,
    );
    assert_eq!(errors(&c).len(), 0, "{:?}", found(&c));
    let funnel = &c.model.funnels[0];
    let (_, stats) = funnel_numbers(&c);
    let period = c.model.goals[0].period.unwrap();
    let capacity = planck::pipeline::capacity(funnel, stats, &period, "IDR");
    assert_eq!(capacity, Ok(Some(d("18250000000000000000000000"))));
    let json = compile_json(&c);
    assert!(
        json.contains(r#""funnel_capacity":"18250000000000000000000000""#),
        "{json}"
    );
}

#[test]
fn entries_needed_beyond_the_largest_decimal_are_reported_on_the_goals_funnel() {
    // 1e15 ÷ 1e-15 ÷ 50 % is 2e30 entries.
    let c = common::compile(
        funnel_plan("0.000000000000001", "10 per month"),
        Detail::Cells,
    );
    let err = one_invalid_value(
        &c,
        "the entries funnel `b2b` needs for goal `revenue` (target ÷ deal size ÷ win rate) are larger than the largest number planck holds (79228162514264337593543950335)",
        "b2b",
    );
    assert!(err.help.as_deref().unwrap().contains("deal_size"));
    // The capacity is small and still compared with the target.
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code.as_str() == "funnel-cannot-reach"),
        "{:?}",
        found(&c)
    );
}

#[test]
fn ordinary_funnel_numbers_are_unchanged() {
    let c = common::compile(funnel_plan("1000000000", "10 per month"), Detail::Cells);
    let funnel = &c.model.funnels[0];
    let (target, stats) = funnel_numbers(&c);
    let period = c.model.goals[0].period.unwrap();
    // 10 a month × 12 × 50 % × 1e9.
    assert_eq!(
        planck::pipeline::capacity(funnel, stats, &period, "IDR"),
        Ok(Some(d("60000000000")))
    );
    // 1e15 ÷ 1e9 ÷ 50 %.
    assert_eq!(
        planck::pipeline::entries_needed(funnel, stats, target, "IDR"),
        Ok(Some(d("2000000")))
    );
}

// ------------------------------------------------------------------ planck.toml

#[test]
fn policy_strings_beyond_a_decimal_say_so() {
    for (key, written, at) in [
        ("max_growth", "\"1e30\"", 22..28),
        ("max_growth", "\"1e30%\"", 22..29),
        ("max_growth", "\"100000000000000000000000000000\"", 22..54),
        ("pace_tolerance", "\"1e30%\"", 26..33),
        ("min_coverage", "\"1e30\"", 24..30),
    ] {
        let text = format!("[policy]\n{key} = {written}\n");
        let err = planck::config::parse(&text).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "`{key}` = {written} is larger than the largest number planck holds (79228162514264337593543950335)"
            ),
            "{text}"
        );
        assert_eq!(err.span, Some(at), "{text}");
        assert!(err.help.is_some());
    }
    // Strings that are not numbers are still called that.
    let err = planck::config::parse("[policy]\nmax_growth = \"lots\"\n").unwrap_err();
    assert_eq!(err.message, "`max_growth` must be a non-negative number");
    // A percentage of a number that fits is read as before.
    let ok = planck::config::parse("[policy]\nmax_growth = \"1000%\"\n").unwrap();
    assert_eq!(ok.policy.max_growth, d("10"));
    // An exponent that fits is read like the float it would be without quotes.
    let ok = planck::config::parse("[policy]\nmax_growth = \"1e3\"\n").unwrap();
    assert_eq!(ok.policy.max_growth, d("1000"));
    let ok = planck::config::parse("[policy]\nmax_growth = \"5e1%\"\n").unwrap();
    assert_eq!(ok.policy.max_growth, d("0.5"));
}

// ------------------------------------------------------------------ includes

const ROOT_PLAN: &str = r#"plan "FY2026" { period 2026  currency CNY }
include "org.plan"
goal revenue "全年收入" {
  owner "销售总监"
  target 1M CNY
  baseline 900k CNY in 2025
  supports growth
  parent company
  funnel b2b
  split region { 华东 60%  华北 rest }
}
"#;

/// The org file that defines everything the root plan names.
const ORG: &str = r#"strategy growth "增长"
goal company "公司目标" {
  owner "CEO"
  target 10M CNY
  baseline 9M CNY in 2025
  supports growth
}
funnel b2b "大客户漏斗" {
  deal_size 100k CNY
  inflow 10 per month
  stage lead "线索" { convert 50% }
  stage won "成交"
}
dimension region "区域" { 华东 "华东区"  华北 "华北区" }
"#;

#[test]
fn names_that_a_missing_include_may_define_get_no_follow_on_error() {
    let c = common::compile_files(ROOT_PLAN, &[], &Config::default(), Detail::Cells);
    assert_eq!(
        found(&c),
        vec!["include-not-found: cannot read `org.plan`: no such file".to_string()]
    );
    let help = c.diagnostics[0].help.as_deref().unwrap();
    assert!(help.contains("names it may define"), "{help}");
}

#[test]
fn names_that_an_include_not_utf8_may_define_get_no_follow_on_error() {
    let mut org = ORG.as_bytes().to_vec();
    org.extend_from_slice(b"# \xFF\n");
    let c = common::compile_files(
        ROOT_PLAN,
        &[("org.plan", &org)],
        &Config::default(),
        Detail::Cells,
    );
    assert_eq!(
        found(&c),
        vec!["syntax: the file is not valid UTF-8".to_string()]
    );
}

#[test]
fn a_misspelt_name_is_reported_when_every_include_loaded() {
    let root = ROOT_PLAN
        .replace("supports growth", "supports grwth")
        .replace("parent company", "parent compny")
        .replace("funnel b2b\n", "funnel b2c\n")
        .replace("split region", "split regin");
    let c = common::compile_files(
        root,
        &[("org.plan", ORG.as_bytes())],
        &Config::default(),
        Detail::Cells,
    );
    let unresolved: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "unresolved-name")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        unresolved,
        vec![
            "no strategy named `grwth`".to_string(),
            "no goal named `compny`".to_string(),
            "no funnel named `b2c`".to_string(),
            "no dimension named `regin`".to_string(),
        ],
        "{:?}",
        found(&c)
    );
    // A goal whose `supports` and `parent` did not resolve is not also an orphan.
    assert!(
        !c.diagnostics
            .iter()
            .any(|d| d.code.as_str() == "orphan-goal"),
        "{:?}",
        found(&c)
    );
    // And the plan compiles cleanly when the names are right.
    let c = common::compile_files(
        ROOT_PLAN,
        &[("org.plan", ORG.as_bytes())],
        &Config::default(),
        Detail::Cells,
    );
    assert_eq!(errors(&c).len(), 0, "{:?}", found(&c));
}

#[test]
fn names_that_an_include_outside_the_root_may_define_get_no_follow_on_error() {
    let root = ROOT_PLAN.replace("\"org.plan\"", "\"../org.plan\"");
    let c = common::compile_files(root, &[], &Config::default(), Detail::Cells);
    assert_eq!(
        found(&c),
        vec!["include-outside-root: `../org.plan` lies outside the project root".to_string()]
    );
}
