//! The allocation engine: the worked numbers of the design, rounding, and the
//! properties every allocation keeps (children sum to their parent exactly, no value
//! more than one unit from its exact share, no dependence on the order of the file).

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use planck::config::Config;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::common;

use common::{cells, d, total};

fn compile_with(text: &str, config: &Config) -> planck::Compilation {
    common::compile_files(text, &[], config, planck::alloc::Detail::Cells)
}

fn compile(text: &str) -> planck::Compilation {
    common::compile(text, planck::alloc::Detail::Cells)
}

fn compile_depth(text: &str, depth: planck::alloc::Detail) -> planck::Compilation {
    common::compile(text, depth)
}

const SPEC: &str = r#"
plan "FY2026 华东销售计划" { period 2026  currency CNY  as_of 2026-06-30 }
strategy key_accounts "深耕大客户"
dimension region "区域" {
  east  "华东" { potential 30M CNY  stance attack }
  north "华北" { potential 20M CNY  stance defend }
  south "华南" { potential 10M CNY  stance develop }
}
team east_team "华东团队" {
  region east
  rep alice "陈爱丽" { capacity 1.2M CNY }
  rep bob   "王博"   { capacity 1.2M CNY }
  rep carol "张可"   { capacity 1.2M CNY CAROL }
}
goal revenue "2026 全年销售额" {
  owner "销售总监"
  target 12M CNY
  baseline 10M CNY in 2025
  supports key_accounts
  split region {
    east  40% { split rep by capacity }
    north 35%
    south rest
  }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }
}
"#;

#[test]
fn worked_numbers_of_the_design() {
    let c = compile(&SPEC.replace(" CAROL", ""));
    let cells = cells(&c, "revenue");
    assert_eq!(total(&cells, &["region=east"]), d("4800000"));
    assert_eq!(total(&cells, &["region=north"]), d("4200000"));
    assert_eq!(total(&cells, &["region=south"]), d("3000000"));
    for rep in ["alice", "bob", "carol"] {
        assert_eq!(
            total(&cells, &[&format!("rep={rep}")]),
            d("1600000"),
            "{rep}"
        );
    }
    assert_eq!(total(&cells, &["rep=alice", "quarter=Q1"]), d("320000"));
    assert_eq!(total(&cells, &["rep=alice", "quarter=Q4"]), d("480000"));
    assert_eq!(total(&cells, &["region=north", "quarter=Q3"]), d("1050000"));
    // East's capacity is 3.6M against 4.8M allocated.
    let over: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "over-capacity")
        .collect();
    assert_eq!(over.len(), 1, "{:#?}", c.diagnostics);
    assert!(over[0].message.contains("4.8M"), "{}", over[0].message);
    assert!(over[0].message.contains("3.6M"), "{}", over[0].message);
}

#[test]
fn a_rep_who_starts_in_july_gets_nothing_before() {
    let c = compile(&SPEC.replace(" CAROL", "  start 2026-07  ramp 50% 75%"));
    let cells = cells(&c, "revenue");
    assert_eq!(total(&cells, &["rep=carol", "quarter=Q1"]), d("0"));
    assert_eq!(total(&cells, &["rep=carol", "quarter=Q2"]), d("0"));
    // Q3: 1.2M east × (carol 225k of 100k+100k... ) — carol's Q3 capacity is 225k of
    // 300k + 300k + 225k, so her share of east's 1.2M Q3 is 1.2M × 225/825.
    let q3 = total(&cells, &["rep=carol", "quarter=Q3"]);
    assert_eq!(q3, d("327272.73"));
    assert_eq!(total(&cells, &["region=east"]), d("4800000"));
}

#[test]
fn a_hundred_customers_over_three_regions() {
    let c = compile(
        "plan { period 2026 }\ndimension region { a b c }\ngoal g { target 100 customers  split region even }\n",
    );
    let cells = cells(&c, "g");
    let values: Vec<Decimal> = cells.iter().map(|(_, v)| *v).collect();
    assert_eq!(values, vec![d("34"), d("33"), d("33")]);
}

