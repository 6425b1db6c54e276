//! Controlled rounding: the totals a reader adds up across the split tree (each half,
//! quarter, month and week over every region, rep and product) are within one rounding
//! unit of their exact values and equal to them when those are whole units, as are the
//! split tree's own nodes and every cell; expected to date follows from those totals.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use planck::alloc::Detail;
use planck::model::MemberRef;
use rust_decimal::Decimal;
use serde_json::Value;

mod common;

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|_| panic!("bad decimal {s}"))
}

/// Cells of one goal as (`dim=member,…`, value), names resolved.
fn cells(c: &planck::Compilation, goal: &str) -> Vec<(String, Decimal)> {
    let g = c
        .model
        .goals
        .iter()
        .position(|g| g.name == goal)
        .unwrap_or_else(|| panic!("no goal {goal}"));
    let alloc = c.allocation.goals[g]
        .as_ref()
        .unwrap_or_else(|| panic!("{goal} not allocated: {:#?}", c.diagnostics));
    alloc
        .cells
        .iter()
        .map(|cell| {
            let key: Vec<String> = alloc
                .coords(cell)
                .iter()
                .map(|m| match *m {
                    MemberRef::User(d, m) => {
                        let dim = &c.model.dimensions[d.index()];
                        format!("{}={}", dim.name, dim.members[m.index()].name)
                    }
                    MemberRef::Rep(r) => format!("rep={}", c.model.reps[r.index()].name),
                    MemberRef::Time(t, i) => format!("{}={}", t.name(), c.model.slices(t)[i].name),
                })
                .collect();
            (key.join(","), cell.value)
        })
        .collect()
}

/// The sum of the cells whose key contains every given `dim=member`.
fn total(cells: &[(String, Decimal)], filters: &[&str]) -> Decimal {
    cells
        .iter()
        .filter(|(k, _)| filters.iter().all(|f| k.split(',').any(|p| p == *f)))
        .map(|(_, v)| *v)
        .sum()
}

/// The plan of the report that found the problem: 11.5M over three regions (each split
/// by its reps' capacity), products and quarters of 12 / 28 / 30 % and the rest, then
/// months; actuals well behind by the end of Q3.
const ELEVEN_AND_A_HALF: &str = r#"
plan "FY2026" { period 2026  currency CNY  as_of 2026-09-30 }
dimension region { east "华东"  west "华西"  north "华北" }
dimension product { cloud { w 5 }  edge { w 3 }  support { w 2 } }
team te { region east
  rep e1 { capacity 1.3M CNY }
  rep e2 { capacity 0.9M CNY  start 2026-04  ramp 50% }
  rep e3 { capacity 1.1M CNY }
}
team tw { region west
  rep w1 { capacity 0.7M CNY }
  rep w2 { capacity 1.7M CNY }
}
team tn { region north
  rep n1 { capacity 2.3M CNY }
  rep n2 { capacity 0.35M CNY  start 2026-03 }
  rep n3 { capacity 1.05M CNY }
}
goal revenue "Revenue" {
  target 11.5M CNY
  allow over-capacity
  split region {
    east 43% { split rep by capacity }
    west 31% { split rep by capacity }
    north rest { split rep by capacity }
  }
  split product by w
  split quarter { Q1 12%  Q2 28%  Q3 30%  Q4 rest }
  split month even
}
actuals revenue {
  2026-Q1 1M
  2026-Q2 2M
  2026-Q3 2.5M
}
"#;

#[test]
fn quarters_of_eleven_and_a_half_million_total_exactly() {
    let c = common::compile(ELEVEN_AND_A_HALF, Detail::Cells);
    let cells = cells(&c, "revenue");
    assert_eq!(cells.len(), 8 * 3 * 12);
    assert_eq!(total(&cells, &["quarter=Q1"]), d("1380000"));
    assert_eq!(total(&cells, &["quarter=Q2"]), d("3220000"));
    assert_eq!(total(&cells, &["quarter=Q3"]), d("3450000"));
    assert_eq!(total(&cells, &["quarter=Q4"]), d("3450000"));
    // Months of Q1: a third of 1.38M each, exactly.
    for month in ["Jan", "Feb", "Mar"] {
        assert_eq!(total(&cells, &[&format!("month={month}")]), d("460000"));
    }
    // The split tree stays exact too.
    assert_eq!(total(&cells, &["region=east"]), d("4945000"));
    assert_eq!(total(&cells, &["region=west"]), d("3565000"));
    assert_eq!(total(&cells, &["region=north"]), d("2990000"));
    assert_eq!(
        total(&cells, &["region=east", "product=cloud"]),
        d("2472500")
    );
}

