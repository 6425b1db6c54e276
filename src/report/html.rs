//! The HTML report: one self-contained page. No scripts, fonts or images from anywhere
//! (a Content-Security-Policy forbids every request), so it reads the same offline;
//! print styles unfold the tables. Charts are inline SVG drawn here from the model's
//! numbers: bars of target, actual and forecast per group (the largest
//! [`BARS`] and one bar for the others), the cumulative target against actuals with the
//! forecast's range at the period's end, each funnel, quota against capacity per rep,
//! and coverage per goal. Chart geometry is in floating point: it only places pixels.
//! Every text from the plan is escaped.

use super::model::{Bar, GoalReport, Report, chart_bars, rep_bars};
use super::table::{self, Align, Table};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

/// Bars per chart before the rest are summed into "others".
pub const BARS: usize = 12;
/// Tables with more rows than this start folded.
pub const OPEN_ROWS: usize = 15;
/// Rows written per table; the CSV report has them all.
pub const MAX_ROWS: usize = 1000;

/// Text as HTML: `& < > " '` as entities, control characters other than line feeds
/// shown escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::source::is_unsafe_char(c) => crate::source::push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --target: #9aa5b1; --actual: #2f6fde; --forecast: #f0a030; --ok: #1a7f37; --risk: #b7791f; --off: #c53030; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
       margin: 0 auto; max-width: 1100px; padding: 24px; color: #1f2328; line-height: 1.45; }