#[test]
fn months_beside_quarters_split_each_quarter() {
    let c = compile(
        "plan { period 2026 currency CNY }\ngoal g { target 12M CNY\n  split month even\n  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% } }\n",
    );
    let cells = cells(&c, "g");
    assert_eq!(cells.len(), 12);
    // Written after the month split, the quarter split still applies first.
    assert_eq!(cells[0].0, "quarter=Q1,month=Jan");
    assert_eq!(cells[0].1, d("800000"));
    assert_eq!(cells[11].0, "quarter=Q4,month=Dec");
    assert_eq!(cells[11].1, d("1200000"));
}

#[test]
fn fiscal_quarters_and_months_follow_the_plan_year() {
    let c = compile(
        "plan { period 2026-04-01..2027-03-31 currency USD }\ngoal g { target 10M USD\n  split quarter { Q1 10%  Q2 20%  Q3 30%  Q4 40% }\n  split month even }\ngoal h2 { target 3M USD\n  period 2026-10-01..2027-03-31\n  split quarter { Q3 1M  Q4 2M } }\n",
    );
    let g = cells(&c, "g");
    assert_eq!(g[0].0, "quarter=Q1,month=Apr");
    assert_eq!(total(&g, &["quarter=Q4"]), d("4000000"));
    // Equal remainders: the extra cent goes to the month written (here: listed) first.
    assert_eq!(total(&g, &["month=Jan"]), d("1333333.34"));
    assert_eq!(total(&g, &["month=Feb"]), d("1333333.33"));
    assert_eq!(total(&g, &["month=Mar"]), d("1333333.33"));
    let cell = &c.allocation.goals[0].as_ref().map(|a| a.cells[11].period);
    assert_eq!(
        cell.map(|p| p.start.to_string()),
        Some("2027-03-01".to_string())
    );
    let h2 = cells(&c, "h2");
    assert_eq!(
        h2,
        vec![
            ("quarter=Q3".to_string(), d("1000000")),
            ("quarter=Q4".to_string(), d("2000000"))
        ]
    );
}

#[test]
fn amounts_rest_and_nested_amounts() {
    let c = compile(
        "plan { period 2026 currency CNY }\ndimension region { east north south }\ndimension product { hw sw }\ngoal g { target 12M CNY\n  split region { east 5M { split product { hw 2M  sw rest } }  north 50%  south rest }\n  split half { H1 40%  H2 60% } }\n",
    );
    let cells = cells(&c, "g");
    assert_eq!(total(&cells, &["region=east"]), d("5000000"));
    assert_eq!(total(&cells, &["region=south"]), d("1000000"));
    assert_eq!(total(&cells, &["product=hw"]), d("2000000"));
    assert_eq!(
        total(&cells, &["region=east", "half=H2", "product=sw"]),
        d("1800000")
    );
}

#[test]
fn by_attribute_weighs_members() {
    let c = compile(
        "plan { period 2026 currency CNY }\ndimension region { east { potential 30M CNY }  north { potential 20M CNY }  south { weight 1  potential 10M CNY } }\ngoal g { target 6M CNY  split region by potential }\n",
    );
    let cells = cells(&c, "g");
    assert_eq!(
        cells.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        vec![d("3000000"), d("2000000"), d("1000000")]
    );
}

#[test]
fn rep_splits_take_the_reps_of_the_enclosing_region() {
    let c = compile(
        "plan { period 2026 currency CNY }\ndimension region { east north }\nteam e { region east  rep a { capacity 1M CNY }  rep b { capacity 3M CNY } }\nteam n { region north  rep c { capacity 1M CNY } }\ngoal g { target 2M CNY\n  split region { east 50% { split rep by capacity }  north 50% { split rep even } } }\n",
    );
    let cells = cells(&c, "g");
    assert_eq!(
        cells,
        vec![
            ("region=east,rep=a".to_string(), d("250000")),
            ("region=east,rep=b".to_string(), d("750000")),
            ("region=north,rep=c".to_string(), d("1000000")),
        ]
    );
}

