//! The terminal report: aligned tables measured in display columns (a Chinese character
//! takes two), a tree of each goal's decomposition, colour only when asked for, and
//! every line within [`WIDTH`] columns except an unbreakable word. Text from the plan
//! has its control characters escaped.

use super::model::{Report, Status, TreeSplit};
use super::table::{self, Align, Table};
use crate::source::escape_control;
use std::borrow::Cow;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// The widest line the report writes.
pub const WIDTH: usize = 100;
/// The widest a naming column gets before it is cut short with "…".
const KEY_WIDTH: usize = 28;

struct Out {
    text: String,
    color: bool,
}

impl Out {
    fn line(&mut self, s: &str) {
        self.text.push_str(s.trim_end());
        self.text.push('\n');
    }

    fn styled(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// A bold heading, wrapped to [`WIDTH`].
    fn heading(&mut self, s: &str) {
        for line in wrapped(s, "  ") {
            let h = self.styled("1", &line);
            self.line(&h);
        }
    }
}

fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cut `s` to `max` display columns, ending in "…" when cut.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn pad(s: &str, w: usize, align: Align) -> String {
    let mut out = String::with_capacity(w.max(s.len()));
    push_padded(&mut out, s, w, align);
    out
}

/// Push `s` padded with spaces to `w` display columns.
fn push_padded(out: &mut String, s: &str, w: usize, align: Align) {
    let fill = std::iter::repeat_n(' ', w.saturating_sub(width(s)));
    match align {
        Align::Left => {
            out.push_str(s);
            out.extend(fill);
        }
        Align::Right => {
            out.extend(fill);
            out.push_str(s);
        }
    }
}

fn status_color(s: &str) -> Option<&'static str> {
    [Status::OnTrack, Status::AtRisk, Status::OffTrack]
        .into_iter()
        .find(|st| st.text() == s)
        .map(|st| match st {
            Status::OnTrack => "32",
            Status::AtRisk => "33",
            Status::OffTrack => "31",
        })
}

