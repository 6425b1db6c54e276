//! The report's tables as rows of text, shared by the text, Markdown and HTML back ends:
//! which columns each section has and how each number is written (exact amounts with
//! thousands separators or the plan's own short notation, ratios as percentages).

use super::model::{Figures, GoalReport, Report, Row, Status};
use crate::emit::compile::Dec;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub title: String,
    pub columns: Vec<(String, Align)>,
    /// Leading columns that name the row (repeated when a table is cut to fit a width).
    pub keys: usize,
    pub rows: Vec<Vec<String>>,
    /// The column holding a status word, for colour.
    pub status: Option<usize>,
}

/// An amount as the plan writes it: "4.8M", "1,234,567.89"; "—" when unknown.
pub fn amount(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_string(), crate::fmt_num::amount)
}

/// An amount with thousands separators, never abbreviated: "12,000,000".
pub fn full_amount(value: Decimal) -> String {
    crate::fmt_num::group_thousands(&value.normalize().to_string())
}

/// A ratio as a percentage with one decimal: 0.461875 → "46.2%"; "—" when unknown.
pub fn percent(ratio: Option<Decimal>) -> String {
    match ratio.and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED)) {
        Some(p) => format!("{}%", p.round_dp(1).normalize()),
        None => "—".to_string(),
    }
}

/// A coverage ratio: 0.4213 → "0.42×".
pub fn times(ratio: Option<Decimal>) -> String {
    ratio.map_or_else(
        || "—".to_string(),
        |r| format!("{}×", r.round_dp(2).normalize()),
    )
}

pub fn status(s: Option<Status>) -> String {
    s.map_or_else(|| "—".to_string(), |s| s.text().to_string())
}

fn dec(d: Option<Dec>) -> Option<Decimal> {
    d.map(|d| d.0)
}

/// The forecast's range: "4.1M–5.2M".
fn range(f: &Figures) -> String {
    match (f.low(), f.high()) {
        (Some(l), Some(h)) => format!(
            "{}–{}",
            crate::fmt_num::amount(l),
            crate::fmt_num::amount(h)
        ),
        _ => "—".to_string(),
    }
}

const FIGURE_COLUMNS: [(&str, Align); 8] = [
    ("target", Align::Right),
    ("actual", Align::Right),
    ("expected", Align::Right),
    ("attain.", Align::Right),
    ("forecast", Align::Right),
    ("range", Align::Right),
    ("coverage", Align::Right),
    ("status", Align::Left),
];

fn figure_cells(f: &Figures) -> Vec<String> {
    vec![
        amount(Some(f.target.0)),
        amount(f.actual()),
        amount(f.expected()),
        percent(f.attainment()),
        amount(f.forecast()),
        range(f),
        times(f.coverage()),
        status(f.status),
    ]
}

fn row_cells(row: &Row) -> Vec<String> {
    let mut cells: Vec<String> = row.members.iter().map(|m| m.shown().to_string()).collect();
    cells.extend(figure_cells(&row.figures));
    cells
}

/// The goal's roll-up tables: one per grouping, with the goal's total and the actuals
/// that fit no cell as the last rows.
pub fn rollups(goal: &GoalReport<'_>) -> Vec<Table> {
    let progress = goal.total.progress.is_some();
    goal.rollups
        .iter()
        .map(|r| {
            let keys = r.by.len();
            let mut columns: Vec<(String, Align)> =
                r.by.iter().map(|b| (b.clone(), Align::Left)).collect();
            let figures = if progress { 8 } else { 1 };
            columns.extend(
                FIGURE_COLUMNS
                    .iter()
                    .take(figures)
                    .map(|(n, a)| (n.to_string(), *a)),
            );
            let mut rows: Vec<Vec<String>> = r
                .rows
                .iter()
                .map(|row| row_cells(row).into_iter().take(keys + figures).collect())
                .collect();
            if let Some(stray) = goal.not_in_cells.filter(|d| !d.0.is_zero()) {
                let mut line = vec!["(fits no cell)".to_string()];
                line.extend((1..keys).map(|_| String::new()));
                line.push(String::new());
                line.push(amount(Some(stray.0)));
                line.extend((2..figures).map(|_| String::new()));
                rows.push(line);
            }
            let mut total = vec!["total".to_string()];
            total.extend((1..keys).map(|_| String::new()));
            total.extend(figure_cells(&goal.total).into_iter().take(figures));
            rows.push(total);
            Table {
                title: format!("by {}", r.by.join(" × ")),
                columns,
                keys,
                rows,
                status: progress.then_some(keys + 7),
            }
        })
        .collect()
}

