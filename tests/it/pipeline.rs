//! Funnels, deals, actuals (inline and CSV) and progress: the worked numbers of the
//! design, and the odd CSV files people export.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use planck::config::Config;
use rust_decimal::Decimal;

use crate::common;
use common::codes;

fn compile_files(main: &str, others: &[(&str, &[u8])]) -> planck::Compilation {
    common::compile_files(
        main,
        others,
        &Config::default(),
        planck::alloc::Detail::ExactRepTotals,
    )
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|_| panic!("bad decimal {s}"))
}

const SPEC: &str = r#"
plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
strategy key_accounts "深耕大客户"
dimension region "区域" { east "华东"  north "华北"  south "华南" }
dimension product "产品" { hw "硬件", sw "软件", svc "服务" }
team east_team "华东团队" {
  region east
  rep alice "陈爱丽" { capacity 5M CNY }
  rep bob   "王博"   { capacity 5M CNY }
}
goal revenue "2026 全年销售额" {
  owner "销售总监"
  target 12M CNY
  baseline 10M CNY in 2025
  supports key_accounts
  funnel b2b
  split region { east 40% { split rep by capacity }  north 35%  south rest }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }
  allow low-coverage
  allow behind-pace
}
funnel b2b "大客户漏斗" {
  deal_size 200k CNY
  inflow 150 per month
  stage lead "线索" { convert 40%  dwell 10d }
  stage qualified "商机"   { convert 50%  dwell 20d }
  stage proposal  "方案"   { convert 50%  dwell 30d }
  stage negotiation "谈判" { convert 80%  dwell 15d }
  stage won "成交"
}
grades { A "本季度可成交" 80%  B "半年内" 50%  C "有意向" 20% }
deal acme "Acme 集团" {
  owner alice  region east  product sw
  stage proposal  grade A  amount 600k CNY  close 2026-09-15
}
"#;

#[test]
fn worked_numbers_of_the_design() {
    let c = compile_files(SPEC, &[]);
    assert_eq!(codes(&c), Vec::<String>::new());
    let stats = c.progress.funnels[0]
        .as_ref()
        .unwrap_or_else(|| panic!("stats"));
    assert_eq!(stats.win_rate, d("0.08"));
    assert_eq!(stats.cycle_days, Some(d("75")));
    assert_eq!(
        stats.probabilities,
        vec![d("0.08"), d("0.2"), d("0.4"), d("0.8"), d("1")]
    );
    let funnel = &c.model.funnels[0];
    let year = c.model.plan.period.unwrap_or_else(|| panic!("period"));
    assert_eq!(
        planck::pipeline::capacity(funnel, stats, &year, "CNY"),
        Ok(Some(d("28800000")))
    );
    assert_eq!(
        planck::pipeline::entries_needed(funnel, stats, d("12000000"), "CNY"),
        Ok(Some(d("750")))
    );
    let acme = &c.model.deals.get(0).unwrap();
    let p = planck::pipeline::probability(&c.model, acme, &c.progress.funnels);
    assert_eq!(p, Some(d("0.8")));
    // Forecast: no actuals yet + 480k weighted, band √(600k² × 0.8 × 0.2) = 240k.
    let goal = c.progress.goals[0]
        .as_ref()
        .unwrap_or_else(|| panic!("progress"));
    assert_eq!(goal.numbers.pipeline, Some(d("480000")));
    assert_eq!(goal.numbers.forecast(), Some(d("480000")));
    assert_eq!(goal.numbers.band(), Some(d("240000")));
    // Expected by June 30: Q1 and Q2 of 12M.
    assert_eq!(goal.numbers.expected_to_date, Some(d("5400000")));
}

#[test]
fn expected_to_date_counts_the_elapsed_share_of_the_current_slice() {
    let text = SPEC.replace("as_of 2026-06-30", "as_of 2026-08-15");
    let c = compile_files(&text, &[]);
    let goal = c.progress.goals[0]
        .as_ref()
        .unwrap_or_else(|| panic!("progress"));
    // Q1 + Q2 = 5.4M, plus 46 of Q3's 92 days of 3M.
    assert_eq!(goal.numbers.expected_to_date, Some(d("6900000")));
}