/// A table in blocks of columns that each fit [`WIDTH`]; the naming columns start
/// every block.
fn table(out: &mut Out, t: &Table) {
    let cells: Vec<Vec<Cow<'_, str>>> = t
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, c)| {
                    let c = escape_control(c);
                    if i < t.keys {
                        Cow::Owned(fit(&c, KEY_WIDTH))
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .chain([width(name)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let keys_width: usize = widths.iter().take(t.keys).map(|w| w + 2).sum();
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut used = keys_width;
    for i in t.keys..t.columns.len() {
        let w = widths.get(i).copied().unwrap_or(0) + 2;
        if !current.is_empty() && used + w > WIDTH + 2 {
            blocks.push(std::mem::take(&mut current));
            used = keys_width;
        }
        current.push(i);
        used += w;
    }
    if !current.is_empty() || blocks.is_empty() {
        blocks.push(current);
    }
    out.heading(&escape_control(&t.title));
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 {
            out.line("");
        }
        let shown: Vec<usize> = (0..t.keys).chain(block.iter().copied()).collect();
        let header: Vec<String> = shown
            .iter()
            .map(|&i| {
                let (name, align) = t
                    .columns
                    .get(i)
                    .cloned()
                    .unwrap_or((String::new(), Align::Left));
                pad(&name, widths.get(i).copied().unwrap_or(0), align)
            })
            .collect();
        let header = out.styled("2", &header.join("  "));
        out.line(&header);
        let rule: Vec<String> = shown
            .iter()
            .map(|&i| "─".repeat(widths.get(i).copied().unwrap_or(0)))
            .collect();
        out.line(&rule.join("  "));
        // Thousands of rows (a rep table): each is written into one reused line.
        let mut line = String::new();
        for row in &cells {
            line.clear();
            for (k, &i) in shown.iter().enumerate() {
                if k > 0 {
                    line.push_str("  ");
                }
                let align = t.columns.get(i).map_or(Align::Left, |c| c.1);
                let text = row.get(i).map_or("", |c| c.as_ref());
                let w = widths.get(i).copied().unwrap_or(0);
                let color = (out.color && t.status == Some(i))
                    .then(|| status_color(text))
                    .flatten();
                match color {
                    Some(code) => line.push_str(&out.styled(code, &pad(text, w, align))),
                    None => push_padded(&mut line, text, w, align),
                }
            }
            out.line(&line);
        }
    }
    out.line("");
}

/// One table as aligned text without colour, as the report draws its tables.
pub fn table_text(t: &Table) -> String {
    let mut out = Out {
        text: String::new(),
        color: false,
    };
    table(&mut out, t);
    out.text
}

/// The decomposition tree alone, without colour: for the Markdown and HTML reports too.
pub fn tree_text(root: &str, value: &str, splits: &[TreeSplit]) -> String {
    let mut out = Out {
        text: String::new(),
        color: false,
    };
    out.line(&format!("{}  {value}", escape_control(root)));
    tree(&mut out, splits, "");
    out.text
}

fn tree(out: &mut Out, splits: &[TreeSplit], prefix: &str) {
    for (k, s) in splits.iter().enumerate() {
        let last = k + 1 == splits.len();
        let (branch, cont) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let mut head = format!(
            "{}{}{} ({})",
            prefix,
            branch,
            escape_control(&s.dimension),
            s.how
        );
        if let Some(n) = s.reps {
            let _ = write!(head, ": {n} rep{}", if n == 1 { "" } else { "s" });
        }
        out.line(&head);
        let inner = format!("{prefix}{cont}");
        for (j, e) in s.entries.iter().enumerate() {
            let last_entry = j + 1 == s.entries.len();
            let (b, c) = if last_entry {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            let name = match &e.label {
                Some(l) if *l != e.name => format!("{} {}", e.name, l),
                _ => e.name.clone(),
            };
            let name = fit(&escape_control(&name), KEY_WIDTH);
            let share = e
                .share
                .as_deref()
                .map_or(String::new(), |s| format!("{s}  "));
            out.line(&format!(
                "{inner}{b}{name}  {share}{}",
                table::amount(Some(e.value.0))
            ));
            tree(out, &e.splits, &format!("{inner}{c}"));
        }
    }
}

/// The report as terminal text; `color` adds ANSI colours (headings, statuses).
pub fn render(report: &Report<'_>, color: bool) -> String {
    let mut out = Out {
        text: String::new(),
        color,
    };
    let plan = &report.plan;
    out.heading(&escape_control(plan.name.unwrap_or("(unnamed plan)")));
    let mut facts = Vec::new();
    if let Some(p) = plan.period {
        facts.push(format!("period {}..{}", p.0.start, p.0.end));
    }
    if let Some(c) = plan.currency {
        facts.push(format!("currency {}", escape_control(c)));
    }
    facts.push(match &plan.as_of {
        Some(d) => format!("as of {d}"),
        None => "no as-of date".to_string(),
    });
    facts.push(format!(
        "pace tolerance {}, min coverage {}",
        table::percent(Some(report.policy.pace_tolerance.0)),
        table::times(Some(report.policy.min_coverage.0))
    ));
    wrap(&mut out, &facts.join(" · "), "");
    out.line("");
    for goal in &report.goals {
        let title = match goal.label {
            Some(l) => format!("goal {} — {}", goal.name, l),
            None => format!("goal {}", goal.name),
        };
        out.heading(&escape_control(&title));
        if let Some(o) = &goal.owner {
            out.line(&format!("owner {}", escape_control(o)));
        }
        wrap(
            &mut out,
            &escape_control(&table::headline(report, goal)),
            "",
        );
        if let Some(line) = table::unplaced(goal) {
            wrap(&mut out, &escape_control(&line), "");
        }
        let mut status = format!("SMART  {}", table::smart(goal));
        if let Some(s) = goal.total.status {
            let word = out.styled(status_color(s.text()).unwrap_or("0"), s.text());
            let _ = write!(status, "   status: {word}");
        }
        out.line(&status);
        if !goal.allocated {
            out.line("not allocated: an error in the goal or in what its numbers depend on (see the diagnostics)");
            out.line("");
            continue;
        }
        out.line("");
        if !goal.tree.is_empty() {
            out.heading("decomposition");
            let value = table::amount(Some(goal.total.target.0));
            out.text.push_str(&tree_text(goal.name, &value, &goal.tree));
            out.line("");
        }
        for t in table::goal_tables(goal) {
            table(&mut out, &t);
        }
    }
    for t in table::plan_tables(report) {
        table(&mut out, &t);
    }
    if let Some(t) = table::diagnostics(report) {
        out.heading(&t.title);
        for d in &report.diagnostics {
            let head = format!(
                "{} [{}] {}:{}:{}: ",
                d.severity,
                d.code,
                escape_control(&d.file),
                d.line,
                d.column
            );
            wrap(
                &mut out,
                &format!("{head}{}", escape_control(&d.message)),
                "    ",
            );
        }
        out.line("");
    } else {
        out.line("no diagnostics");
    }
    out.text
}

/// Write `text` in lines of at most [`WIDTH`] columns, breaking at spaces; lines after
/// the first start with `indent`.
fn wrap(out: &mut Out, text: &str, indent: &str) {
    for line in wrapped(text, indent) {
        out.line(&line);
    }
}

fn wrapped(text: &str, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && width(&line) + 1 + width(word) > WIDTH {
            lines.push(std::mem::replace(&mut line, indent.to_string()));
        } else if !line.is_empty() && line != indent {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        lines.push(line);
    }
    lines
}
