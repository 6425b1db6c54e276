//! Controlled rounding: the totals a reader adds up across the split tree (each half,
//! quarter, month and week over every region, rep and product) are within one rounding
//! unit of their exact values and equal to them when those are whole units, as are the
//! split tree's own nodes and every cell; expected to date follows from those totals.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use planck::alloc::Detail;
use rust_decimal::Decimal;
use serde_json::Value;
use std::process::Command;

use crate::common;

use common::{cells, d, total};

/// A plan like the one that found the problem: 11.5M over three regions (each split by
/// its reps' capacity), products and quarters of 12 / 28 / 30 % and the rest, then
/// months; actuals well behind by the end of Q3. Rounded top-down alone, its Q1 cells
/// totalled 1,380,000.05 and expected to date was 8,050,000.04.
const ELEVEN_AND_A_HALF: &str = r#"
plan "FY2026" { period 2026  currency CNY  as_of 2026-09-30 }
dimension region { east "华东"  west "华西"  north "华北" }
dimension product { cloud { w 7 }  edge { w 5 }  support { w 3 }  iot { w 2 }  ai { w 1 } }
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
    assert_eq!(cells.len(), 8 * 5 * 12);
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
    // 4,945,000 × 7/18 = 1,923,055.555…
    assert_eq!(
        total(&cells, &["region=east", "product=cloud"]),
        d("1923055.56")
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
    let out = Command::new(env!("CARGO_BIN_EXE_planck"))
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

// ---------------------------------------------------------------- properties

use num_bigint::BigInt;
use proptest::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// An exact fraction.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ratio {
    num: BigInt,
    den: BigInt,
}

impl Ratio {
    fn int(n: i64) -> Ratio {
        Ratio {
            num: BigInt::from(n),
            den: BigInt::from(1),
        }
    }

    fn of(num: i64, den: i64) -> Ratio {
        Ratio {
            num: BigInt::from(num),
            den: BigInt::from(den),
        }
    }

    fn dec(x: Decimal) -> Ratio {
        Ratio {
            num: BigInt::from(x.mantissa()),
            den: BigInt::from(10).pow(x.scale()),
        }
    }

    fn mul(&self, o: &Ratio) -> Ratio {
        Ratio {
            num: &self.num * &o.num,
            den: &self.den * &o.den,
        }
    }

    fn add(&self, o: &Ratio) -> Ratio {
        Ratio {
            num: &self.num * &o.den + &o.num * &self.den,
            den: &self.den * &o.den,
        }
    }

    fn sub(&self, o: &Ratio) -> Ratio {
        self.add(&Ratio {
            num: -&o.num,
            den: o.den.clone(),
        })
    }

    fn div(&self, o: &Ratio) -> Ratio {
        Ratio {
            num: &self.num * &o.den,
            den: &self.den * &o.num,
        }
    }

    fn cmp(&self, o: &Ratio) -> Ordering {
        // Denominators are positive.
        (&self.num * &o.den).cmp(&(&o.num * &self.den))
    }

    fn abs(&self) -> Ratio {
        Ratio {
            num: if self.num < BigInt::from(0) {
                -&self.num
            } else {
                self.num.clone()
            },
            den: self.den.clone(),
        }
    }

    fn is_whole(&self) -> bool {
        &self.num % &self.den == BigInt::from(0)
    }
}

/// A rounded value against its exact value: less than a unit apart, and equal when the
/// exact value is a whole number of units.
fn within(what: &str, rounded: &Ratio, exact: &Ratio, unit: &Ratio) -> Result<(), TestCaseError> {
    let diff = rounded.sub(exact).abs();
    prop_assert!(
        diff.cmp(unit) == Ordering::Less,
        "{what}: {rounded:?} is a unit or more from {exact:?}"
    );
    if exact.div(unit).is_whole() {
        prop_assert!(
            diff.num == BigInt::from(0),
            "{what}: {rounded:?} differs from the whole {exact:?}"
        );
    }
    Ok(())
}