#[test]
fn rounding_units_come_from_config() {
    let text = "plan { period 2026 currency CNY }\ndimension region { a b c }\ngoal g { target 1M CNY  split region even }\n";
    let default = cells(&compile(text), "g");
    assert_eq!(
        default.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        vec![d("333333.34"), d("333333.33"), d("333333.33")]
    );
    let config = planck::config::parse("[policy.rounding]\nCNY = \"1000\"\n").unwrap();
    let thousands = cells(&compile_with(text, &config), "g");
    assert_eq!(
        thousands.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        vec![d("334000"), d("333000"), d("333000")]
    );
}

#[test]
fn a_target_finer_than_its_unit_is_reported() {
    let c = compile("plan { period 2026 currency CNY }\ngoal g { target 10.005 CNY }\n");
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.message.contains("finer than the rounding unit"))
    );
}

#[test]
fn weeks_are_iso_weeks_with_their_thursday_in_the_period() {
    let c = compile("plan { period 2026 }\ngoal g { target 530 visits  split week even }\n");
    let cells = cells(&c, "g");
    assert_eq!(cells.len(), 53);
    assert!(cells.iter().all(|(_, v)| *v == d("10")));
    let first = c.allocation.goals[0].as_ref().map(|a| a.cells[0].period);
    // W01 of 2026 runs from 2025-12-29; its cell covers the part inside the goal period.
    assert_eq!(
        first.map(|p| p.start.to_string()),
        Some("2026-01-01".to_string())
    );
}

// ---------------------------------------------------------------- properties

/// A random plan: a target, a region split by random shares (the last one `rest`, the
/// first one optionally split further by rep capacity), a product split by random
/// weights, and a time split. Returns the target and the plan's top-level items.
fn plan_strategy() -> impl Strategy<Value = (String, Vec<String>)> {
    let weights = proptest::collection::vec(1u32..50, 2..6);
    let target = (1i64..5_000_000_000, 0u32..3);
    let capacities = proptest::collection::vec(1u32..40, 1..5);
    (target, weights.clone(), weights, capacities, any::<bool>(), any::<bool>()).prop_map(
        |((t, scale), region_w, product_w, capacities, nest, months)| {
            let target = Decimal::new(t, scale).normalize().to_string();
            let region_total: u32 = region_w.iter().sum();
            let last = region_w.len() - 1;
            let regions: Vec<String> = region_w
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let share = if i == last {
                        "rest".to_string()
                    } else {
                        let p = (Decimal::from(w * 100) / Decimal::from(region_total)).round_dp(2);
                        format!("{}%", p.normalize())
                    };
                    let nested = if i == 0 && nest { " { split rep by capacity }" } else { "" };
                    format!("r{i} {share}{nested}")
                })
                .collect();
            let products: Vec<String> = product_w
                .iter()
                .enumerate()
                .map(|(i, w)| format!("p{i} {{ w {w} }}"))
                .collect();
            let time = if months {
                "split quarter { Q1 10%  Q2 20%  Q3 30%  Q4 40% }\n  split month even"
            } else {
                "split half even"
            };
            let mut items = vec![
                "plan { period 2026 currency CNY }".to_string(),
                format!("dimension region {{ {} }}", (0..region_w.len()).map(|i| format!("r{i}")).collect::<Vec<_>>().join(" ")),
                format!("dimension product {{ {} }}", products.join(" ")),
            ];
            for (i, c) in capacities.iter().enumerate() {
                items.push(format!("team t{i} {{ region r0  rep rep{i} {{ capacity {c}k CNY }} }}"));
            }
            items.push(format!(
                "goal g {{ target {target} CNY\n  split region {{ {} }}\n  split product by w\n  {time} }}",
                regions.join("  ")
            ));
            (target, items)
        },
    )
}

