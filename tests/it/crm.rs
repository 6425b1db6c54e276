//! A CRM export as downloaded, and a hand-written plan of about a hundred lines: planck
//! reads the export through a mapping, with no conversion script, and its attainment,
//! pipeline and calibration equal an independent computation from the raw CSV files.
//!
//! `tests/crm/crm/sales_pipeline.csv` holds 2,000 invented opportunities (id, agent by full
//! name, product by label, account, stage Prospecting/Engaging/Won/Lost by label, engage
//! and close dates, close value; open deals have no value or close date, prospects no
//! engage date), `sales_teams.csv` the office of each agent. `tests/crm/gen_crm.py` wrote
//! them. The plan names agents and offices by their labels only.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

const PLAN: &str = "tests/crm/plan.plan";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn planck(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planck"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, out, err) = planck(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Number(n) => n.to_string().parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The rows of a CSV file written without quotes, as maps from header to cell.
fn rows(path: &str) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{l}");
            header
                .iter()
                .zip(cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// What the raw files say, computed without planck.
struct Truth {
    rows: usize,
    /// Won value closed in 2017 by the as-of date, by office.
    won_by_office: HashMap<String, Decimal>,
    /// Weighted open pipeline: every open deal takes the funnel's 6.2k deal size, and
    /// prospects win 80 % × 62 %, deals engaging 62 %; every estimated close falls inside
    /// 2017 after 2017-09-30 (the as-of date plus at most 62 days of dwell).
    pipeline: Decimal,
    won: usize,
    lost: usize,
    won_value: Decimal,
    cycle_days: i64,
}

fn truth() -> Truth {
    let as_of = date("2017-09-30");
    let office: HashMap<String, String> = rows("tests/crm/crm/sales_teams.csv")
        .into_iter()
        .map(|r| (r["sales_agent"].clone(), r["regional_office"].clone()))
        .collect();
    let deals = rows("tests/crm/crm/sales_pipeline.csv");
    let mut t = Truth {
        rows: deals.len(),
        won_by_office: HashMap::new(),
        pipeline: Decimal::ZERO,
        won: 0,
        lost: 0,
        won_value: Decimal::ZERO,
        cycle_days: 0,
    };
    let deal_size = Decimal::from(6200);
    let engaging = Decimal::new(62, 2);
    let prospecting = Decimal::new(80, 2) * engaging;
    for d in &deals {
        match d["deal_stage"].as_str() {
            "Won" => {
                let close = date(&d["close_date"]);
                let value: Decimal = d["close_value"].parse().unwrap();
                t.won += 1;
                t.won_value += value;
                t.cycle_days += (close - date(&d["engage_date"])).num_days();
                if close >= date("2017-01-01") && close <= as_of {
                    *t.won_by_office
                        .entry(office[&d["sales_agent"]].clone())
                        .or_default() += value;
                }
            }
            "Lost" => t.lost += 1,
            "Engaging" => t.pipeline += deal_size * engaging,
            "Prospecting" => t.pipeline += deal_size * prospecting,
            other => panic!("stage {other}"),
        }
    }
    t
}

#[test]
fn the_plan_checks_with_only_the_thin_pipeline_it_has() {
    let (code, out, err) = planck(&["check", PLAN, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["low-coverage"]);
}

#[test]
fn the_export_is_read_as_downloaded_and_every_row_is_accounted_for() {
    let t = truth();
    let c = json(&["compile", PLAN]);
    let deals = c["deals"].as_array().unwrap();
    assert_eq!(deals.len(), t.rows);
    let states = |s: &str| deals.iter().filter(|d| d["state"] == s).count();
    assert_eq!((states("won"), states("lost")), (t.won, t.lost));
    // Every deal is placed in its agent's office, which the export never names.
    assert!(deals.iter().all(|d| d["coords"]["region"].is_string()));

    let goal = &c["goals"][0];
    let cells = goal["allocations"].as_array().unwrap();
    let sum = |field: &str| -> Decimal { cells.iter().map(|cell| dec(&cell[field])).sum() };
    let won: Decimal = t.won_by_office.values().sum();
    assert_eq!(dec(&goal["actual"]), won);
    assert_eq!(
        dec(&goal["actual"]),
        sum("actual") + dec(&goal["unplaced_actual"])
    );
    assert_eq!(dec(&goal["unplaced_actual"]), Decimal::ZERO);
    assert_eq!(dec(&goal["pipeline"]), t.pipeline);
    assert_eq!(
        dec(&goal["pipeline"]),
        sum("pipeline") + dec(&goal["unplaced_pipeline"])
    );
    assert_eq!(dec(&goal["unplaced_pipeline"]), Decimal::ZERO);
    assert_eq!(dec(&goal["forecast"]), won + t.pipeline);
    for (office, region) in [("Central", "central"), ("East", "east"), ("West", "west")] {
        let actual: Decimal = cells
            .iter()
            .filter(|cell| cell["coords"]["region"] == region)
            .map(|cell| dec(&cell["actual"]))
            .sum();
        assert_eq!(actual, t.won_by_office[office], "{office}");
    }
}

#[test]
fn calibration_equals_the_history_of_the_export() {
    let t = truth();
    let c = json(&["calibrate", PLAN, "--format", "json"]);
    let f = &c["funnels"][0];
    assert_eq!(f["name"], "crm");
    assert_eq!(f["won"].as_u64(), Some(t.won as u64));
    assert_eq!(f["lost"].as_u64(), Some(t.lost as u64));
    assert_eq!(f["closed"].as_u64(), Some((t.won + t.lost) as u64));
    let won = Decimal::from(t.won as u64);
    let closed = Decimal::from((t.won + t.lost) as u64);
    // Printed to 6 places (rates) and 2 (amounts and days).
    assert_eq!(dec(&f["win_rate"]), (won / closed).round_dp(6));
    assert_eq!(dec(&f["deal_size"]), (t.won_value / won).round_dp(2));
    assert_eq!(
        dec(&f["cycle_days"]),
        (Decimal::from(t.cycle_days) / won).round_dp(2)
    );
}
