//! `planck report`: snapshots of the text and Markdown reports of every example, every
//! number checked against `planck compile` for the same plan, the CSV table summed
//! against the targets, escaping, widths, and the command line's refusals.

// A test that panics fails loudly; helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;
use unicode_width::UnicodeWidthStr;

/// Each example, with the date it is reported as of (`None`: the plan's own).
const EXAMPLES: &[(&str, Option<&str>)] = &[
    ("examples/quickstart.plan", Some("2026-06-30")),
    ("examples/fiscal-year.plan", None),
    ("examples/east-china/plan.plan", None),
    // Cells in runs of several shapes (reps split last or before time, a time split in
    // one member's block), which the roll-ups and the tree sum a run at a time.
    ("tests/report/runs.plan", Some("2026-06-30")),
];

fn planck() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planck"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = planck().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(path: &str, as_of: Option<&str>, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["report", path, "--format", format];
    if let Some(d) = as_of {
        args.extend(["--as-of", d]);
    }
    args.extend(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{path}: {err}");
    String::from_utf8(out).unwrap()
}

fn compile(path: &str, as_of: Option<&str>) -> Value {
    let mut args = vec!["compile", path];
    if let Some(d) = as_of {
        args.extend(["--as-of", d]);
    }
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{path}: {err}");
    serde_json::from_slice(&out).unwrap()
}

fn snapshot_name(path: &str, kind: &str) -> String {
    let name = path
        .trim_start_matches("examples/")
        .trim_end_matches(".plan")
        .replace('/', "-");
    format!("{name}-{kind}")
}

#[test]
fn every_example_reports_to_its_text_and_markdown_snapshots() {
    for (path, as_of) in EXAMPLES {
        for (format, kind) in [("text", "text"), ("markdown", "markdown")] {
            let out = report(path, *as_of, format, &[]);
            insta::with_settings!({
                snapshot_path => "../report/snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(snapshot_name(path, kind), out);
            });
        }
    }
}

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().map(|s| Decimal::from_str(s).unwrap())
}

fn sum(mut values: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    values.try_fold(Decimal::ZERO, |a, b| Some(a + b?))
}

/// Whether a compile cell belongs to a report row's member on `dim`: it names the
/// member, or its rep's team is it; a cell not split on a time dimension belongs to the
/// slice that holds its period (the row's period spans its slice's cells).
fn belongs(
    cell: &Value,
    dim: &str,
    member: &Option<String>,
    row: &Value,
    teams: &HashMap<String, String>,
) -> bool {
    let coords = &cell["coords"];
    if dim == "team" {
        return coords["rep"].as_str().map(|r| teams[r].clone()) == *member;
    }
    if let Some(m) = coords[dim].as_str() {
        return Some(m) == member.as_deref();
    }
    let time = ["half", "quarter", "month", "week"].contains(&dim);
    if !time || member.is_none() {
        return member.is_none();
    }
    let inside = |a: &Value, b: &Value| {
        a["start"].as_str() >= b["start"].as_str() && a["end"].as_str() <= b["end"].as_str()
    };
    inside(&cell["period"], &row["period"])
}

/// Each entry of a decomposition tree (`path` holds the members above it, by dimension)
/// is the sum of the compile cells holding every member on its path; returns how many
/// entries were checked.
fn check_tree(splits: &Value, path: &[(String, String)], cells: &[Value], at: &str) -> usize {
    let mut checked = 0;
    for split in splits.as_array().unwrap() {
        let dim = split["dimension"].as_str().unwrap();
        for entry in split["entries"].as_array().unwrap() {
            let mut path = path.to_vec();
            path.push((dim.to_string(), entry["name"].as_str().unwrap().to_string()));
            let covered = cells.iter().filter(|cell| {
                path.iter()
                    .all(|(d, m)| cell["coords"][d.as_str()].as_str() == Some(m.as_str()))
            });
            assert_eq!(
                sum(covered.map(|c| dec(&c["value"]))),
                dec(&entry["value"]),
                "{at} tree {path:?}"
            );
            checked += 1 + check_tree(&entry["splits"], &path, cells, at);
        }
    }
    checked
}