/// A goal's tables: its roll-ups, then its reps.
pub fn goal_tables(goal: &GoalReport<'_>) -> Vec<Table> {
    let mut out = rollups(goal);
    out.extend(reps(goal));
    out
}

/// The plan's tables after the goals: funnels, then the pipeline.
pub fn plan_tables(report: &Report<'_>) -> Vec<Table> {
    let mut out = funnels(report);
    out.extend(pipeline(report));
    out
}

pub fn reps(goal: &GoalReport<'_>) -> Option<Table> {
    if goal.reps.is_empty() {
        return None;
    }
    let columns = [
        ("rep", Align::Left),
        ("team", Align::Left),
        ("quota", Align::Right),
        ("capacity", Align::Right),
        ("utilisation", Align::Right),
        ("actual", Align::Right),
        ("pipeline", Align::Right),
    ];
    Some(Table {
        title: "per rep: quota vs effective capacity".into(),
        columns: columns.iter().map(|(n, a)| (n.to_string(), *a)).collect(),
        keys: 1,
        rows: goal
            .reps
            .iter()
            .map(|r| {
                vec![
                    r.label.clone().unwrap_or_else(|| r.name.clone()),
                    r.team_label
                        .clone()
                        .or_else(|| r.team.clone())
                        .unwrap_or_default(),
                    amount(Some(r.quota.0)),
                    amount(dec(r.capacity)),
                    percent(dec(r.utilisation)),
                    amount(dec(r.actual)),
                    amount(dec(r.pipeline)),
                ]
            })
            .collect(),
        status: None,
    })
}

pub fn funnels(report: &Report<'_>) -> Vec<Table> {
    report
        .funnels
        .iter()
        .map(|f| {
            let o = &f.funnel;
            let mut title = format!("funnel {}", o.label.unwrap_or(o.name));
            title.push_str(&format!(
                ": win rate {}, cycle {}",
                percent(dec(o.win_rate)),
                o.cycle_days
                    .map_or_else(|| "—".to_string(), |d| format!("{d} days"))
            ));
            if let Some(v) = o.velocity {
                title.push_str(&format!(", velocity {} per day", amount(Some(v.0))));
            }
            // What the funnel means for each goal it feeds.
            for g in &report.goals {
                let Some(gf) = g.funnel.as_ref().filter(|gf| gf.name == o.name) else {
                    continue;
                };
                title.push_str(&format!(
                    "; for {}: capacity {}, entries needed {}",
                    g.name,
                    amount(dec(gf.capacity)),
                    gf.entries_needed
                        .map_or_else(|| "—".to_string(), |e| e.0.normalize().to_string())
                ));
            }
            let columns = [
                ("stage", Align::Left),
                ("convert", Align::Right),
                ("reach", Align::Right),
                ("probability", Align::Right),
                ("dwell", Align::Right),
            ];
            Table {
                title,
                columns: columns.iter().map(|(n, a)| (n.to_string(), *a)).collect(),
                keys: 1,
                rows: o
                    .stages
                    .iter()
                    .zip(&f.reach)
                    .map(|(s, reach)| {
                        vec![
                            s.label.unwrap_or(s.name).to_string(),
                            percent(dec(s.convert)),
                            percent(dec(*reach)),
                            percent(dec(s.probability)),
                            s.dwell_days.map_or_else(
                                || "—".to_string(),
                                |d| format!("{} d", d.0.round_dp(1).normalize()),
                            ),
                        ]
                    })
                    .collect(),
                status: None,
            }
        })
        .collect()
}