h1 { margin-bottom: 4px; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 36px; }
.facts { color: #57606a; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; min-width: 130px; }
.card b { display: block; font-size: 1.3em; }
.smart span { display: inline-block; border-radius: 4px; padding: 1px 6px; margin-right: 4px; font-size: .9em; }
.pass { background: #dafbe1; } .fail { background: #ffebe9; }
.status-on { color: var(--ok); font-weight: 600; } .status-risk { color: var(--risk); font-weight: 600; }
.status-off { color: var(--off); font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: .92em; }
th, td { border-bottom: 1px solid #eaeef2; padding: 3px 10px; }
th { text-align: left; background: #f6f8fa; } td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; }
summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
svg { display: block; margin: 8px 0 16px; max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #1f2328; }
.legend span { margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
@media print { body { max-width: none; padding: 0; } details > * { display: block; } summary { list-style: none; }
  h2 { break-before: auto; } svg, table { break-inside: avoid; } }
"#;

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn status_class(s: &str) -> Option<&'static str> {
    match s {
        "on track" => Some("status-on"),
        "at risk" => Some("status-risk"),
        "off track" => Some("status-off"),
        _ => None,
    }
}

fn table(out: &mut String, t: &Table) {
    let open = if t.rows.len() > OPEN_ROWS {
        ""
    } else {
        " open"
    };
    let _ = write!(
        out,
        "<details{open}><summary>{} <small>({} rows)</small></summary>\n<table><thead><tr>",
        escape(&t.title),
        t.rows.len()
    );
    for (name, align) in &t.columns {
        let class = if *align == Align::Right {
            " class=\"r\""
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{}</th>", escape(name));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in t.rows.iter().take(MAX_ROWS) {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let right = t.columns.get(i).is_some_and(|c| c.1 == Align::Right);
            let class = match (t.status == Some(i), status_class(cell)) {
                (true, Some(c)) => format!(" class=\"{c}\""),
                _ if right => " class=\"r\"".to_string(),
                _ => String::new(),
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    if t.rows.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "<p>… {} more rows: <code>planck report --format csv</code> lists every one.</p>",
            t.rows.len() - MAX_ROWS
        );
    }
    out.push_str("</details>\n");
}

fn legend(out: &mut String, items: &[(&str, &str)]) {
    out.push_str("<div class=\"legend\">");
    for (color, name) in items.iter().filter(|(_, name)| !name.is_empty()) {
        let _ = write!(
            out,
            "<span><i style=\"background:{color}\"></i>{name}</span>"
        );
    }
    out.push_str("</div>\n");
}

/// Grouped horizontal bars: target, actual and forecast (when known) per bar.
fn bars_chart(out: &mut String, title: &str, bars: &[Bar], names: [&str; 3]) {
    if bars.is_empty() {
        return;
    }
    // The scale is that of the groups shown one by one; the bar of the others, which may
    // sum thousands of them, is cut at the edge (its value is written beside it).
    let scaled = bars.iter().filter(|b| b.others == 0 || bars.len() == 1);
    let max = scaled
        .flat_map(|b| [Some(b.target), b.actual, b.forecast])
        .flatten()
        .map(num)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let label_w = 170.0;
    let plot_w = 560.0;
    let row_h = 34.0;
    let height = row_h * bars.len() as f64 + 10.0;
    let _ = writeln!(out, "<h4>{}</h4>", escape(title));
    legend(
        out,
        &[
            ("var(--target)", names[0]),
            ("var(--actual)", names[1]),
            ("var(--forecast)", names[2]),
        ],
    );
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {w} {height}\" width=\"{w}\" role=\"img\" aria-label=\"{t}\">",
        w = label_w + plot_w + 140.0,
        t = escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let label = escape(&b.label);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            label_w - 6.0,
            y + 17.0
        );
        let series = [
            (Some(b.target), "var(--target)"),
            (b.actual, "var(--actual)"),
            (b.forecast, "var(--forecast)"),
        ];
        for (k, (v, color)) in series.iter().enumerate() {
            let Some(v) = v else {
                continue;
            };
            let w = (num(*v).max(0.0) / max * plot_w).clamp(0.5, plot_w);
            let _ = writeln!(
                out,
                "<rect x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"9\" fill=\"{color}\"><title>{label}: {}</title></rect>",
                y + k as f64 * 10.0,
                table::full_amount(*v)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w + plot_w + 4.0,
            y + 13.0,
            escape(&crate::fmt_num::amount(b.target))
        );
    }
    out.push_str("</svg>\n");
}

/// The cumulative target through the period, actuals to `as_of`, and the forecast's
/// range at the period's end.
fn timeline_chart(out: &mut String, report: &Report<'_>, goal: &GoalReport<'_>) {
    let (Some(period), Some(last)) = (goal.period, goal.timeline.last()) else {
        return;
    };
    let (start, end) = (period.0.start, period.0.end);
    let days = (end - start).num_days().max(1) as f64;
    let t = &goal.total;
    let top = [Some(last.target.0), t.high(), t.actual()]
        .into_iter()
        .flatten()
        .map(num)
        .fold(1.0_f64, f64::max);
    let (w, h, left, bottom) = (720.0, 260.0, 70.0, 230.0);
    let x = |date: chrono::NaiveDate| {
        left + (date - start).num_days() as f64 / days * (w - left - 20.0)
    };
    let y = |v: f64| bottom - v / top * (bottom - 20.0);
    out.push_str("<h4>cumulative target, actuals and forecast</h4>\n");
    let progress = t.actual().is_some();
    legend(
        out,
        &[
            ("var(--target)", "target (cumulative)"),
            ("var(--actual)", if progress { "actual" } else { "" }),
            (
                "var(--forecast)",
                if progress { "forecast range" } else { "" },
            ),
        ],
    );
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" role=\"img\" aria-label=\"cumulative target and actuals\">"
    );
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#888\"/><line x1=\"{left}\" y1=\"20\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"#888\"/>",
        w - 20.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        left - 4.0,
        y(top) + 4.0,
        escape(&crate::fmt_num::amount(
            Decimal::from_f64_retain(top).unwrap_or_default().round()
        )),
        left - 4.0,
        bottom
    );
    let mut plan = format!("{:.1},{:.1}", x(start), y(0.0));
    for p in &goal.timeline {
        let Ok(date) = chrono::NaiveDate::parse_from_str(&p.date, "%Y-%m-%d") else {
            continue;
        };
        let _ = write!(plan, " {:.1},{:.1}", x(date), y(num(p.target.0)));
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(date),
            bottom + 14.0,
            escape(&p.slice)
        );
    }
    let _ = writeln!(
        out,
        "<polyline points=\"{plan}\" fill=\"none\" stroke=\"var(--target)\" stroke-width=\"2\"/>"
    );
    let as_of = report
        .plan
        .as_of
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| d.clamp(start, end));
    if let (Some(as_of), Some(actual)) = (as_of, t.actual()) {
        // Cumulative actuals by slice where every actual fits a cell, else one segment.
        let mut line = format!("{:.1},{:.1}", x(start), y(0.0));
        for p in &goal.timeline {
            if let (Some(a), Ok(date)) = (
                p.actual,
                chrono::NaiveDate::parse_from_str(&p.date, "%Y-%m-%d"),
            ) {
                let _ = write!(line, " {:.1},{:.1}", x(date), y(num(a.0)));
            }
        }
        let _ = write!(line, " {:.1},{:.1}", x(as_of), y(num(actual)));
        let _ = writeln!(
            out,
            "<polyline points=\"{line}\" fill=\"none\" stroke=\"var(--actual)\" stroke-width=\"2.5\"/>"
        );
        if let Some(e) = t.expected() {
            let _ = writeln!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"none\" stroke=\"#555\"><title>expected to date: {}</title></circle>",
                x(as_of),
                y(num(e)),
                table::full_amount(e)
            );
        }
        if let (Some(low), Some(high), Some(f)) = (t.low(), t.high(), t.forecast()) {
            let _ = writeln!(
                out,
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"var(--forecast)\" fill-opacity=\"0.3\"/>",
                x(as_of),
                y(num(actual)),
                x(end),
                y(num(high)),
                x(end),
                y(num(low))
            );
            let _ = writeln!(
                out,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"var(--forecast)\" stroke-dasharray=\"4 3\" stroke-width=\"2\"><title>forecast: {}</title></line>",
                x(as_of),
                y(num(actual)),
                x(end),
                y(num(f)),
                table::full_amount(f)
            );
        }
    }
    out.push_str("</svg>\n");
}

