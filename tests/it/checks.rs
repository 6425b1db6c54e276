//! Small data-driven cases for the semantics of resolve and check: each plan text is
//! compiled and the codes it reports (with their line) are compared.

use crate::common;

/// The plan header and names most cases share, so each case shows only what it tests.
const HEADER: &str = "plan \"t\" { period 2026  currency CNY }
strategy s \"s\"
dimension region { east { potential 30M CNY }  north { potential 20M CNY }  south { potential 10M CNY } }
team east_team { region east
  rep alice { capacity 1.2M CNY }
  rep bob { capacity 1.2M CNY }
  rep carol { capacity 1.2M CNY  start 2026-07  ramp 50% 75% } }
team north_team { region north  rep dave { capacity 1M CNY } }
";

/// `code@line` for each diagnostic, lines counted within `body` (after the header).
fn codes_with(header: &str, body: &str) -> Vec<String> {
    let text = format!("{header}{body}");
    let header_lines = header.lines().count();
    let c = common::compile(text, planck::alloc::Detail::RepTotals);
    c.diagnostics
        .iter()
        .map(|d| {
            let line = c
                .sources
                .get(d.span.file)
                .map_or(0, |f| f.line_col(d.span.start()).line);
            format!("{}@{}", d.code, line.saturating_sub(header_lines))
        })
        .collect()
}

fn codes(body: &str) -> Vec<String> {
    codes_with(HEADER, body)
}

/// A SMART goal around the given statements.
fn goal(statements: &str) -> String {
    format!(
        "goal g \"g\" {{\n  owner \"o\"  supports s  baseline 10M CNY in 2025\n{statements}\n}}\n"
    )
}

#[test]
fn the_spec_goal_overloads_the_east() {
    // Spec, worked numbers: east is given 4.8M against a capacity of 1.2M + 1.2M + 525k.
    let body = goal(
        "  target 12M CNY
  split region { east 40% { split rep by capacity }  north 35%  south rest }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }",
    );
    assert_eq!(codes(&body), vec!["over-capacity@4"]);
}

#[test]
fn shares_and_amounts_may_mix() {
    let ok = goal("  target 12M CNY\n  split region { east 50%  north 4M  south 2M }");
    assert_eq!(codes(&ok), Vec::<String>::new());
    let off = goal("  target 12M CNY\n  split region { east 50%  north 4M  south 1M }");
    assert_eq!(codes(&off), vec!["amounts-sum@4"]);
}

#[test]
fn rest_with_amounts_takes_the_remainder_value() {
    let ok = goal("  target 12M CNY\n  split region { east 5M  north 4M  south rest }");
    assert_eq!(codes(&ok), Vec::<String>::new());
    let negative = goal("  target 12M CNY\n  split region { east 8M  north 5M  south rest }");
    assert_eq!(codes(&negative), vec!["negative-remainder@4"]);
}

#[test]
fn nested_amounts_total_their_member() {
    let ok = goal(
        "  target 10M CNY\n  split region { east 40% { split quarter { Q1 1M  Q2 1M  Q3 1M  Q4 1M } }  north rest }",
    );
    assert_eq!(codes(&ok), Vec::<String>::new());
    let off = goal(
        "  target 10M CNY\n  split region { east 40% { split quarter { Q1 1M  Q2 1M  Q3 1M  Q4 2M } }  north rest }",
    );
    assert_eq!(codes(&off), vec!["amounts-sum@4"]);
}

#[test]
fn a_rest_member_passes_its_value_down() {
    let ok = goal(
        "  target 10M CNY\n  split region { east 40%  north rest { split quarter { Q1 1.5M  Q2 1.5M  Q3 1.5M  Q4 1.5M } } }",
    );
    assert_eq!(codes(&ok), Vec::<String>::new());
}

#[test]
fn month_even_beside_quarter_shares_is_fine() {
    let body = goal(
        "  target 12M CNY\n  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }\n  split month even",
    );
    assert_eq!(codes(&body), Vec::<String>::new());
}