#[test]
fn stale_deals_and_stage_weights() {
    let text = SPEC
        .replace("as_of 2026-06-30", "as_of 2026-10-01")
        .replace("stage proposal  grade A", "stage negotiation");
    let c = compile_files(&text, &[]);
    assert_eq!(codes(&c), vec!["stale-deal@main.plan:34"]);
    let p = planck::pipeline::probability(
        &c.model,
        &c.model.deals.get(0).unwrap(),
        &c.progress.funnels,
    );
    assert_eq!(p, Some(d("0.8")), "ungraded: the stage's probability");
}

const ACTUALS_PLAN: &str = r#"
plan { period 2026 currency CNY as_of 2026-06-30 }
dimension 区域 { 华东 华北 }
team t { 区域 华东  rep 陈爱丽 { capacity 9M CNY } }
goal revenue "r" { owner "o"  target 10M CNY  baseline 9M CNY in 2025  allow orphan-goal  allow behind-pace
  split 区域 { 华东 50% { split rep by capacity }  华北 rest }
  split quarter even }
actuals revenue from "data/actuals.csv"
"#;

fn with_csv(csv: &[u8]) -> planck::Compilation {
    compile_files(ACTUALS_PLAN, &[("data/actuals.csv", csv)])
}

fn actual(c: &planck::Compilation) -> Option<Decimal> {
    c.progress.goals[0].as_ref().and_then(|g| g.numbers.actual)
}

#[test]
fn csv_with_bom_crlf_quotes_and_chinese_headers() {
    let csv = "\u{feff}period,区域,rep,amount\r\n2026-Q1,华东,陈爱丽,\"1,200,000\"\r\n2026-Q1,华北,,800k\r\n\r\n2026-Q2,\"华东\",陈爱丽,-50000\r\n";
    let c = with_csv(csv.as_bytes());
    assert_eq!(codes(&c), Vec::<String>::new());
    assert_eq!(actual(&c), Some(d("1950000")));
    // The cell of 华东 × Q1 × 陈爱丽 holds exactly its row.
    let goal = c.progress.goals[0]
        .as_ref()
        .unwrap_or_else(|| panic!("progress"));
    assert_eq!(goal.cells[0].actual, Some(d("1200000")));
}

#[test]
fn a_bad_row_is_reported_and_the_others_kept() {
    let csv = "period,区域,amount\n2026-Q1,华东,100k\n2026-13,华东,5\n2026-Q2,华北,lots\n2026-Q2,华南,5\n2026-Q2,华北,200k\n";
    let c = with_csv(csv.as_bytes());
    assert_eq!(
        codes(&c),
        vec![
            "invalid-value@data/actuals.csv:3",
            "invalid-value@data/actuals.csv:4",
            "unresolved-name@data/actuals.csv:5",
        ]
    );
    let messages: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages[0].contains("actuals.csv row 3, column 1 (`period`)"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("actuals.csv row 4, column 3 (`amount`): `lots` is not an amount"),
        "{messages:?}"
    );
    assert_eq!(
        actual(&c),
        None,
        "errors stop progress, but resolution kept the good rows"
    );
    let rows: usize = c.model.actuals.iter().map(|a| a.rows.len()).sum();
    assert_eq!(rows, 2);
}

#[test]
fn missing_columns_and_unknown_headers() {
    let c = with_csv(b"period,region,value\n2026-Q1,x,1\n");
    assert_eq!(
        codes(&c),
        vec![
            "syntax@data/actuals.csv:1",
            "unresolved-name@data/actuals.csv:1",
            "unresolved-name@data/actuals.csv:1"
        ]
    );
    assert!(c.diagnostics[0].message.contains("no `amount` column"));
    let c = with_csv(b"period,quarter,amount\n2026-Q1,Q1,1\n");
    assert_eq!(codes(&c), vec!["invalid-value@data/actuals.csv:1"]);
    let c = with_csv(b"period,amount\n2026-Q1\n");
    assert_eq!(codes(&c), vec!["syntax@data/actuals.csv:2"]);
    let c = with_csv(b"");
    assert_eq!(codes(&c), vec!["syntax@data/actuals.csv:1"]);
}

#[test]
fn a_missing_csv_is_reported_where_it_is_named() {
    let c = compile_files(ACTUALS_PLAN, &[]);
    assert_eq!(codes(&c), vec!["include-not-found@main.plan:8"]);
}