/// Every number of the JSON report that `planck compile` also prints is equal to it:
/// goal totals and funnel, deal and per-rep figures; and each roll-up row is the sum of
/// the compile cells it covers, its rows adding up to the goal's target, as is each entry of
/// the decomposition tree.
#[test]
fn every_number_equals_planck_compile() {
    for (path, as_of) in EXAMPLES {
        let c = compile(path, *as_of);
        let r: Value = serde_json::from_str(&report(path, *as_of, "json", &[])).unwrap();
        assert_eq!(r["plan"]["as_of"], c["plan"]["as_of"], "{path}");
        let teams: HashMap<String, String> = c["teams"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| {
                t["reps"].as_array().unwrap().iter().map(move |rep| {
                    (
                        rep["name"].as_str().unwrap().to_string(),
                        t["name"].as_str().unwrap().to_string(),
                    )
                })
            })
            .collect();
        let mut checked_rows = 0;
        for (cg, rg) in c["goals"]
            .as_array()
            .unwrap()
            .iter()
            .zip(r["goals"].as_array().unwrap())
        {
            assert_eq!(cg["name"], rg["name"]);
            assert_eq!(cg["target"], rg["total"]["target"], "{path}");
            for field in [
                "actual",
                "expected_to_date",
                "attainment",
                "forecast",
                "forecast_low",
                "forecast_high",
                "coverage",
            ] {
                assert_eq!(
                    cg[field], rg["total"][field],
                    "{path} {} {field}",
                    cg["name"]
                );
            }
            if let Some(capacity) = cg.get("funnel_capacity") {
                assert_eq!(capacity, &rg["funnel"]["capacity"], "{path}");
                assert_eq!(
                    cg["entries_needed"], rg["funnel"]["entries_needed"],
                    "{path}"
                );
            }
            let cells = cg["allocations"].as_array().unwrap();
            let target = dec(&cg["target"]).unwrap();
            assert_eq!(sum(cells.iter().map(|c| dec(&c["value"]))), Some(target));
            checked_rows += check_tree(&rg["tree"], &[], cells, path);
            for rollup in rg["rollups"].as_array().unwrap() {
                let by: Vec<&str> = rollup["by"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b.as_str().unwrap())
                    .collect();
                let rows = rollup["rows"].as_array().unwrap();
                assert_eq!(
                    sum(rows.iter().map(|row| dec(&row["target"]))),
                    Some(target),
                    "{path} by {by:?}"
                );
                for row in rows {
                    let members: Vec<Option<String>> = row["members"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|m| m["name"].as_str().map(str::to_string))
                        .collect();
                    let covered: Vec<&Value> = cells
                        .iter()
                        .filter(|cell| {
                            by.iter()
                                .zip(&members)
                                .all(|(d, m)| belongs(cell, d, m, row, &teams))
                        })
                        .collect();
                    assert_eq!(
                        row["cells"].as_u64().unwrap() as usize,
                        covered.len(),
                        "{path} {by:?} {members:?}"
                    );
                    assert_eq!(
                        sum(covered.iter().map(|c| dec(&c["value"]))),
                        dec(&row["target"]),
                        "{path} {by:?} {members:?}"
                    );
                    if !row["actual"].is_null() {
                        for field in ["actual", "expected_to_date", "forecast"] {
                            assert_eq!(
                                sum(covered.iter().map(|c| dec(&c[field]))),
                                dec(&row[field]),
                                "{path} {by:?} {members:?} {field}"
                            );
                        }
                    }
                    checked_rows += 1;
                }
            }
        }
        assert!(checked_rows > 0, "{path}: no roll-up rows checked");
        for (cf, rf) in c["funnels"]
            .as_array()
            .unwrap()
            .iter()
            .zip(r["funnels"].as_array().unwrap())
        {
            for field in ["name", "win_rate", "cycle_days", "velocity", "stages"] {
                assert_eq!(cf[field], rf[field], "{path} funnel {field}");
            }
        }
        assert_eq!(c["deals"], r["pipeline"]["deals"], "{path}");
    }
}

#[test]
fn the_chinese_example_states_its_figures() {
    let r: Value =
        serde_json::from_str(&report("examples/east-china/plan.plan", None, "json", &[])).unwrap();
    let goal = &r["goals"][0];
    assert_eq!(goal["total"]["target"], "12000000");
    assert_eq!(goal["total"]["actual"], "5355000");
    assert_eq!(goal["total"]["expected_to_date"], "5400000");
    // 5,355,000 ≥ 90% × 5,400,000 = 4,860,000: on track.
    assert_eq!(goal["total"]["status"], "on_track");
    // Actuals are quarterly, the cells monthly: none fits a cell.
    assert_eq!(goal["not_in_cells"], "5355000");
    let rep = &goal["reps"][3];
    assert_eq!(rep["name"], "张可");
    assert_eq!(rep["quota"], "597142.86");
    assert_eq!(rep["capacity"], "656250");
    assert_eq!(rep["utilisation"], "0.909932");
    assert_eq!(
        r["funnels"][0]["reach"],
        serde_json::json!(["1", "0.4", "0.2", "0.1", "0.08"])
    );
    let stages = r["pipeline"]["by_stage_grade"].as_array().unwrap();
    assert_eq!(stages.len(), 4);
    assert_eq!(stages[2]["stage"], "方案");
    assert_eq!(stages[2]["weighted"], "480000");
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut field)),
                _ => field.push(c),
            }
        }
        fields.push(field);
        rows.push(fields);
    }
    rows
}