#[test]
fn explicit_months_must_agree_with_quarters() {
    let agree = goal(
        "  target 12M CNY
  split quarter { Q1 30%  Q2 20%  Q3 20%  Q4 30% }
  split month { Jan 10%  Feb 10%  Mar 10%  Apr 5%  May 5%  Jun 10%
                Jul 5%  Aug 5%  Sep 10%  Oct 10%  Nov 10%  Dec 10% }",
    );
    assert_eq!(codes(&agree), Vec::<String>::new());
    let disagree = agree
        .replace("Jan 10%  Feb 10%", "Jan 5%  Feb 15%")
        .replace("Apr 5%", "Apr 6%")
        .replace("Jun 10%", "Jun 9%");
    assert_eq!(
        codes(&disagree),
        Vec::<String>::new(),
        "same totals per quarter"
    );
    // Q1 is now 5% short and Q2 5% over: each quarter is reported.
    let moved = agree.replace("Mar 10%  Apr 5%", "Mar 5%  Apr 10%");
    assert_eq!(codes(&moved), vec!["split-conflict@5", "split-conflict@5"]);
}

#[test]
fn a_goal_for_part_of_the_year_splits_into_its_own_slices() {
    let ok = goal(
        "  target 6M CNY\n  period 2026-H2\n  split quarter { Q3 45%  Q4 55% }\n  split month even",
    );
    assert_eq!(codes(&ok), Vec::<String>::new());
    let extra =
        goal("  target 6M CNY\n  period 2026-H2\n  split quarter { Q2 5%  Q3 40%  Q4 55% }");
    assert_eq!(codes(&extra), vec!["split-coverage@5"]);
}

#[test]
fn fiscal_years_are_covered_by_their_own_quarters() {
    let header = HEADER.replace("period 2026 ", "period 2026-04-01..2027-03-31 ");
    let ok = goal(
        "  target 12M CNY\n  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }\n  split month even",
    );
    assert_eq!(codes_with(&header, &ok), Vec::<String>::new());
    // Fiscal H2 is October to March: its quarters are Q3 and Q4.
    let h2 = goal(
        "  target 6M CNY\n  period 2026-10-01..2027-03-31\n  split quarter { Q3 50%  Q4 50% }",
    );
    assert_eq!(codes_with(&header, &h2), Vec::<String>::new());
    let missing =
        goal("  target 6M CNY\n  period 2026-10-01..2027-03-31\n  split quarter { Q3 100% }");
    assert_eq!(codes_with(&header, &missing), vec!["split-coverage@5"]);
    // In an April year, the months are April to March by calendar name.
    let months = goal(
        "  target 12M CNY
  split month { Apr 1M  May 1M  Jun 1M  Jul 1M  Aug 1M  Sep 1M  Oct 1M  Nov 1M  Dec 1M  Jan 1M  Feb 1M  Mar 1M }",
    );
    assert_eq!(codes_with(&header, &months), Vec::<String>::new());
}

#[test]
fn nested_time_splits_cover_their_slice() {
    let ok = goal(
        "  target 12M CNY\n  split quarter { Q1 25% { split month { Jan 30%  Feb 30%  Mar 40% } }  Q2 25%  Q3 25%  Q4 25% }",
    );
    assert_eq!(codes(&ok), Vec::<String>::new());
    let outside = goal(
        "  target 12M CNY\n  split quarter { Q1 25% { split month { Jan 30%  Feb 30%  Apr 40% } }  Q2 25%  Q3 25%  Q4 25% }",
    );
    assert_eq!(
        codes(&outside),
        vec!["split-coverage@4", "split-coverage@4"]
    );
}

#[test]
fn weeks_split_by_iso_week() {
    let ok = goal("  target 53 visits\n  baseline 40 visits in 2025\n  split week even");
    let ok = ok.replace("  baseline 10M CNY in 2025\n", "");
    assert_eq!(codes(&ok), Vec::<String>::new());
    let w53 = goal("  target 10M CNY\n  period 2026-W53\n  split week { W53 100% }");
    assert_eq!(codes(&w53), Vec::<String>::new());
}

#[test]
fn reps_are_scoped_to_their_region() {
    let wrong_rep = goal(
        "  target 10M CNY\n  split region { east 50% { split rep { alice 50%  dave 50% } }  north rest }",
    );
    assert_eq!(codes(&wrong_rep), vec!["invalid-value@4"]);
    let empty = goal(
        "  target 10M CNY\n  split region { east 50%  north 25%  south rest { split rep by capacity } }",
    );
    assert_eq!(codes(&empty), vec!["zero-weight@4"]);
}