#[test]
fn invalid_utf8_in_a_csv_is_reported() {
    let c = with_csv(b"period,amount\n2026-Q1,\xff\n");
    assert_eq!(codes(&c), vec!["syntax@data/actuals.csv:2"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, .. proptest::prelude::ProptestConfig::default() })]

    /// Whatever a CSV export holds, reading it never panics.
    #[test]
    fn any_csv_is_read_without_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let mut csv = b"period,\xe5\x8c\xba\xe5\x9f\x9f,rep,amount\n".to_vec();
        csv.extend(bytes);
        let c = with_csv(&csv);
        let _ = planck::emit::human::render(&c.sources, &c.diagnostics, false);
    }

    #[test]
    fn csv_shaped_rows_are_read_without_panic(
        rows in proptest::collection::vec(
            (proptest::sample::select(vec!["2026-Q1", "2026-13", "2026-04..2026-06", "", "\"2026-W05\"", "x"]),
             proptest::sample::select(vec!["华东", "华北", "", "\"华东\"", "south"]),
             proptest::sample::select(vec!["陈爱丽", "", "nobody"]),
             proptest::sample::select(vec!["1", "-5", "1,000", "\"1,000\"", "2k", "", "1e5", "99999999999999999999999999999"])),
            0..20),
    ) {
        let mut csv = String::from("period,区域,rep,amount\n");
        for (p, r, rep, a) in rows {
            csv.push_str(&format!("{p},{r},{rep},{a}\n"));
        }
        let c = with_csv(csv.as_bytes());
        let _ = planck::emit::json::render(&c.sources, &c.diagnostics);
    }
}

#[test]
fn coarse_rows_and_extra_members_still_meet_the_goal() {
    // Rows naming only the rep (cells are region × rep × quarter), or a dimension the goal
    // is not split on, count for the goal; a row naming a rep and a region other than the
    // rep's team's is an error and counts nowhere.
    let plan = r#"
plan { period 2026 currency CNY as_of 2026-06-30 }
dimension region { east north }
dimension product { hw sw }
team e { region east  rep a { capacity 9M CNY } }
team n { region north  rep b { capacity 9M CNY } }
goal g "g" { owner "o"  target 4M CNY  baseline 4M CNY in 2025  allow orphan-goal  allow behind-pace
  split region { east 50% { split rep by capacity }  north rest { split rep by capacity } }
  split quarter even }
actuals g {
  2026-Q1 a 100k
  2026-Q1 east a hw 50k
  2026-H1 north 70k
  2026-Q2 east b 1k
}
"#;
    let c = compile_files(plan, &[]);
    assert_eq!(codes(&c), vec!["invalid-value@main.plan:14"]);
    assert_eq!(
        c.diagnostics[0].message,
        "this row names `region east`, but its rep `b` is in `region north`"
    );
    let c = compile_files(&plan.replace("  2026-Q2 east b 1k\n", ""), &[]);
    assert_eq!(codes(&c), Vec::<String>::new());
    assert_eq!(actual(&c), Some(d("220000")));
}

#[test]
fn a_deal_whose_stage_did_not_resolve_is_not_called_stale() {
    // The unknown stage is reported; whether the deal is still open is not known, so
    // `stale-deal` would be a follow-on error.
    let text = SPEC
        .replace("as_of 2026-06-30", "as_of 2026-10-01")
        .replace("stage proposal  grade A", "stage propsal");
    let c = compile_files(&text, &[]);
    assert_eq!(codes(&c), vec!["unresolved-name@main.plan:34"]);
    // A deal written without a stage is open, and stale past its close date.
    let without = SPEC
        .replace("as_of 2026-06-30", "as_of 2026-10-01")
        .replace("stage proposal  grade A", "");
    assert_eq!(
        codes(&compile_files(&without, &[])),
        vec!["stale-deal@main.plan:34"]
    );
}

/// The design's funnel with a closed-lost outcome and three more deals of the same shape
/// as Acme: one lost, one won (graded), one lost the year before the plan.
fn with_outcomes(extra_deals: &str) -> String {
    SPEC.replace(
        "  stage won \"成交\"\n}",
        "  stage won \"成交\"\n  lost lost \"丢单\"\n  lost no_budget \"无预算\"\n}",
    ) + extra_deals
}