#[test]
fn expected_to_date_is_the_exact_sum_of_the_quarters_so_far() {
    let c = common::compile(ELEVEN_AND_A_HALF, Detail::Cells);
    let progress = c.progress.goals[0].as_ref().unwrap();
    assert_eq!(progress.numbers.expected_to_date, Some(d("8050000")));
    let behind: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "behind-pace")
        .collect();
    assert_eq!(behind.len(), 1, "{:#?}", c.diagnostics);
    assert_eq!(
        behind[0].message,
        "goal `revenue` stands at 5.5M by 2026-09-30, 68.32% of the 8.05M expected (policy: at least 90%)"
    );
}

#[test]
fn a_hundred_customers_over_three_regions_and_four_quarters() {
    let c = common::compile(
        "plan { period 2026 }\ndimension region { a b c }\ngoal g { target 100 customers\n  split region even\n  split quarter even }\n",
        Detail::Cells,
    );
    let cells = cells(&c, "g");
    for q in ["Q1", "Q2", "Q3", "Q4"] {
        assert_eq!(total(&cells, &[&format!("quarter={q}")]), d("25"), "{q}");
    }
    for (region, value) in [("a", "34"), ("b", "33"), ("c", "33")] {
        assert_eq!(total(&cells, &[&format!("region={region}")]), d(value));
    }
    // Every cell is 8 or 9 (8⅓ exact).
    assert!(cells.iter().all(|(_, v)| *v == d("8") || *v == d("9")));
}

#[test]
fn an_allocation_that_already_adds_up_is_kept() {
    // Largest remainder gives Q1 and Q2 3 of 6 and 4 of 6: both within one unit of the
    // exact 3.5, so nothing moves.
    let c = common::compile(
        "plan { period 2026 }\ndimension region { a b }\ngoal g { target 7 customers\n  split region even\n  split half even }\n",
        Detail::Cells,
    );
    let values: Vec<Decimal> = cells(&c, "g").into_iter().map(|(_, v)| v).collect();
    assert_eq!(values, vec![d("2"), d("2"), d("2"), d("1")]);
}

#[test]
fn rep_totals_follow_the_cells_that_moved() {
    let text = ELEVEN_AND_A_HALF.replace("  allow over-capacity\n", "");
    let full = common::compile(text.as_str(), Detail::Cells);
    let alloc = full.allocation.goals[0].as_ref().unwrap();
    let cells = cells(&full, "revenue");
    for (rep, value) in &alloc.rep_totals {
        let name = &full.model.reps[rep.index()].name;
        assert_eq!(total(&cells, &[&format!("rep={name}")]), *value, "{name}");
    }
    // `check` decides from exact totals (and redoes a goal whose totals are close to a
    // capacity with rounding): the same verdicts as `compile`.
    let rounded = common::compile(text.as_str(), Detail::RepTotals);
    assert_eq!(
        rounded.allocation.goals[0].as_ref().unwrap().rep_totals,
        alloc.rep_totals
    );
    for detail in [Detail::RepTotals, Detail::ExactRepTotals] {
        assert_eq!(
            full.diagnostics,
            common::compile(text.as_str(), detail).diagnostics
        );
    }
}

fn planck(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("planck")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn diagnostics_progress_json_and_report_agree_on_expected_to_date() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.plan"), ELEVEN_AND_A_HALF).unwrap();
    let (code, check) = planck(dir.path(), &["check", "plan.plan", "--format", "json"]);
    assert_eq!(code, 0, "{check}");
    let check: Value = serde_json::from_str(&check).unwrap();
    let messages: Vec<&str> = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "behind-pace")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 1, "{check}");
    assert!(
        messages[0].contains("of the 8.05M expected"),
        "{}",
        messages[0]
    );

    let (code, compiled) = planck(dir.path(), &["compile", "plan.plan"]);
    assert_eq!(code, 0);
    let compiled: Value = serde_json::from_str(&compiled).unwrap();
    let goal = &compiled["goals"][0];
    assert_eq!(goal["expected_to_date"], "8050000");
    // The cells' own expected to date add up to it.
    let cells: Decimal = goal["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| d(c["expected_to_date"].as_str().unwrap()))
        .sum();
    assert_eq!(cells, d("8050000"));

    let (code, report) = planck(dir.path(), &["report", "plan.plan", "--format", "json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["goals"][0]["total"]["expected_to_date"], "8050000");
}