#[test]
fn by_capacity_follows_start_months() {
    // South's only rep starts in July: nothing to weigh in Q1, something in Q3.
    let header = format!(
        "{HEADER}team south_team {{ region south  rep erin {{ capacity 1M CNY  start 2026-07 }} }}\n"
    );
    let split = |q: &str| {
        goal(&format!(
            "  target 10M CNY\n  allow over-capacity\n  split region {{ east 50%  north 25%  south rest {{ split quarter {{ {q} 25% {{ split rep by capacity }}  Q2 25%  Q3 25%  Q4 25% }} }} }}"
        ))
    };
    assert_eq!(codes_with(&header, &split("Q1")), vec!["zero-weight@5"]);
    let q3 = split("Q1").replace(
        "{ Q1 25% { split rep by capacity }  Q2 25%  Q3 25%",
        "{ Q1 25%  Q2 25%  Q3 25% { split rep by capacity }",
    );
    assert_eq!(codes_with(&header, &q3), Vec::<String>::new());
}

#[test]
fn by_attribute_needs_every_member_to_have_it() {
    let ok = goal("  target 12M CNY\n  split region by potential");
    assert_eq!(codes(&ok), Vec::<String>::new());
    let missing = goal("  target 12M CNY\n  split region by headcount");
    assert_eq!(codes(&missing), vec!["zero-weight@4"]);
}

#[test]
fn growth_is_judged_against_policy() {
    let fine = goal("  target 15M CNY");
    assert_eq!(
        codes(&fine),
        Vec::<String>::new(),
        "exactly +50% is allowed"
    );
    let high = goal("  target 15.01M CNY");
    assert_eq!(codes(&high), vec!["growth-exceeds-policy@2"]);
    let allowed = goal("  target 20M CNY\n  allow growth-exceeds-policy");
    assert_eq!(codes(&allowed), Vec::<String>::new());
}

#[test]
fn owners_may_be_reps_or_teams() {
    let rep = goal("  target 1M CNY").replace("owner \"o\"", "owner alice");
    assert_eq!(codes(&rep), Vec::<String>::new());
    let team = goal("  target 1M CNY").replace("owner \"o\"", "owner east_team");
    assert_eq!(codes(&team), Vec::<String>::new());
    let typo = goal("  target 1M CNY").replace("owner \"o\"", "owner alcie");
    assert_eq!(codes(&typo), vec!["unresolved-name@2"]);
}

#[test]
fn split_members_resolve_in_their_dimension() {
    let qualified = goal("  target 1M CNY\n  split region { region.east 50%  north rest }");
    assert_eq!(codes(&qualified), Vec::<String>::new());
    let wrong = goal("  target 1M CNY\n  split region { product.east 50%  north rest }");
    assert_eq!(codes(&wrong), vec!["invalid-value@4"]);
    let slices = goal("  target 1M CNY\n  split quarter { Q1 25%  Q2 25%  Q3 25%  Q5 25% }");
    assert_eq!(codes(&slices), vec!["unresolved-name@4"]);
}

#[test]
fn errors_cannot_be_allowed_and_codes_must_exist() {
    let body = goal("  target 1M CNY\n  allow shares-sum\n  allow missing-ownr");
    assert_eq!(codes(&body), vec!["invalid-value@4", "unresolved-name@5"]);
}

#[test]
fn repeated_statements_are_duplicates() {
    let body = goal("  target 1M CNY\n  target 2M CNY");
    assert_eq!(codes(&body), vec!["duplicate-name@4"]);
}

#[test]
fn names_do_not_depend_on_file_order() {
    let body = "goal g \"g\" {\n  owner later_team  supports later  target 1M CNY  baseline 1M CNY in 2025\n  split later_dim { x 100% }\n}\nstrategy later \"l\"\ndimension later_dim { x }\nteam later_team { rep z { capacity 1M CNY } }\n";
    assert_eq!(codes(body), Vec::<String>::new());
}

#[test]
fn deals_resolve_stages_grades_and_dates() {
    let funnels = "funnel a { stage lead { convert 50% } stage won }\nfunnel b { stage lead { convert 40% } stage closed }\ngrades { A 80% }\n";
    let ambiguous =
        format!("{funnels}deal d {{ owner alice  stage lead  amount 1M CNY  close 2026-05-01 }}\n");
    assert_eq!(codes(&ambiguous), vec!["ambiguous-member@4"]);
    let chosen = format!(
        "{funnels}deal d {{ owner alice  funnel b  stage lead  grade A  amount 1M CNY  close 2026-05-01  region east }}\n"
    );
    assert_eq!(codes(&chosen), Vec::<String>::new());
    let bad = format!(
        "{funnels}deal d {{ owner alice  funnel a  stage won  grade Z  amount 1M USD  close 2026-02-30 }}\n"
    );
    assert_eq!(
        codes(&bad),
        vec!["unresolved-name@4", "unit-mismatch@4", "invalid-value@4"]
    );
}