#[test]
fn csv_rows_sum_to_each_goal_target() {
    for (path, as_of) in EXAMPLES {
        let c = compile(path, *as_of);
        for by in [None, Some("quarter"), Some("team,month")] {
            let extra: Vec<&str> = by.map(|b| vec!["--by", b]).unwrap_or_default();
            let rows = parse_csv(&report(path, *as_of, "csv", &extra));
            let header = &rows[0];
            assert_eq!(header[0], "goal");
            assert_eq!(
                &header[header.len() - 6..],
                [
                    "period_start",
                    "period_end",
                    "target",
                    "actual",
                    "expected",
                    "forecast"
                ]
            );
            let target = header.len() - 4;
            assert!(rows[1..].iter().all(|r| r.len() == header.len()), "{path}");
            for goal in c["goals"].as_array().unwrap() {
                let name = goal["name"].as_str().unwrap();
                let total: Decimal = rows[1..]
                    .iter()
                    .filter(|r| r[0] == name)
                    .map(|r| Decimal::from_str(&r[target]).unwrap())
                    .sum();
                assert_eq!(total, dec(&goal["target"]).unwrap(), "{path} {name} {by:?}");
            }
            if by.is_none() {
                let cells: usize = c["goals"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g["allocations"].as_array().unwrap().len())
                    .sum();
                assert_eq!(rows.len() - 1, cells, "{path}: one row per cell");
            }
        }
    }
    let header = &parse_csv(&report("examples/fiscal-year.plan", None, "csv", &[]))[0];
    assert_eq!(
        header.join(","),
        "goal,segment,product,rep,quarter,month,period_start,period_end,target,actual,expected,forecast"
    );
}

/// A plan of 240,000 cells: 4 regions of 250 reps (some ramping up, capacities unequal),
/// 10 products and 12 months, in two goals split in different orders.
fn plan_of_a_thousand_reps() -> String {
    let mut plan = String::from(
        "plan \"分片计划\" { period 2026  currency CNY }\n\
         dimension region \"区域\" { r0 \"华东\"  r1 \"华北\"  r2 \"华南\"  r3 \"西部\" }\n\
         strategy grow \"增长\"\n\
         dimension product { p0 p1 p2 p3 p4 p5 p6 p7 p8 p9 }\n",
    );
    for region in 0..4 {
        plan.push_str(&format!("team t{region} {{\n  region r{region}\n"));
        for rep in 0..250 {
            let extra = match rep % 7 {
                0 => "  start 2026-04  ramp 50% 75%",
                3 => "  start 2026-02-10",
                _ => "",
            };
            let capacity = 1_000_000 + 37_013 * (rep % 11);
            plan.push_str(&format!(
                "  rep s{region}_{rep} {{ capacity {capacity} CNY{extra} }}\n"
            ));
        }
        plan.push_str("}\n");
    }
    // Regions first, each with its reps: a rep's values lie in one part.
    plan.push_str(
        "goal revenue \"销售额\" {\n  owner \"销售总监\"\n  target 587654321.37 CNY\n\
         baseline 500M CNY in 2025\n  supports grow\n  split region {\n\
         r0 31% { split rep by capacity }\n    r1 23% { split rep by capacity }\n\
         r2 17.5% { split rep by capacity }\n    r3 rest { split rep by capacity }\n  }\n\
         split product even\n  split month even\n}\n",
    );
    // Months first, every rep in each: a rep's values lie in every part.
    plan.push_str(
        "goal margin \"毛利\" {\n  owner \"财务\"\n  target 123456789.01 CNY\n\
         baseline 100M CNY in 2025\n  supports grow\n  split month even\n\
         split rep by capacity\n  split product even\n}\n",
    );
    plan
}

#[test]
fn a_large_csv_formatted_in_blocks_is_the_csv_of_one_thread() {
    let c = crate::common::compile(plan_of_a_thousand_reps(), planck::alloc::Detail::Cells);
    let policy = planck::config::Config::default().policy;
    let report = planck::report::model::build_flat(&c, &policy);
    // Large enough to be cut into blocks, and not a whole number of them.
    assert_eq!(report.flat_row_count(), 240_000);
    let csv = |threads: usize| {
        let mut out = Vec::new();
        planck::report::csv::write_on(&report, true, threads, &mut out).unwrap();
        out
    };
    let one = csv(1);
    assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), 240_001);
    let head = "\u{feff}goal,region,product,rep,month,period_start,period_end,target,actual,\
                expected,forecast\r\nrevenue,r0,p0,s0_0,Jan,2026-01-01,2026-01-31,0,,,\r\n\
                revenue,r0,p0,s0_1,Jan,2026-01-01,2026-01-31,7477.62,,,\r\n";
    assert!(one.starts_with(head.as_bytes()));
    for threads in [2, 3] {
        assert!(csv(threads) == one, "{threads} threads");
    }
    // Rows by groups are numbered the same way.
    let by = ["rep".to_string(), "month".to_string()];
    let by = planck::report::parse_by(&c.model, &by).unwrap();
    let grouped = planck::report::build(&c, &policy, Some(by));
    let rows = grouped.flat_row_count();
    assert_eq!(rows, 2 * 1000 * 12);
    let mut parts = Vec::new();
    for range in [0..7, 7..rows - 1, rows - 1..rows + 5] {
        grouped
            .for_each_flat_row_in(range, |row| {
                parts.push(format!("{} {:?} {}", row.goal, row.members, row.target));
                Ok::<(), ()>(())
            })
            .unwrap();
    }
    let mut all = Vec::new();
    grouped
        .for_each_flat_row(|row| {
            all.push(format!("{} {:?} {}", row.goal, row.members, row.target));
            Ok::<(), ()>(())
        })
        .unwrap();
    assert_eq!(all.len(), rows);
    assert_eq!(parts, all);
}