/// The properties of one allocation: `check` and `compile` agree on the diagnostics, the
/// cells sum to the target in multiples of the rounding unit, and each region and (region,
/// product) total is within one unit of its exact share. A plan with errors is rejected.
fn allocation_properties(
    target: &str,
    items: &[String],
    magnitude: u32,
    unit: &str,
) -> Result<(), TestCaseError> {
    // Targets up to 10²⁸ (too large for cents, or for a millionth) and rounding units
    // down to the finest allowed.
    let scaled = (d(target) * Decimal::from(10u64.pow(magnitude)))
        .normalize()
        .to_string();
    let items: Vec<String> = items
        .iter()
        .map(|i| {
            i.replace(
                &format!("target {target} CNY"),
                &format!("target {scaled} CNY"),
            )
        })
        .collect();
    let target = scaled;
    let config = planck::config::parse(&format!("[policy.rounding]\nCNY = \"{unit}\"\n")).unwrap();
    let text = items.join("\n") + "\n";
    let c = compile_with(&text, &config);
    // `planck check` decides over-capacity from exact totals, and walks no part of the
    // goal without a rep split: it must agree all the same, overflow included.
    let quick = common::compile_files(
        text.as_str(),
        &[],
        &config,
        planck::alloc::Detail::ExactRepTotals,
    );
    prop_assert_eq!(&c.diagnostics, &quick.diagnostics);
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity == planck::diagnostic::Severity::Error && d.code.as_str() != "over-capacity"
        })
        .collect();
    prop_assume!(errors.is_empty());
    let alloc = c.allocation.goals[0].as_ref().expect("allocated");
    let sum: Decimal = alloc.cells.iter().map(|c| c.value).sum();
    prop_assert_eq!(sum, d(&target));
    for cell in &alloc.cells {
        prop_assert!(
            (cell.value % alloc.unit).is_zero(),
            "{} is not a multiple of {}",
            cell.value,
            alloc.unit
        );
    }
    // Inner nodes are within one unit of their exact values too: each region's total,
    // and each (region, product) total, against target × its exact fractions.
    let goal = &c.model.goals[0];
    let planck::model::SplitKind::Entries { entries, .. } = &goal.splits[0].kind else {
        panic!("the region split has entries");
    };
    let shares: Vec<Decimal> = entries
        .iter()
        .filter_map(|e| match e.share {
            planck::model::Share::Percent(p) => Some(p),
            _ => None,
        })
        .collect();
    let rest = Decimal::ONE - shares.iter().copied().sum::<Decimal>();
    let region_fraction = |i: usize| shares.get(i).copied().unwrap_or(rest);
    let products = &c.model.dimensions[1].members;
    let weight = |j: usize| {
        products[j]
            .attr("w")
            .and_then(|a| a.value.weight())
            .unwrap()
    };
    let total_weight: Decimal = (0..products.len()).map(weight).sum();
    let all = cells(&c, "g");
    let target = d(&target);
    for i in 0..entries.len() {
        let region = format!("region=r{i}");
        let exact = target * region_fraction(i);
        let got = total(&all, &[&region]);
        prop_assert!(
            (got - exact).abs() < alloc.unit,
            "{region}: {got} vs {exact}"
        );
        for j in 0..products.len() {
            let product = format!("product=p{j}");
            let exact = exact * (weight(j) / total_weight);
            let got = total(&all, &[&region, &product]);
            prop_assert!(
                (got - exact).abs() < alloc.unit,
                "{region},{product}: {got} vs {exact}"
            );
        }
    }
    Ok(())
}