/// Each stage as a centred bar as wide as the share of entries reaching it.
fn funnel_chart(out: &mut String, f: &super::model::FunnelReport<'_>) {
    let stages = &f.funnel.stages;
    if stages.is_empty() {
        return;
    }
    let (w, row_h) = (640.0, 30.0);
    let h = row_h * stages.len() as f64 + 6.0;
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" role=\"img\" aria-label=\"funnel\">"
    );
    for (i, (s, reach)) in stages.iter().zip(&f.reach).enumerate() {
        let share = reach.map_or(0.0, |r| num(r.0)).clamp(0.0, 1.0);
        let bar = (share * 400.0).max(2.0);
        let y = i as f64 * row_h + 3.0;
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"24\" fill=\"var(--actual)\" fill-opacity=\"{:.2}\"/>",
            20.0 + (400.0 - bar) / 2.0,
            0.35 + 0.65 * (1.0 - i as f64 / stages.len() as f64)
        );
        let _ = writeln!(
            out,
            "<text x=\"430\" y=\"{:.1}\">{} · reach {} · win {}</text>",
            y + 16.0,
            escape(s.label.unwrap_or(s.name)),
            table::percent(reach.map(|r| r.0)),
            table::percent(s.probability.map(|p| p.0))
        );
    }
    out.push_str("</svg>\n");
}

/// Coverage of each goal with progress, against the policy's minimum.
fn coverage_chart(out: &mut String, report: &Report<'_>) {
    let goals: Vec<(&GoalReport<'_>, Decimal)> = report
        .goals
        .iter()
        .filter_map(|g| Some((g, g.total.coverage()?)))
        .collect();
    if goals.is_empty() {
        return;
    }
    let min = num(report.policy.min_coverage.0);
    let top = goals
        .iter()
        .map(|(_, c)| num(*c))
        .fold(min, f64::max)
        .max(0.01);
    let (label_w, plot_w, row_h) = (170.0, 480.0, 26.0);
    let h = row_h * goals.len() as f64 + 24.0;
    out.push_str("<h3>Coverage</h3>\n");
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {} {h}\" width=\"{}\" role=\"img\" aria-label=\"coverage\">",
        label_w + plot_w + 80.0,
        label_w + plot_w + 80.0
    );
    for (i, (g, c)) in goals.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"16\" fill=\"var(--forecast)\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w - 6.0,
            y + 12.0,
            escape(g.label.unwrap_or(g.name)),
            (num(*c) / top * plot_w).max(0.5),
            label_w + plot_w + 6.0,
            y + 12.0,
            table::times(Some(*c))
        );
    }
    let mx = label_w + min / top * plot_w;
    let _ = writeln!(
        out,
        "<line x1=\"{mx:.1}\" y1=\"0\" x2=\"{mx:.1}\" y2=\"{:.1}\" stroke=\"var(--off)\" stroke-dasharray=\"4 3\"/><text x=\"{mx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">policy minimum {}</text>",
        h - 18.0,
        h - 4.0,
        table::times(Some(report.policy.min_coverage.0))
    );
    out.push_str("</svg>\n");
}

fn card(out: &mut String, name: &str, value: &str) {
    let _ = write!(
        out,
        "<div class=\"card\">{}<b>{}</b></div>",
        escape(name),
        escape(value)
    );
}