/// Each row of the flat table written field by field, as a reader would expect it.
fn row_written_plainly(row: &planck::report::model::FlatRow<'_>) -> String {
    let mut fields = vec![planck::report::csv::field(row.goal).into_owned()];
    fields.extend(row.members.iter().map(|m| {
        m.map_or(String::new(), |m| {
            planck::report::csv::field(m).into_owned()
        })
    }));
    match row.period {
        Some(p) => fields.extend([p.start.to_string(), p.end.to_string()]),
        None => fields.extend([String::new(), String::new()]),
    }
    let number = |v: Option<Decimal>| v.map_or(String::new(), |v| v.normalize().to_string());
    fields.extend([
        number(Some(row.target)),
        number(row.actual),
        number(row.expected),
        number(row.forecast),
    ]);
    fields.join(",") + "\r\n"
}

/// The flat table of `plan` against its rows written field by field, checking that what
/// each row says varies from the row before ([`FlatRow::varying`]) is all that does; how
/// many rows said so, by goal and column.
///
/// [`FlatRow::varying`]: planck::report::model::FlatRow::varying
fn csv_against_plain_rows(plan: String) -> HashMap<(String, usize), usize> {
    let c = crate::common::compile(plan, planck::alloc::Detail::Cells);
    let policy = planck::config::Config::default().policy;
    let report = planck::report::model::build_flat(&c, &policy);
    let mut expected = String::from("goal,");
    for name in report.column_names() {
        expected.push_str(&name);
        expected.push(',');
    }
    expected.push_str("period_start,period_end,target,actual,expected,forecast\r\n");
    let mut before: Option<(String, Vec<Option<String>>, Option<planck::period::Period>)> = None;
    let mut varying = HashMap::new();
    report
        .for_each_flat_row(|row| {
            let members: Vec<Option<String>> =
                row.members.iter().map(|m| m.map(str::to_string)).collect();
            if let Some(k) = row.varying {
                let (goal, prev, period) = before.as_ref().expect("a row before");
                assert_eq!((goal.as_str(), *period), (row.goal, row.period));
                for (i, (a, b)) in prev.iter().zip(&members).enumerate() {
                    assert!(i == k || a == b, "column {i} differs, not only {k}");
                }
                *varying.entry((row.goal.to_string(), k)).or_insert(0) += 1;
            }
            expected.push_str(&row_written_plainly(row));
            before = Some((row.goal.to_string(), members, row.period));
            Ok::<(), ()>(())
        })
        .unwrap();
    for threads in [1, 2] {
        let mut out = Vec::new();
        planck::report::csv::write_on(&report, false, threads, &mut out).unwrap();
        assert!(
            String::from_utf8(out).unwrap() == expected,
            "{threads} threads"
        );
    }
    varying
}

#[test]
fn csv_rows_in_runs_are_the_rows_written_field_by_field() {
    let varying = csv_against_plain_rows(plan_of_a_thousand_reps());
    // Revenue's runs vary by rep (column 2), margin's by product (column 1): every row
    // but the first of each run, of a region's 250 reps (480 runs) or of ten products
    // (12,000 runs).
    assert_eq!(
        varying.get(&("revenue".to_string(), 2)),
        Some(&(120_000 - 480))
    );
    assert_eq!(
        varying.get(&("margin".to_string(), 1)),
        Some(&(120_000 - 12_000))
    );
    assert_eq!(varying.len(), 2);
    // Runs whose last coordinate is a month change their dates too: no row varies in one
    // column alone.
    let months_last = "plan \"Months last\" {\n  period 2026\n  currency CNY\n}\n\
        strategy grow \"Grow\"\ndimension region {\n  east \"East\"\n  west \"West\"\n}\n\
        goal revenue \"Revenue\" {\n  owner \"CRO\"\n  target 1200000 CNY\n\
        baseline 1M CNY in 2025\n  supports grow\n  split region even\n  split month even\n}\n";
    assert!(csv_against_plain_rows(months_last.to_string()).is_empty());
    // Reps with the same target and different actuals, expectations and forecasts: a
    // row repeats the numbers of the row before only when all four are the same.
    let progress = "plan \"Progress by rep\" {\n  period 2026\n  currency CNY\n  as_of 2026-03-31\n}\n\
        strategy grow \"Grow\"\ndimension region { east \"East\"  west \"West\" }\n\
        team te {\n  region east\n  rep a { capacity 1M CNY }\n  rep b { capacity 1M CNY }\n\
        rep c { capacity 1M CNY }\n  rep d { capacity 1M CNY }\n}\n\
        goal revenue \"Revenue\" {\n  owner \"CRO\"\n  target 1200000 CNY\n\
        baseline 1M CNY in 2025\n  supports grow\n\
        split region { east 50% { split rep even }  west rest }\n  split month even\n}\n\
        actuals revenue {\n  2026-01 east a 10k\n  2026-01 east b 10k\n  2026-01 east d 5k\n\
        2026-02 east b 7k\n  2026-02 east c 7k\n  2026-03 east a 1.5k\n}\n";
    let varying = csv_against_plain_rows(progress.to_string());
    // East's four reps in each of twelve months; west's months change their dates.
    assert_eq!(varying.get(&("revenue".to_string(), 1)), Some(&(12 * 3)));
    assert_eq!(varying.len(), 1);
}