/// Shuffling the items of a plan (deterministically, from `seed`) leaves its allocation
/// as it was. A plan whose goal is not allocated is rejected.
fn file_order_property(items: &[String], seed: u64) -> Result<(), TestCaseError> {
    let text = items.join("\n") + "\n";
    let mut shuffled = items.to_vec();
    // A deterministic shuffle of the items (each is one top-level item or comment).
    let mut state = seed | 1;
    for i in (1..shuffled.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        shuffled.swap(i, j);
    }
    let a = compile(&text);
    let b = compile(&(shuffled.join("\n") + "\n"));
    prop_assume!(a.allocation.goals[0].is_some());
    prop_assert_eq!(cells(&a, "g"), cells(&b, "g"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn allocations_add_up_exactly(
        (target, items) in plan_strategy(),
        magnitude in prop_oneof![Just(0u32), 0u32..=18],
        unit in proptest::sample::select(vec!["0.01", "0.0001", "0.000001", "1"]),
    ) {
        allocation_properties(&target, &items, magnitude, unit)?;
    }

    #[test]
    fn leaves_stay_within_one_unit_of_their_exact_share(
        target in 1u64..10_000_000,
        weights in proptest::collection::vec(1u32..1000, 1..8),
        weights2 in proptest::collection::vec(1u32..1000, 1..8),
    ) {
        let dim = |name: &str, ws: &[u32]| format!(
            "dimension {name} {{ {} }}",
            ws.iter().enumerate().map(|(i, w)| format!("{name}{i} {{ w {w} }}")).collect::<Vec<_>>().join(" ")
        );
        let text = format!(
            "plan {{ period 2026 }}\n{}\n{}\ngoal g {{ target {target} units\n  split a by w\n  split b by w\n  split month even }}\n",
            dim("a", &weights), dim("b", &weights2)
        );
        let c = compile(&text);
        let cells = cells(&c, "g");
        let wa: u32 = weights.iter().sum();
        let wb: u32 = weights2.iter().sum();
        let mut sum = Decimal::ZERO;
        for (k, v) in &cells {
            let parts: Vec<&str> = k.split(',').collect();
            let i: usize = parts[0].trim_start_matches("a=a").parse().unwrap();
            let j: usize = parts[1].trim_start_matches("b=b").parse().unwrap();
            let exact = Decimal::from(target) * Decimal::from(weights[i]) / Decimal::from(wa)
                * Decimal::from(weights2[j]) / Decimal::from(wb) / Decimal::from(12);
            prop_assert!((*v - exact).abs() < Decimal::ONE, "{k}: {v} vs exact {exact}");
            sum += v;
        }
        prop_assert_eq!(sum, Decimal::from(target));
    }

    #[test]
    fn file_order_does_not_change_the_allocation(
        (_, items) in plan_strategy(),
        seed in any::<u64>(),
    ) {
        file_order_property(&items, seed)?;
    }
}

// Cases the properties once failed on. proptest saves a failure as the seed of its random
// generator, which replays the same case only while the strategies stay exactly as they
// were; these cases are kept as they were found instead.

/// Four reps splitting half of one cent by capacity, the file shuffled.
#[test]
fn file_order_keeps_the_allocation_of_a_one_cent_goal_split_by_capacity() {
    let items: Vec<String> = [
        "plan { period 2026 currency CNY }",
        "dimension region { r0 r1 }",
        "dimension product { p0 { w 1 } p1 { w 1 } }",
        "team t0 { region r0  rep rep0 { capacity 1k CNY } }",
        "team t1 { region r0  rep rep1 { capacity 1k CNY } }",
        "team t2 { region r0  rep rep2 { capacity 1k CNY } }",
        "team t3 { region r0  rep rep3 { capacity 1k CNY } }",
        "goal g { target 1 CNY\n  split region { r0 50% { split rep by capacity }  r1 rest }\n  split product by w\n  split half even }",
        "# target 1",
    ]
    .map(String::from)
    .to_vec();
    file_order_property(&items, 3855722331672).unwrap();
    let c = compile(&(items.join("\n") + "\n"));
    let cells = cells(&c, "g");
    assert_eq!(cells.iter().map(|(_, v)| *v).sum::<Decimal>(), d("1"));
    assert_eq!(total(&cells, &["region=r0"]), d("0.5"));
}

/// A target of 10²⁸ rounding units of 0.0001 is refused by `check` as by `compile`.
#[test]
fn check_and_compile_agree_on_a_target_too_large_to_round() {
    let items: Vec<String> = [
        "plan { period 2026 currency CNY }",
        "dimension region { r0 r1 }",
        "dimension product { p0 { w 1 } p1 { w 1 } }",
        "team t0 { region r0  rep rep0 { capacity 1k CNY } }",
        "goal g { target 299285614 CNY\n  split region { r0 50%  r1 rest }\n  split product by w\n  split half even }",
    ]
    .map(String::from)
    .to_vec();
    // The plan has an error, so the property rejects it after comparing the diagnostics.
    assert!(matches!(
        allocation_properties("299285614", &items, 17, "0.0001"),
        Err(TestCaseError::Reject(_))
    ));
    let config = planck::config::parse("[policy.rounding]\nCNY = \"0.0001\"\n").unwrap();
    let text = items
        .join("\n")
        .replace("299285614", "29928561400000000000000000")
        + "\n";
    let c = compile_with(&text, &config);
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == planck::diagnostic::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", c.diagnostics);
    assert_eq!(errors[0].code.as_str(), "invalid-value");
    assert!(
        errors[0].message.contains("too large to round"),
        "{}",
        errors[0].message
    );
}

#[test]
fn checking_needs_only_rep_totals_and_gets_the_same_answer() {
    use planck::alloc::Detail;
    let text = SPEC.replace(" CAROL", "  start 2026-07  ramp 50% 75%");
    let full = compile(&text);
    let (Some(f), Some(q)) = (
        &full.allocation.goals[0],
        &compile_depth(&text, Detail::RepTotals).allocation.goals[0],
    ) else {
        panic!("both allocated");
    };
    assert!(q.cells.is_empty());
    assert_eq!(f.rep_totals, q.rep_totals);
    // The totals are the sums of the cells.
    let cells = cells(&full, "revenue");
    for (rep, value) in &f.rep_totals {
        let name = &full.model.reps[rep.index()].name;
        assert_eq!(total(&cells, &[&format!("rep={name}")]), *value);
    }
    for depth in [Detail::RepTotals, Detail::ExactRepTotals] {
        assert_eq!(
            full.diagnostics,
            compile_depth(&text, depth).diagnostics,
            "{depth:?}"
        );
    }
}

#[test]
fn exact_rep_totals_are_the_same_on_every_run() {
    use planck::alloc::Detail;
    // Each rep gets a share from every (region, month) pair: twelve exact values added
    // up, whose last digit depends on the order they are added in.
    let mut text = String::from(
        "plan \"P\" { period 2026  currency CNY }\ndimension region { east  west  north }\n",
    );
    for (t, region) in ["east", "west", "north"].iter().enumerate() {
        text.push_str(&format!("team t{t} {{\n  region {region}\n"));
        for k in 0..7 {
            let ramp = if k % 3 == 0 {
                "  start 2026-02  ramp 30% 70%"
            } else {
                ""
            };
            text.push_str(&format!(
                "  rep r{t}_{k} {{ capacity 1.{k}7M CNY{ramp} }}\n"
            ));
        }
        text.push_str("}\n");
    }
    text.push_str(
        "goal g \"G\" {\n  owner \"CRO\"\n  target 1000000.01 CNY\n  baseline 1 CNY in 2025\n  allow growth-exceeds-policy\n  split month even\n  split region { east 33.3% { split rep by capacity }  west 29.9% { split rep by capacity }  north rest { split rep by capacity } }\n}\n",
    );
    let first = compile_depth(&text, Detail::ExactRepTotals);
    let Some(expected) = &first.allocation.goals[0] else {
        panic!("allocated: {:#?}", first.diagnostics);
    };
    assert_eq!(expected.rep_totals.len(), 21);
    for _ in 0..40 {
        let again = compile_depth(&text, Detail::ExactRepTotals);
        let totals = &again.allocation.goals[0].as_ref().unwrap().rep_totals;
        let mut a: Vec<_> = expected.rep_totals.iter().collect();
        let mut b: Vec<_> = totals.iter().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
}

/// Two regions of reps, each split by capacity below the region, then three products and
/// twelve months: `check` adds up the value reaching each region's reps per month over
/// the products, and shares it out once.
const PRODUCTS_OF_A_REGION: &str = r#"
plan "P" { period 2026  currency CNY }
dimension region { east "华东"  west "华西" }
dimension product { cloud  edge  ai }
team te { region east
  rep e1 { capacity 1.3M CNY }
  rep e2 { capacity 0.9M CNY  start 2026-04  ramp 50% }
  rep e3 { capacity 1.17M CNY }
}
team tw { region west
  rep w1 { capacity 0.7M CNY }
  rep w2 { capacity 1.7M CNY  start 2026-02  ramp 30% 70% }
}
goal g "G" {
  target 1000000.01 CNY
  allow over-capacity
  split region { east 55.5% { split rep by capacity }  west rest { split rep by capacity } }
  split product even
  split month even
}
"#;

#[test]
fn exact_rep_totals_share_each_regions_months_once_over_its_products() {
    use planck::alloc::Detail;
    let full = compile(PRODUCTS_OF_A_REGION);
    let exact = compile_depth(PRODUCTS_OF_A_REGION, Detail::ExactRepTotals);
    let (Some(f), Some(x)) = (&full.allocation.goals[0], &exact.allocation.goals[0]) else {
        panic!("both allocated: {:#?}", full.diagnostics);
    };
    assert_eq!(f.rep_totals.len(), 5);
    // Each rep's value in each of 3 products × 12 months, from the one rep split of its
    // region.
    assert_eq!(x.rep_counts, f.rep_counts);
    assert!(x.rep_counts.values().all(|&n| n == 36));
    assert_eq!(x.rep_splits, f.rep_splits);
    // The exact totals add up to the target, and each rounded total is within its count
    // of units of the exact one.
    let sum: Decimal = x.rep_totals.values().sum();
    assert!((sum - d("1000000.01")).abs() < d("0.000000000001"), "{sum}");
    for (rep, rounded) in &f.rep_totals {
        let exact = x.rep_totals[rep];
        let slack = d("0.01") * Decimal::from(f.rep_counts[rep]);
        assert!((exact - rounded).abs() <= slack, "{exact} vs {rounded}");
    }
    assert_eq!(full.diagnostics, exact.diagnostics);
}

#[test]
fn a_rep_split_first_written_stays_the_reps_split_when_totals_are_exact() {
    use planck::alloc::Detail;
    // Two `split rep` statements over the same reps and months: each rep's first split
    // is the one under `cloud`, whichever detail is asked for.
    let text = PRODUCTS_OF_A_REGION.replace(
        "  split region { east 55.5% { split rep by capacity }  west rest { split rep by capacity } }\n  split product even\n",
        "  split product { cloud 40% { split rep by capacity }  edge 35% { split rep by capacity }  ai rest }\n",
    );
    let full = compile(&text);
    let exact = compile_depth(&text, Detail::ExactRepTotals);
    let (Some(f), Some(x)) = (&full.allocation.goals[0], &exact.allocation.goals[0]) else {
        panic!("both allocated: {:#?}", full.diagnostics);
    };
    let cloud = text.find("split rep by capacity }  edge").unwrap() + "split ".len();
    assert_eq!(f.rep_splits.len(), 5);
    assert!(
        f.rep_splits.values().all(|s| s.start() == cloud),
        "{:?}",
        f.rep_splits
    );
    assert_eq!(x.rep_splits, f.rep_splits);
    assert_eq!(x.rep_counts, f.rep_counts);
    assert!(x.rep_counts.values().all(|&n| n == 24));
}