/// How a dimension of a generated plan is split.
#[derive(Clone, Debug)]
enum Kind {
    /// Entries, each member's fraction of the whole.
    Shares(BTreeMap<String, Ratio>),
    /// Weights relative to the siblings present (`by ATTRIBUTE`, `by capacity`; `even`
    /// when every weight is 1).
    Weights(BTreeMap<String, i64>),
    Even,
}

/// A generated plan with what the test needs to compute exact values.
#[derive(Clone, Debug)]
struct Generated {
    text: String,
    config: String,
    target: Decimal,
    unit: Decimal,
    kinds: BTreeMap<String, Kind>,
}

fn generated() -> impl Strategy<Value = Generated> {
    let units = prop_oneof![
        Just(("CNY", "0.01")),
        Just(("CNY", "1")),
        Just(("CNY", "1000")),
        Just(("CNY", "0.05")),
        Just(("CNY", "0.0001")),
        Just(("customers", "1")),
        Just(("customers", "5")),
    ];
    let count = prop_oneof![1i64..60, 1i64..100_000, 1i64..10_000_000_000];
    let regions = proptest::collection::vec(1i64..50, 1..4);
    let products = proptest::option::of(proptest::collection::vec(1i64..50, 2..4));
    let channels = proptest::option::of(2usize..4);
    let reps = proptest::option::of(proptest::collection::vec(1i64..40, 1..4));
    let time = (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>());
    let quarters = proptest::option::of(proptest::collection::vec(1i64..40, 4));
    (
        units, count, regions, products, channels, reps, time, quarters,
    )
        .prop_map(
            |((unit_name, unit), k, regions, products, channels, reps, time, quarters)| {
                let unit_d = d(unit);
                let target = unit_d * Decimal::from(k);
                let mut kinds = BTreeMap::new();
                let mut dims = 1;
                let mut items = vec!["plan { period 2026  currency CNY }".to_string()];
                let mut splits = Vec::new();
                // Regions by percentages (two decimals), the last one `rest`.
                let sum: i64 = regions.iter().sum();
                let mut shares = BTreeMap::new();
                let mut known = Ratio::int(0);
                let reps = reps.filter(|_| unit_name == "CNY");
                let nested = if reps.is_some() {
                    dims += 1;
                    " { split rep by capacity }"
                } else {
                    ""
                };
                let mut entries = Vec::new();
                for (i, w) in regions.iter().enumerate() {
                    let name = format!("r{i}");
                    if i + 1 == regions.len() {
                        shares.insert(format!("region={name}"), Ratio::int(1).sub(&known));
                        entries.push(format!("{name} rest{nested}"));
                    } else {
                        let hundredths = w * 10_000 / sum;
                        let share = Ratio::of(hundredths, 10_000);
                        known = known.add(&share);
                        shares.insert(format!("region={name}"), share);
                        entries.push(format!("{name} {}%{nested}", Decimal::new(hundredths, 2)));
                    }
                }
                kinds.insert("region".to_string(), Kind::Shares(shares));
                items.push(format!(
                    "dimension region {{ {} }}",
                    (0..regions.len())
                        .map(|i| format!("r{i}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
                splits.push(format!("split region {{ {} }}", entries.join("  ")));
                if let Some(caps) = &reps {
                    let mut weights = BTreeMap::new();
                    for (t, _) in regions.iter().enumerate() {
                        let mut team = format!("team t{t} {{ region r{t}");
                        for (k, c) in caps.iter().enumerate() {
                            let cap = c * (t as i64 + 1) + k as i64;
                            team.push_str(&format!("  rep p{t}_{k} {{ capacity {cap}k CNY }}"));
                            weights.insert(format!("rep=p{t}_{k}"), cap);
                        }
                        items.push(team + " }");
                    }
                    kinds.insert("rep".to_string(), Kind::Weights(weights));
                }
                if let Some(ws) = products.filter(|_| dims < 4) {
                    dims += 1;
                    items.push(format!(
                        "dimension product {{ {} }}",
                        ws.iter()
                            .enumerate()
                            .map(|(i, w)| format!("p{i} {{ w {w} }}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                    splits.push("split product by w".to_string());
                    kinds.insert(
                        "product".to_string(),
                        Kind::Weights(
                            ws.iter()
                                .enumerate()
                                .map(|(i, w)| (format!("product=p{i}"), *w))
                                .collect(),
                        ),
                    );
                }
                if let Some(n) = channels.filter(|_| dims < 4) {
                    dims += 1;
                    items.push(format!(
                        "dimension channel {{ {} }}",
                        (0..n)
                            .map(|i| format!("c{i}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                    splits.push("split channel even".to_string());
                    kinds.insert("channel".to_string(), Kind::Even);
                }
                // Weeks do not nest in the other grains: a goal splits by one or the other.
                let (half, quarter, month, week) = time;
                let week = week && !(half || quarter || month);
                for (on, grain) in [
                    (half, "half"),
                    (quarter, "quarter"),
                    (month, "month"),
                    (week, "week"),
                ] {
                    if !on || dims >= 4 {
                        continue;
                    }
                    dims += 1;
                    match (&quarters, grain, half) {
                        (Some(qs), "quarter", false) => {
                            let sum: i64 = qs.iter().sum();
                            let mut shares = BTreeMap::new();
                            let mut known = Ratio::int(0);
                            let mut entries = Vec::new();
                            for (i, q) in qs.iter().enumerate() {
                                let name = format!("Q{}", i + 1);
                                if i == 3 {
                                    shares.insert(
                                        format!("quarter={name}"),
                                        Ratio::int(1).sub(&known),
                                    );
                                    entries.push(format!("{name} rest"));
                                } else {
                                    let pct = q * 100 / sum;
                                    known = known.add(&Ratio::of(pct, 100));
                                    shares.insert(format!("quarter={name}"), Ratio::of(pct, 100));
                                    entries.push(format!("{name} {pct}%"));
                                }
                            }
                            splits.push(format!("split quarter {{ {} }}", entries.join("  ")));
                            kinds.insert("quarter".to_string(), Kind::Shares(shares));
                        }
                        _ => {
                            splits.push(format!("split {grain} even"));
                            kinds.insert(grain.to_string(), Kind::Even);
                        }
                    }
                }
                items.push(format!(
                    "goal g {{ target {} {unit_name}\n  allow over-capacity\n  {} }}",
                    target.normalize(),
                    splits.join("\n  ")
                ));
                Generated {
                    text: items.join("\n") + "\n",
                    config: format!("[policy.rounding]\n{unit_name} = \"{unit}\"\n"),
                    target,
                    unit: unit_d,
                    kinds,
                }
            },
        )
}

/// Each cell's exact value: the target times the fraction of every member on its path.
fn exact_values(g: &Generated, keys: &[Vec<String>]) -> Vec<Ratio> {
    // The members present below each path prefix, for weights relative to siblings.
    let mut siblings: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    for key in keys {
        for k in 0..key.len() {
            siblings
                .entry(key[..k].to_vec())
                .or_default()
                .insert(key[k].clone());
        }
    }
    keys.iter()
        .map(|key| {
            let mut x = Ratio::dec(g.target);
            for k in 0..key.len() {
                let dim = key[k].split('=').next().unwrap();
                let f = match &g.kinds[dim] {
                    Kind::Shares(shares) => shares[&key[k]].clone(),
                    Kind::Even => Ratio::of(1, siblings[&key[..k].to_vec()].len() as i64),
                    Kind::Weights(w) => {
                        let total: i64 = siblings[&key[..k].to_vec()].iter().map(|s| w[s]).sum();
                        Ratio::of(w[&key[k]], total)
                    }
                };
                x = x.mul(&f);
            }
            x
        })
        .collect()
}

fn controlled(g: &Generated) -> Result<(), TestCaseError> {
    let config = planck::config::parse(&g.config).unwrap();
    let c = common::compile_files(g.text.as_str(), &[], &config, Detail::Cells);
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == planck::diagnostic::Severity::Error)
        .collect();
    prop_assert!(errors.is_empty(), "{}\n{:#?}", g.text, errors);
    let alloc = c.allocation.goals[0].as_ref().unwrap();
    let named = cells(&c, "g");
    let keys: Vec<Vec<String>> = named
        .iter()
        .map(|(k, _)| k.split(',').map(String::from).collect())
        .collect();
    let exact = exact_values(g, &keys);
    let unit = Ratio::dec(g.unit);
    let values: Vec<Ratio> = alloc.cells.iter().map(|c| Ratio::dec(c.value)).collect();
    // Every cell.
    for (((key, _), v), x) in named.iter().zip(&values).zip(&exact) {
        within(&format!("cell {key}"), v, x, &unit)?;
    }
    // Every node of the split tree: the cells below each path prefix.
    let mut nodes: BTreeMap<Vec<String>, (Ratio, Ratio)> = BTreeMap::new();
    for ((key, v), x) in keys.iter().zip(&values).zip(&exact) {
        for k in 0..key.len() {
            let e = nodes
                .entry(key[..k].to_vec())
                .or_insert((Ratio::int(0), Ratio::int(0)));
            *e = (e.0.add(v), e.1.add(x));
        }
    }
    prop_assert_eq!(
        nodes[&Vec::new()].0.cmp(&Ratio::dec(g.target)),
        Ordering::Equal
    );
    for (prefix, (v, x)) in &nodes {
        within(&format!("node {}", prefix.join(",")), v, x, &unit)?;
    }
    // Every time bucket: the cells whose period lies in a half, quarter, month or week.
    for grain in [
        planck::period::TimeDim::Half,
        planck::period::TimeDim::Quarter,
        planck::period::TimeDim::Month,
        planck::period::TimeDim::Week,
    ] {
        for slice in c.model.slices(grain) {
            let mut sum = (Ratio::int(0), Ratio::int(0));
            let mut any = false;
            for ((cell, v), x) in alloc.cells.iter().zip(&values).zip(&exact) {
                if slice.period.contains(&cell.period) {
                    sum = (sum.0.add(v), sum.1.add(x));
                    any = true;
                }
            }
            if any {
                within(
                    &format!("{} {}", grain.name(), slice.name),
                    &sum.0,
                    &sum.1,
                    &unit,
                )?;
            }
        }
    }
    // `check`'s fast paths give the same verdicts, and rep totals are the cells' sums.
    for detail in [Detail::RepTotals, Detail::ExactRepTotals] {
        let quick = common::compile_files(g.text.as_str(), &[], &config, detail);
        prop_assert_eq!(&c.diagnostics, &quick.diagnostics);
        if detail == Detail::RepTotals {
            let q = quick.allocation.goals[0].as_ref().unwrap();
            prop_assert_eq!(&q.rep_totals, &alloc.rep_totals);
        }
    }
    for (rep, value) in &alloc.rep_totals {
        let name = format!("rep={}", c.model.reps[rep.index()].name);
        prop_assert_eq!(total(&named, &[&name]), *value, "{}", name);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn both_families_of_totals_and_every_cell_are_within_a_unit(g in generated()) {
        controlled(&g)?;
    }
}

// ---------------------------------------------------------------- decomposition forms

const FORMS: &str = r#"
plan { period 2026  currency CNY }
dimension region { central "华中" { potential 30M CNY }  east { potential 20M CNY }  west { potential 10M CNY } }
dimension product { cloud  edge }
team tc { region central  rep a { capacity 2M CNY }  rep b { capacity 3M CNY } }
team te { region east  rep c { capacity 1M CNY } }
"#;

fn forms(goal: &str) -> planck::Compilation {
    common::compile(
        format!("{FORMS}goal g {{ target 6M CNY\n{goal}\n}}\n"),
        Detail::Cells,
    )
}

#[test]
fn a_member_block_splits_only_its_member() {
    let c = forms("  split region by potential { central { split rep by capacity } }");
    assert_eq!(
        cells(&c, "g"),
        vec![
            ("region=central,rep=a".to_string(), d("1200000")),
            ("region=central,rep=b".to_string(), d("1800000")),
            ("region=east".to_string(), d("2000000")),
            ("region=west".to_string(), d("1000000")),
        ]
    );
}

#[test]
fn each_applies_a_block_to_every_member() {
    let each = forms("  split region even { each { split product even } }");
    let beside = forms("  split region even\n  split product even");
    assert_eq!(cells(&each, "g"), cells(&beside, "g"));
    assert_eq!(cells(&each, "g").len(), 6);
}

#[test]
fn a_member_gets_each_block_and_its_own_in_written_order() {
    let c = forms(
        "  split region by potential { each { split product even }  east { split quarter even } }",
    );
    let cells = cells(&c, "g");
    let keys: Vec<&str> = cells.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys.len(), 2 + 8 + 2);
    assert!(keys.contains(&"region=central,product=cloud"));
    assert!(keys.contains(&"region=east,product=edge,quarter=Q4"));
    assert_eq!(total(&cells, &["region=east"]), d("2000000"));
    assert_eq!(total(&cells, &["region=east", "quarter=Q1"]), d("500000"));
}

#[test]
fn member_blocks_on_time_and_rep_splits() {
    let c = forms(
        "  split region by potential { central { split rep even { b { split product even } } } }\n  split half even { H2 { split month even } }",
    );
    let cells = cells(&c, "g");
    // The goal's own splits first (as written), then the blocks' splits, as written.
    let keys: Vec<&str> = cells.iter().map(|(k, _)| k.as_str()).collect();
    assert!(keys.contains(&"region=central,half=H2,rep=b,month=Dec,product=edge"));
    assert!(keys.contains(&"region=central,half=H1,rep=a"));
    assert!(keys.contains(&"region=west,half=H2,month=Jul"));
    assert_eq!(keys.len(), 3 + 18 + 2 * 7);
    assert_eq!(total(&cells, &["half=H2"]), d("3000000"));
    assert_eq!(total(&cells, &["month=Jul"]), d("500000"));
}

#[test]
fn a_block_for_an_unknown_member_is_reported() {
    let c = forms("  split region even { north { split product even } }");
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"unresolved-name"), "{:#?}", c.diagnostics);
}

#[test]
fn a_mistake_inside_each_is_reported_once() {
    let c = forms("  split region even { each { split product { cloud 50%  edge 40% } } }");
    let sums: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "shares-sum")
        .collect();
    assert_eq!(sums.len(), 1, "{:#?}", c.diagnostics);
}

/// The `amounts-sum` messages of a compilation.
fn amounts_sums(c: &planck::Compilation) -> Vec<String> {
    c.diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "amounts-sum")
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn amounts_inside_a_block_of_a_time_or_rep_split_are_checked_against_the_members_value() {
    // 6M over four even quarters: Q1 is 1.5M, and the amounts written for it total 2M.
    let c =
        forms("  split quarter even { Q1 { split region { east 1M  west 500k  central 500k } } }");
    assert_eq!(
        amounts_sums(&c),
        vec!["the entries of `split region` total 2M, but `Q1` is 1.5M"]
    );
    let c =
        forms("  split quarter even { Q1 { split region { east 1M  west 250k  central 250k } } }");
    assert_eq!(
        amounts_sums(&c),
        Vec::<String>::new(),
        "{:#?}",
        c.diagnostics
    );
    // Central's 3M goes to its reps by capacity, 2 : 3: b's part is 1.8M.
    let c = forms(
        "  split region by potential { central { split rep by capacity { b { split product { cloud 1M  edge 1M } } } } }",
    );
    assert_eq!(
        amounts_sums(&c),
        vec!["the entries of `split product` total 2M, but `b` is 1.8M"]
    );
    let c = forms(
        "  split region by potential { central { split rep by capacity { b { split product { cloud 1M  edge 800k } } } } }",
    );
    assert_eq!(
        amounts_sums(&c),
        Vec::<String>::new(),
        "{:#?}",
        c.diagnostics
    );
}