#[test]
fn funnel_stages_are_checked() {
    // The repeated `a` is dropped, so the funnel ends at `won`, which converts: it has
    // no terminal stage (line 5).
    let body = "funnel f {\n  stage a { convert 0% }\n  stage b\n  stage c { dwell 0d }\n  stage won { convert 50% }\n  stage a { convert 10% }\n}\n";
    assert_eq!(
        codes(body),
        vec![
            "invalid-value@2",
            "invalid-value@3",
            "invalid-value@4",
            "invalid-value@4",
            "invalid-value@5",
            "duplicate-name@6"
        ]
    );
}

#[test]
fn numbers_scale_exactly() {
    // 1.5万 = 15 000 and 0.5亿 = 50 000 000: the split adds up only if both are exact.
    let body = goal("  target 50015000 CNY\n  split region { east 1.5万  north 0.5亿  south 0 }")
        .replace("baseline 10M CNY", "baseline 40M CNY");
    assert_eq!(codes(&body), Vec::<String>::new());
}

#[test]
fn effective_capacity_follows_start_and_ramp() {
    use planck::period::Period;
    use rust_decimal::Decimal;
    let c = common::compile(HEADER, planck::alloc::Detail::RepTotals);
    let rep = |name: &str| c.model.reps.iter().find(|r| r.name == name);
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let period = |a: &str, b: &str| Period {
        start: day(a),
        end: day(b),
    };
    let effective = |name: &str, p: Period| {
        rep(name).and_then(|r| planck::capacity::effective(&c.model, r, &p))
    };
    // The worked example: 50k + 75k + 4 × 100k.
    let year = period("2026-01-01", "2026-12-31");
    assert_eq!(effective("carol", year), Some(Decimal::from(525_000)));
    assert_eq!(
        effective("carol", period("2026-07-01", "2026-09-30")),
        Some(Decimal::from(225_000))
    );
    assert_eq!(
        effective("carol", period("2026-01-01", "2026-06-30")),
        Some(Decimal::ZERO)
    );
    assert_eq!(
        effective("alice", period("2026-01-01", "2026-06-30")),
        Some(Decimal::from(600_000))
    );
    // Half of April (15 of 30 days) at 100k a month.
    assert_eq!(
        effective("alice", period("2026-04-01", "2026-04-15")),
        Some(Decimal::from(50_000))
    );
}

#[test]
fn every_disagreeing_slice_is_a_split_conflict() {
    // Q1's months total 30% and Q4's 20% against 25% each: both slices are reported.
    let body = goal(
        "  target 12M CNY
  split quarter { Q1 25%  Q2 25%  Q3 25%  Q4 25% }
  split month { Jan 10%  Feb 10%  Mar 10%  Apr 8%  May 8%  Jun 9%
                Jul 8%  Aug 8%  Sep 9%  Oct 8%  Nov 7%  Dec 5% }",
    );
    let c = common::compile(format!("{HEADER}{body}"), planck::alloc::Detail::RepTotals);
    let messages: Vec<(&str, &str)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                "split-conflict",
                "the months of Q1 total 30%, but `split quarter` gives Q1 25%"
            ),
            (
                "split-conflict",
                "the months of Q4 total 20%, but `split quarter` gives Q4 25%"
            ),
        ]
    );
}

#[test]
fn a_repeated_last_stage_leaves_the_funnel_without_a_terminal_stage() {
    // The repeated `lead` is dropped, so the funnel would end at `won`, which converts:
    // it has no terminal stage, and that is said where it ends.
    let body =
        "funnel f {\n  stage lead { convert 40% }\n  stage won { convert 50% }\n  stage lead\n}\n";
    let c = common::compile(format!("{HEADER}{body}"), planck::alloc::Detail::RepTotals);
    let found: Vec<(&str, &str)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "invalid-value",
                "funnel `f` has no terminal stage: it ends at `won`, which converts 50%"
            ),
            ("duplicate-name", "stage `lead` is defined more than once"),
        ]
    );
    // Without the repetition the funnel is fine, and with `convert` written on the last
    // stage only the resolver's own diagnostic is given.
    assert_eq!(
        codes(
            &body
                .replace("  stage lead\n}", "}")
                .replace(" { convert 50% }", "")
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(&body.replace("  stage lead\n}", "}")),
        vec!["invalid-value@3"]
    );
}