fn goal_section(out: &mut String, report: &Report<'_>, goal: &GoalReport<'_>) {
    let _ = match goal.label {
        Some(l) => writeln!(
            out,
            "<h2>{} <small>{}</small></h2>",
            escape(l),
            escape(goal.name)
        ),
        None => writeln!(out, "<h2>{}</h2>", escape(goal.name)),
    };
    if let Some(o) = &goal.owner {
        let _ = writeln!(out, "<p class=\"facts\">owner {}</p>", escape(o));
    }
    let t = &goal.total;
    out.push_str("<div class=\"cards\">");
    card(
        out,
        "target",
        &format!("{} {}", table::full_amount(t.target.0), goal.unit),
    );
    if t.progress.is_some() {
        card(out, "actual", &table::amount(t.actual()));
        card(out, "expected to date", &table::amount(t.expected()));
        card(out, "attainment", &table::percent(t.attainment()));
        card(out, "forecast", &table::amount(t.forecast()));
        card(out, "coverage", &table::times(t.coverage()));
        if let Some(s) = t.status {
            card(out, "status", s.text());
        }
    }
    if let Some(f) = &goal.funnel {
        if let Some(c) = f.capacity {
            card(out, "funnel capacity", &table::amount(Some(c.0)));
        }
        if let Some(e) = f.entries_needed {
            card(out, "entries needed", &e.0.normalize().to_string());
        }
    }
    out.push_str("</div>\n");
    if let Some(line) = table::unplaced(goal) {
        let _ = writeln!(out, "<p class=\"facts\">{}</p>", escape(&line));
    }
    out.push_str("<p class=\"smart\">SMART ");
    for l in &goal.smart {
        let (class, text) = if l.passed {
            ("pass", format!("{} ✓", l.letter))
        } else {
            ("fail", format!("{} ✗ {}", l.letter, l.codes.join(", ")))
        };
        let _ = write!(out, "<span class=\"{class}\">{}</span>", escape(&text));
    }
    out.push_str("</p>\n");
    if !goal.allocated {
        out.push_str("<p>Not allocated: the goal has errors (see the diagnostics).</p>\n");
        return;
    }
    let has_progress = t.progress.is_some();
    for r in &goal.rollups {
        let time =
            r.by.iter()
                .all(|b| matches!(b.as_str(), "half" | "quarter" | "month" | "week"));
        if time {
            continue;
        }
        let names = if has_progress {
            ["target", "actual", "forecast"]
        } else {
            ["target", "", ""]
        };
        bars_chart(
            out,
            &format!("target vs actual vs forecast by {}", r.by.join(" × ")),
            &chart_bars(&r.rows, BARS),
            names,
        );
    }
    timeline_chart(out, report, goal);
    if !goal.reps.is_empty() {
        bars_chart(
            out,
            "quota vs effective capacity per rep",
            &rep_bars(&goal.reps, BARS),
            ["quota", "capacity", ""],
        );
    }
    if !goal.tree.is_empty() {
        let value = table::amount(Some(t.target.0));
        let tree = super::text::tree_text(goal.name, &value, &goal.tree);
        let _ = writeln!(
            out,
            "<details><summary>decomposition</summary><pre>{}</pre></details>",
            escape(&tree)
        );
    }
    for tb in table::rollups(goal) {
        table(out, &tb);
    }
    if let Some(tb) = table::reps(goal) {
        table(out, &tb);
    }
}

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = report.plan.name.unwrap_or("plan report");
    // Chinese text picks Chinese fonts and pronunciation; a plan named in Chinese is
    // taken to be written in it.
    let chinese = title
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let lang = if chinese { "zh-CN" } else { "en" };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(title));
    let plan = &report.plan;
    let mut facts = Vec::new();
    if let Some(p) = plan.period {
        facts.push(format!("period {} – {}", p.0.start, p.0.end));
    }
    if let Some(c) = plan.currency {
        facts.push(format!("amounts in {c}"));
    }
    facts.push(match &plan.as_of {
        Some(d) => format!("as of {d}"),
        None => "no as-of date".to_string(),
    });
    facts.push(format!(
        "{} error(s), {} warning(s)",
        report.summary.errors, report.summary.warnings
    ));
    let _ = writeln!(out, "<p class=\"facts\">{}</p>", escape(&facts.join(" · ")));
    coverage_chart(&mut out, report);
    for goal in &report.goals {
        goal_section(&mut out, report, goal);
    }
    if !report.funnels.is_empty() {
        out.push_str("<h2>Funnels</h2>\n");
    }
    for (f, t) in report.funnels.iter().zip(table::funnels(report)) {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&t.title));
        funnel_chart(&mut out, f);
        table(&mut out, &t);
    }
    let pipeline = table::pipeline(report);
    if !pipeline.is_empty() {
        out.push_str("<h2>Pipeline</h2>\n");
        for t in &pipeline {
            table(&mut out, t);
        }
    }
    out.push_str("<h2>Diagnostics</h2>\n");
    match table::diagnostics(report) {
        Some(t) => table(&mut out, &t),
        None => out.push_str("<p>No diagnostics.</p>\n"),
    }
    out.push_str("</body>\n</html>\n");
    out
}