#[test]
fn a_deal_in_a_lost_outcome_is_closed_and_not_pipeline() {
    let text = with_outcomes(
        r#"
deal beta { owner bob  region east  product sw  stage lost  amount 900k CNY  close 2026-05-20  opened 2026-01-10 }
deal gamma { owner bob  region east  product sw  stage won  grade C  amount 300k CNY  close 2026-04-02 }
deal delta { owner bob  region east  product hw  stage no_budget  amount 100k CNY  close 2025-11-30 }
"#,
    );
    let c = compile_files(&text, &[]);
    assert_eq!(codes(&c), Vec::<String>::new());
    let states: Vec<(&str, planck::model::DealState)> = c
        .model
        .deals
        .iter()
        .map(|deal| (deal.name, planck::pipeline::state(&c.model, &deal)))
        .collect();
    use planck::model::DealState::*;
    assert_eq!(
        states,
        vec![
            ("acme", Open),
            ("beta", Lost),
            ("gamma", Won),
            ("delta", Lost)
        ]
    );
    let beta = &c.model.deals.get(1).unwrap();
    assert_eq!(beta.stage, Some(planck::model::StageRef::Lost(0)));
    assert_eq!(beta.opened, Some("2026-01-10".parse().unwrap()));
    let p = |i: usize| {
        planck::pipeline::probability(
            &c.model,
            &c.model.deals.get(i).unwrap(),
            &c.progress.funnels,
        )
    };
    assert_eq!(
        (p(1), p(2), p(3)),
        (Some(d("0")), Some(d("1")), Some(d("0")))
    );
    // Only Acme is pipeline: 600k × 80 %.
    let goal = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(goal.numbers.pipeline, Some(d("480000")));
}

#[test]
fn outcomes_share_the_stage_names_of_their_funnel() {
    let text = with_outcomes("").replace("lost no_budget", "lost won");
    let c = compile_files(&text, &[]);
    assert_eq!(codes(&c), vec!["duplicate-name@main.plan:31"]);
    let text = with_outcomes("deal x { owner bob  stage lots  amount 1k CNY  close 2026-10-01 }\n");
    let c = compile_files(&text, &[]);
    let unknown = c
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "unresolved-name")
        .unwrap();
    assert_eq!(unknown.help.as_deref(), Some("did you mean `lost`?"));
}

#[test]
fn a_deal_opened_after_it_closes_is_invalid_and_an_open_deal_still_closes_in_the_period() {
    let text = with_outcomes(
        r#"
deal beta { owner bob  stage lost  amount 900k CNY  close 2026-05-20  opened 2026-06-01 }
deal gamma { owner bob  stage lead  amount 900k CNY  close 2025-12-20 }
"#,
    );
    let c = compile_files(&text, &[]);
    assert_eq!(
        codes(&c),
        vec![
            "invalid-value@main.plan:39",
            "outside-plan-period@main.plan:40",
            "stale-deal@main.plan:40"
        ]
    );
    let message = &c.diagnostics[0].message;
    assert_eq!(
        message,
        "the deal was opened on 2026-06-01, after it closes on 2026-05-20"
    );
}

/// Deals alike in all but their amounts and dates (one stage, no owner or members) land
/// in the cells of their own close dates, and each counts its own amount.
#[test]
fn deals_alike_but_for_amounts_and_dates_land_in_the_cells_of_their_dates() {
    let text = r#"plan "p" { period 2026  currency USD  as_of 2026-06-30 }
strategy s "s"
funnel f "F" { deal_size 10k USD  inflow 10 per month  stage lead "Lead" { convert 40% }  stage won "Won" }
goal g "G" { owner "o"  target 100k USD  baseline 90k USD in 2025  supports s  funnel f  split quarter even  allow behind-pace  allow low-coverage }
deal a { stage won  amount 5k USD  close 2026-02-01 }
deal b { stage won  amount 7k USD  close 2026-05-01 }
deal c { stage lead  amount 10k USD  close 2026-08-01 }
deal e { stage lead  amount 20k USD  close 2026-11-01 }
deal f { stage lead  amount 30k USD  close 2026-12-01 }
"#;
    let c = common::compile(text, planck::alloc::Detail::Cells);
    assert_eq!(codes(&c), Vec::<String>::new());
    let goal = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(goal.numbers.actual, Some(d("12000")));
    assert_eq!(goal.numbers.pipeline, Some(d("24000")));
    let by_quarter: Vec<(Option<Decimal>, Option<Decimal>)> =
        goal.cells.iter().map(|n| (n.actual, n.pipeline)).collect();
    assert_eq!(
        by_quarter,
        [
            (Some(d("5000")), Some(d("0"))),
            (Some(d("7000")), Some(d("0"))),
            (Some(d("0")), Some(d("4000"))),
            (Some(d("0")), Some(d("20000"))),
        ]
    );
}