#[test]
fn csv_neutralises_formulas_and_writes_a_bom_when_asked() {
    assert_eq!(
        planck::report::csv::field("=HYPERLINK(\"x\")"),
        "\"'=HYPERLINK(\"\"x\"\")\""
    );
    assert_eq!(planck::report::csv::field("+1"), "'+1");
    assert_eq!(planck::report::csv::field("-2"), "'-2");
    assert_eq!(planck::report::csv::field("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(planck::report::csv::field("华东"), "华东");
    let (code, out, _) = run(&[
        "report",
        "examples/quickstart.plan",
        "--format",
        "csv",
        "--bom",
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(code, 0);
    assert_eq!(&out[..3], b"\xEF\xBB\xBF");
    assert!(out[3..].starts_with(b"goal,region,quarter,"));
}

#[test]
fn text_fits_100_columns_and_chinese_tables_stay_aligned() {
    for (path, as_of) in EXAMPLES {
        let text = report(path, *as_of, "text", &[]);
        for line in text.lines() {
            assert!(UnicodeWidthStr::width(line) <= 100, "{path}: {line}");
        }
        assert!(!text.contains('\u{1b}'), "no colour on a pipe");
    }
    let text = report("examples/east-china/plan.plan", None, "text", &[]);
    // The per-rep table: the team column starts at the same display column on every row.
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("per rep"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(block.len(), 11, "{block:?}");
    let starts: Vec<usize> = block
        .iter()
        .filter_map(|l| {
            let i = l
                .find("销售团队")
                .map(|i| i - "华东".len())
                .or_else(|| l.find("team"))?;
            Some(UnicodeWidthStr::width(&l[..i]))
        })
        .collect();
    assert_eq!(starts.len(), 10, "{block:?}");
    assert!(
        starts.iter().all(|s| *s == starts[0]),
        "{starts:?}\n{}",
        block.join("\n")
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const HOSTILE: &str = "plan \"p\x1b[31m<script>\" { period 2026  currency CNY  as_of 2026-06-30 }\nstrategy s \"s\"\ndimension region { east \"东 <b>|*x*|</b>\u{7}\" west \"=cmd|' /C calc'!A0\" }\ngoal g \"目标 <img src=x onerror=alert(1)>\" {\n  owner \"me\"\n  target 1M CNY\n  baseline 900k CNY in 2025\n  supports s\n  split region { east 50%  west 50% }\n}\nactuals g {\n  2026-Q1 east 100k\n}\n";

#[test]
fn text_from_the_plan_is_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", HOSTILE);
    let path = dir.path().join("p.plan");
    let path = path.to_str().unwrap();
    let text = report(path, None, "text", &[]);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("p\\u{1b}[31m<script>"), "{text}");
    let html = report(path, None, "html", &[]);
    assert!(
        !html.contains("<script") && !html.contains("<img") && !html.contains("<b>|"),
        "{html}"
    );
    assert!(
        html.contains("目标 &lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no request"
    );
    let md = report(path, None, "markdown", &[]);
    assert!(!md.contains("<img") && !md.contains("<b>"), "{md}");
    assert!(
        md.contains("东 &lt;b&gt;\\|\\*x\\*\\|&lt;/b&gt;\\u{7}"),
        "{md}"
    );
}

#[test]
fn markdown_plan_text_makes_no_link_mention_or_issue_reference() {
    let dir = tempfile::tempdir().unwrap();
    let label = "see https://evil.example/a and WWW.evil.example, ask @octocat about #123 <i>x</i>";
    write(
        dir.path(),
        "p.plan",
        &CLEAN.replace("goal g \"目标\"", &format!("goal g \"{label}\"")),
    );
    let md = report(
        dir.path().join("p.plan").to_str().unwrap(),
        None,
        "markdown",
        &[],
    );
    for raw in ["https://", "WWW.evil", "@octocat", "#123", "<i>"] {
        assert!(!md.contains(raw), "{raw} left as written:\n{md}");
    }
    assert!(
        md.contains(
            "## g — see https&#8203;://evil.example/a and WWW&#8203;.evil.example, \
             ask @&#8203;octocat about \\#&#8203;123 &lt;i&gt;x&lt;/i&gt;\n"
        ),
        "{md}"
    );
    // A `#` before anything but a digit is only escaped.
    assert_eq!(
        planck::report::markdown::escape("#east @ www"),
        "\\#east @&#8203; www"
    );
}

/// One deal of 1M at 10 %: a pipeline of 100k with a band of ± 300k.
const WIDE_BAND: &str = "plan \"p\" { period 2026  currency CNY  as_of 2026-06-30 }\nstrategy s \"s\"\ndimension region { east \"E\"  west \"W\" }\ngoal g \"G\" {\n  owner \"me\"\n  target 1M CNY\n  baseline 900k CNY in 2025\n  supports s\n  funnel f\n  split region { east 50%  west 50% }\n}\nfunnel f \"F\" {\n  deal_size 100k CNY\n  inflow 10 per month\n  stage lead \"L\" { convert 10%  dwell 10d }\n  stage won \"W\"\n}\ndeal d \"D\" { region east  stage lead  amount 1M CNY  close 2026-09-30 }\nactuals g {\n  2026-Q1 west 50k\n}\n";

#[test]
fn forecast_range_stops_at_the_actuals_in_compile_and_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", WIDE_BAND);
    let path = dir.path().join("p.plan");
    let path = path.to_str().unwrap();
    let compiled = compile(path, None);
    let goal = &compiled["goals"][0];
    // 150k − 300k would be −150k: losing the deal leaves the 50k booked.
    assert_eq!(
        (
            &goal["forecast"],
            &goal["forecast_low"],
            &goal["forecast_high"]
        ),
        (
            &Value::from("150000"),
            &Value::from("50000"),
            &Value::from("450000")
        )
    );
    let east = &goal["allocations"][0];
    assert_eq!(east["coords"]["region"], "east");
    assert_eq!(
        (&east["actual"], &east["forecast_low"]),
        (&Value::from("0"), &Value::from("0"))
    );
    let json: Value = serde_json::from_str(&report(path, None, "json", &[])).unwrap();
    let total = &json["goals"][0]["total"];
    assert_eq!(total["forecast_low"], "50000");
    let rows = &json["goals"][0]["rollups"][0]["rows"];
    assert_eq!(rows[0]["members"][0]["name"], "east");
    assert_eq!(rows[0]["forecast_low"], "0");
    let text = report(path, None, "text", &[]);
    assert!(text.contains("forecast\n150k (50k–450k)"), "{text}");
    assert!(text.contains("      100k    0–400k      0.2×"), "{text}");
}

#[test]
fn by_naming_a_dimension_twice_exits_2_with_a_help() {
    let (code, out, err) = run(&[
        "report",
        "examples/quickstart.plan",
        "--by",
        "region,quarter,region",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: `--by region,quarter,region` names `region` twice; name each dimension once: `--by region,quarter`\n"
    );
}

#[test]
fn status_follows_pace_tolerance_and_the_forecast() {
    use planck::report::model::{Status, status};
    let d = |s: &str| Some(Decimal::from_str(s).unwrap());
    let tol = Decimal::from_str("0.9").unwrap();
    assert_eq!(
        status(d("90"), d("100"), d("90"), tol),
        Some(Status::OnTrack)
    );
    assert_eq!(
        status(d("89.99"), d("100"), d("90"), tol),
        Some(Status::AtRisk)
    );
    assert_eq!(
        status(d("50"), d("100"), d("89.99"), tol),
        Some(Status::OffTrack)
    );
    assert_eq!(
        status(d("0"), d("0"), d("0"), tol),
        None,
        "nothing expected yet"
    );
    assert_eq!(status(None, d("100"), None, tol), None);
}

#[test]
fn output_file_is_written_atomically_and_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", CLEAN);
    let plan = dir.path().join("p.plan");
    let out = dir.path().join("r.html");
    let (code, stdout, err) = run(&[
        "report",
        plan.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    let (code, _, err) = run(&[
        "report",
        plan.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a file this plan reads"), "{err}");
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), CLEAN);
}

#[test]
fn output_into_a_missing_folder_says_to_create_it_for_report_and_compile() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", CLEAN);
    let plan = dir.path().join("p.plan");
    let plan = plan.to_str().unwrap();
    let out = dir.path().join("nodir").join("x.html");
    let out = out.to_str().unwrap();
    let folder = dir.path().join("nodir");
    for args in [
        vec!["report", plan, "--format", "html", "-o", out],
        vec!["compile", plan, "-o", out],
    ] {
        let (code, stdout, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(stdout.is_empty());
        assert_eq!(
            err,
            format!(
                "error: cannot write {out}: the folder `{}` does not exist; create it first, or name a file in an existing folder\n",
                folder.display()
            ),
            "{args:?}"
        );
        assert!(!folder.exists());
    }
}

const CLEAN: &str = "plan \"p\" { period 2026  currency CNY }\nstrategy s \"s\"\ngoal g \"目标\" {\n  owner \"me\"\n  target 1M CNY\n  baseline 900k CNY in 2025\n  supports s\n  split quarter even\n}\n";

#[test]
fn bad_by_exits_2_and_errors_exit_1_with_the_report() {
    let (code, _, err) = run(&["report", "examples/quickstart.plan", "--by", "regoin"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`--by regoin`: no dimension named `regoin`; did you mean `region`?"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.plan",
        &CLEAN.replace(
            "target 1M CNY",
            "target 1M CNY\n  split region { east 100% }",
        ),
    );
    let (code, out, err) = run(&["report", dir.path().join("p.plan").to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("not allocated: an error in the goal or in what its numbers depend on"),
        "{out}"
    );
    assert!(out.contains("error [unresolved-name]"), "{out}");
}

#[test]
fn smart_scorecard_names_the_failing_codes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.plan",
        "plan \"p\" { period 2026  currency CNY }\ngoal g {\n  target 1M CNY\n}\n",
    );
    let out = report(
        dir.path().join("p.plan").to_str().unwrap(),
        None,
        "json",
        &[],
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    let smart: Vec<(String, bool, Vec<String>)> = r["goals"][0]["smart"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["letter"].as_str().unwrap().to_string(),
                l["passed"].as_bool().unwrap(),
                l["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let s = |l: &str, p: bool, c: &[&str]| {
        (
            l.to_string(),
            p,
            c.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        smart,
        vec![
            s("S", false, &["missing-owner", "missing-label"]),
            s("M", true, &[]),
            s("A", false, &["missing-baseline"]),
            s("R", false, &["orphan-goal"]),
            s("T", true, &[]),
        ]
    );
}

/// The samples in `docs/report.md` are what `planck report` prints for the plan there.
#[test]
fn docs_samples_are_real_output() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.md"))
        .unwrap();
    let plan_start = doc.find("```plan").unwrap();
    let plan_body = doc[plan_start..].split_once('\n').unwrap().1;
    let plan = &plan_body[..plan_body.find("```\n").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sales.plan", plan);
    for (format, fence, lines) in [
        ("text", "text", None),
        ("markdown", "markdown", None),
        ("csv", "text", None),
        ("json", "json", Some(40)),
    ] {
        let out = planck()
            .current_dir(dir.path())
            .args(["report", "sales.plan", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let mut actual = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
        if let Some(n) = lines {
            actual = actual.lines().take(n).map(|l| format!("{l}\n")).collect();
        }
        let marker = format!("<!-- sample: {format} -->\n```{fence}\n");
        let start = doc.find(&marker).unwrap() + marker.len();
        let end = start + doc[start..].find("```\n").unwrap();
        assert_eq!(
            &doc[start..end],
            actual,
            "docs/report.md: the {format} sample"
        );
    }
}

#[test]
fn colour_only_when_asked_and_statuses_coloured() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", HOSTILE);
    let (code, plain, _) = run(&["report", dir.path().join("p.plan").to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!plain.contains(&0x1b), "no colour on a pipe");
    // The library colours when the caller says standard output is a terminal.
    let text = std::fs::read_to_string(dir.path().join("p.plan")).unwrap();
    let options = planck::resolve::load::LoadOptions {
        project_root: dir.path().to_path_buf(),
        base_dir: dir.path().to_path_buf(),
    };
    let c = planck::compile(
        &dir.path().join("p.plan"),
        text.into_bytes(),
        &planck::fs::RealFs,
        &options,
        &planck::config::Config::default(),
        &planck::RunOptions::new(planck::alloc::Detail::Cells),
    );
    let model = planck::report::build(&c, &planck::config::Config::default().policy, None);
    let coloured = planck::report::text::render(&model, true);
    // East: 100k of the 247,945.21 expected by 2026-06-30 (500k × 181/365), below 90%
    // of pace, and no deal to make up for it.
    assert!(coloured.contains("247,945.21"), "{coloured}");
    assert!(
        coloured.contains("\u{1b}[31moff track\u{1b}[0m"),
        "{coloured}"
    );
    // The plan's own escape sequence is still shown escaped.
    assert!(coloured.contains("p\\u{1b}[31m<script>"), "{coloured}");
}

/// A plan of 300 reps: charts show the 12 largest and one bar for the 288 others, long
/// tables start folded, and Markdown writes 200 rows of a table and says how many more.
#[test]
fn large_plans_are_aggregated_and_folded() {
    let mut plan = String::from(
        "plan \"p\" { period 2026  currency CNY  as_of 2026-06-30 }\nstrategy s \"s\"\ndimension region { east  west }\nteam t {\n  region east\n",
    );
    for i in 0..300 {
        plan.push_str(&format!("  rep r{i} {{ capacity {}k CNY }}\n", 100 + i));
    }
    plan.push_str("}\ngoal g \"g\" {\n  owner \"me\"\n  target 30M CNY\n  baseline 29M CNY in 2025\n  supports s\n  split region { east 100% { split rep by capacity }  west 0% }\n}\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", &plan);
    let path = dir.path().join("p.plan");
    let path = path.to_str().unwrap();
    let html = report(path, None, "html", &[]);
    let reps_chart = html
        .split("quota vs effective capacity per rep</h4>")
        .nth(1)
        .unwrap();
    let reps_chart = &reps_chart[..reps_chart.find("</svg>").unwrap()];
    assert_eq!(
        reps_chart.matches("<text").count(),
        2 * 13,
        "12 reps and the others, each with its label and value"
    );
    assert!(reps_chart.contains(">288 others</text>"), "{reps_chart}");
    // The largest quotas: the reps of the largest capacity, r299 first in plan order.
    assert!(reps_chart.contains(">r288</text>") && reps_chart.contains(">r299</text>"));
    assert!(!reps_chart.contains(">r287</text>"));
    assert!(html.contains(
        "<details><summary>per rep: quota vs effective capacity <small>(300 rows)</small></summary>"
    ));
    let md = report(path, None, "markdown", &[]);
    assert!(
        md.contains("<details><summary>per rep: quota vs effective capacity (300 rows)</summary>")
    );
    assert!(md.contains("… 100 more rows: `planck report --format csv` lists every one."));
    let text = report(path, None, "text", &[]);
    assert!(
        text.lines().any(|l| l.starts_with("r299 ")),
        "text lists every rep"
    );
}

/// The limits the report documents, on a plan of 10,000 reps: an HTML table writes at most
/// 1,000 rows and says how many more, a table of 15 rows starts open and one of 16 folded,
/// and the page stays under 200 KiB.
#[test]
fn a_ten_thousand_rep_page_is_capped_and_small() {
    let mut plan = String::from(
        "plan \"p\" { period 2026  currency CNY }\nstrategy s \"s\"\ndimension region { east  west }\n",
    );
    for t in 0..20 {
        plan.push_str(&format!(
            "team t{t} {{\n  region {}\n",
            if t % 2 == 0 { "east" } else { "west" }
        ));
        for i in 0..500 {
            plan.push_str(&format!("  rep r{t}_{i} {{ capacity {}k CNY }}\n", 100 + i));
        }
        plan.push_str("}\n");
    }
    plan.push_str("goal g \"g\" {\n  owner \"me\"\n  target 3000M CNY\n  baseline 2900M CNY in 2025\n  supports s\n  split rep by capacity\n}\n");
    // Fourteen and fifteen members: roll-up tables of 15 and 16 rows with their total.
    plan.push_str("dimension few { ");
    for i in 0..14 {
        plan.push_str(&format!("f{i} "));
    }
    plan.push_str("}\ndimension more { ");
    for i in 0..15 {
        plan.push_str(&format!("m{i} "));
    }
    plan.push_str("}\n");
    plan.push_str("goal h \"h\" {\n  owner \"me\"\n  target 14M CNY\n  baseline 13M CNY in 2025\n  supports s\n  split few even\n}\n");
    plan.push_str("goal k \"k\" {\n  owner \"me\"\n  target 15M CNY\n  baseline 14M CNY in 2025\n  supports s\n  split more even\n}\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.plan", &plan);
    let path = dir.path().join("p.plan");
    let html = report(path.to_str().unwrap(), None, "html", &[]);
    assert!(html.len() < 200 * 1024, "{} bytes", html.len());
    let reps = html
        .split(
            "<summary>per rep: quota vs effective capacity <small>(10000 rows)</small></summary>",
        )
        .nth(1)
        .unwrap();
    let reps = &reps[..reps.find("</details>").unwrap()];
    assert_eq!(
        reps.matches("<tr>").count(),
        1 + 1000,
        "the header and 1,000 rows"
    );
    assert!(reps.contains(
        "<p>… 9000 more rows: <code>planck report --format csv</code> lists every one.</p>"
    ));
    assert!(
        html.contains("<details open><summary>by few <small>(15 rows)</small></summary>"),
        "{html}"
    );
    assert!(html.contains("<details><summary>by more <small>(16 rows)</small></summary>"));
}

/// A closed deal's row says how it closed: a lost deal is never shown as won.
#[test]
fn the_deals_table_says_won_or_lost() {
    let path = format!(
        "{}/examples/imports/salesforce/plan.plan",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = report(&path, None, "text", &[]);
    let row = |deal: &str| {
        text.lines()
            .find(|l| l.starts_with(deal) && l.contains('%'))
            .unwrap_or_else(|| panic!("no row of {deal} in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        row("Foxglove").contains(" violet lost — 18k 0% 0"),
        "{}",
        row("Foxglove")
    );
    assert!(
        row("Ironwood").contains(" vicki won — 41k 100% 41k"),
        "{}",
        row("Ironwood")
    );
    assert!(!text.contains("(won)") && !text.contains("(lost)"));
}

/// An open deal whose close date has passed is marked stale in the deals table, and only
/// such a deal.
#[test]
fn the_deals_table_marks_only_the_stale_deals() {
    let path = format!("{}/examples/fiscal-year.plan", env!("CARGO_MANIFEST_DIR"));
    let text = report(&path, Some("2026-12-31"), "text", &[]);
    let close = |deal: &str| {
        let row = text
            .lines()
            .find(|l| l.starts_with(deal) && l.contains("-"))
            .unwrap_or_else(|| panic!("no row of {deal} in\n{text}"));
        // Cut to fit 100 columns, the table repeats the deal beside its close date.
        row.split("  ")
            .filter(|c| !c.is_empty())
            .last()
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(close("Northwind Health expansion"), "2026-11-14 (stale)");
    assert_eq!(close("Contoso Retail analytics"), "2026-12-19 (stale)");
    assert_eq!(close("Fabrikam services renewal"), "2027-02-27");
}