pub fn pipeline(report: &Report<'_>) -> Vec<Table> {
    let p = &report.pipeline;
    let mut out = Vec::new();
    if !p.by_stage_grade.is_empty() {
        let columns = [
            ("funnel", Align::Left),
            ("stage", Align::Left),
            ("grade", Align::Left),
            ("deals", Align::Right),
            ("amount", Align::Right),
            ("weighted", Align::Right),
        ];
        out.push(Table {
            title: "open pipeline by stage and grade".into(),
            columns: columns.iter().map(|(n, a)| (n.to_string(), *a)).collect(),
            keys: 3,
            rows: p
                .by_stage_grade
                .iter()
                .map(|r| {
                    vec![
                        r.funnel.clone().unwrap_or_default(),
                        r.stage.clone().unwrap_or_default(),
                        r.grade.clone().unwrap_or_else(|| "—".into()),
                        r.deals.to_string(),
                        format!(
                            "{} {}",
                            amount(Some(r.amount.0)),
                            r.unit.as_deref().unwrap_or("")
                        )
                        .trim_end()
                        .to_string(),
                        amount(dec(r.weighted)),
                    ]
                })
                .collect(),
            status: None,
        });
    }
    if !p.deals.is_empty() {
        // A set, not the list: a large import has many deals and many stale ones.
        let stale: crate::hash::Set<&str> = p.stale.iter().copied().collect();
        let columns = [
            ("deal", Align::Left),
            ("owner", Align::Left),
            ("stage", Align::Left),
            ("grade", Align::Left),
            ("amount", Align::Right),
            ("probability", Align::Right),
            ("weighted", Align::Right),
            ("close", Align::Left),
        ];
        out.push(Table {
            title: "deals".into(),
            columns: columns.iter().map(|(n, a)| (n.to_string(), *a)).collect(),
            keys: 1,
            rows: p
                .deals
                .iter()
                .map(|d| {
                    let stale = stale.contains(d.name);
                    vec![
                        d.label.unwrap_or(d.name).to_string(),
                        d.owner.unwrap_or("").to_string(),
                        match d.stage {
                            // A closed deal says how it closed, unless its stage says so.
                            Some(stage) if !d.open && stage != d.state => {
                                format!("{stage} ({})", d.state)
                            }
                            stage => stage.unwrap_or("").to_string(),
                        },
                        d.grade.unwrap_or("—").to_string(),
                        amount(dec(d.amount)),
                        percent(dec(d.probability)),
                        amount(dec(d.weighted)),
                        match (&d.close, stale) {
                            (Some(c), true) => format!("{c} (stale)"),
                            (Some(c), false) => c.clone(),
                            (None, _) => "—".to_string(),
                        },
                    ]
                })
                .collect(),
            status: None,
        });
    }
    out
}

pub fn diagnostics(report: &Report<'_>) -> Option<Table> {
    if report.diagnostics.is_empty() {
        return None;
    }
    let columns = [
        ("severity", Align::Left),
        ("code", Align::Left),
        ("where", Align::Left),
        ("message", Align::Left),
    ];
    Some(Table {
        title: format!(
            "diagnostics: {} error{}, {} warning{}",
            report.summary.errors,
            if report.summary.errors == 1 { "" } else { "s" },
            report.summary.warnings,
            if report.summary.warnings == 1 {
                ""
            } else {
                "s"
            }
        ),
        columns: columns.iter().map(|(n, a)| (n.to_string(), *a)).collect(),
        keys: 1,
        rows: report
            .diagnostics
            .iter()
            .map(|d| {
                vec![
                    d.severity.to_string(),
                    d.code.to_string(),
                    format!("{}:{}:{}", d.file, d.line, d.column),
                    d.message.clone(),
                ]
            })
            .collect(),
        status: None,
    })
}

/// The SMART scorecard of a goal: "S ✓  M ✓  A ✗ missing-baseline  R ✓  T ✓".
pub fn smart(goal: &GoalReport<'_>) -> String {
    goal.smart
        .iter()
        .map(|l| {
            if l.passed {
                format!("{} ✓", l.letter)
            } else {
                format!("{} ✗ {}", l.letter, l.codes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("  ")
}

/// The goal's one-line summary of its key figures.
/// The parts of a goal's actual and weighted pipeline that fit no cell, as one line;
/// `None` when both are zero (or unknown).
pub fn unplaced(goal: &GoalReport<'_>) -> Option<String> {
    let parts: Vec<String> = [
        ("actual", goal.unplaced_actual),
        ("weighted pipeline", goal.unplaced_pipeline),
    ]
    .into_iter()
    .filter_map(|(what, v)| {
        let v = v.filter(|v| !v.0.is_zero())?;
        Some(format!("{what} {}", amount(Some(v.0))))
    })
    .collect();
    (!parts.is_empty()).then(|| format!("fits no cell: {}", parts.join(" · ")))
}

pub fn headline(report: &Report<'_>, goal: &GoalReport<'_>) -> String {
    let t = &goal.total;
    let mut parts = vec![format!("target {} {}", full_amount(t.target.0), goal.unit)];
    if let Some(b) = goal.baseline {
        parts.push(format!("baseline {}", amount(Some(b.0))));
    }
    if t.progress.is_some() {
        parts.push(format!("actual {}", amount(t.actual())));
        parts.push(format!("expected {}", amount(t.expected())));
        parts.push(format!("attainment {}", percent(t.attainment())));
        parts.push(format!("forecast {} ({})", amount(t.forecast()), range(t)));
        parts.push(format!("coverage {}", times(t.coverage())));
    }
    if let Some(f) = &goal.funnel {
        if let Some(c) = f.capacity {
            parts.push(format!("funnel capacity {}", amount(Some(c.0))));
        }
        if let Some(e) = f.entries_needed {
            parts.push(format!("entries needed {}", e.0.normalize()));
        }
    }
    let _ = report;
    parts.join(" · ")
}
