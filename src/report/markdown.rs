//! The Markdown report (GitHub-flavoured), for a pull-request comment: tables longer
//! than [`OPEN_ROWS`] rows are folded in `<details>`, and at most [`MAX_ROWS`] rows of a
//! table are written (the CSV report has them all). Text from the plan is escaped, so a
//! label can neither format nor inject HTML.

use super::model::Report;
use super::table::{self, Align, Table};
use std::fmt::Write;

/// Tables with more rows than this are folded.
pub const OPEN_ROWS: usize = 12;
/// Rows written per table.
pub const MAX_ROWS: usize = 200;

/// An invisible zero-width space, as an entity: put inside `@name`, `#123`, `https://`
/// and `www.`, it keeps GitHub from turning plan text into a mention, a reference to an
/// issue or a link, while the text reads the same.
const BREAK: &str = "&#8203;";

/// Text from the plan as inline Markdown: HTML characters as entities, Markdown
/// punctuation escaped, control characters and line breaks shown escaped, and mentions
/// (`@name`), issue references (`#123`) and bare links (`https://…`, `www.…`) broken
/// by an invisible space, so a label can neither format, nor notify anyone, nor link.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => {
                out.push('@');
                out.push_str(BREAK);
            }
            '#' => {
                out.push_str("\\#");
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    out.push_str(BREAK);
                }
            }
            // `scheme://` and `www.` : the break goes before the `:` or the dot.
            ':' if text.get(i + 1..).is_some_and(|rest| rest.starts_with("//")) => {
                out.push_str(BREAK);
                out.push(':');
            }
            '.' if text.get(..i).is_some_and(|before| {
                before
                    .get(before.len().saturating_sub(3)..)
                    .is_some_and(|w| w.eq_ignore_ascii_case("www"))
            }) =>
            {
                out.push_str(BREAK);
                out.push('.');
            }
            // Plan text never starts a line (it follows a heading's `#`, a table's `|`,
            // a word), so only inline punctuation is escaped.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::source::is_unsafe_char(c) => crate::source::push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let fold = t.rows.len() > OPEN_ROWS;
    if fold {
        let _ = writeln!(
            out,
            "<details><summary>{} ({} rows)</summary>\n",
            escape(&t.title),
            t.rows.len()
        );
    } else {
        let _ = writeln!(out, "**{}**\n", escape(&t.title));
    }
    let header: Vec<String> = t.columns.iter().map(|(n, _)| escape(n)).collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let rule: Vec<&str> = t
        .columns
        .iter()
        .map(|(_, a)| match a {
            Align::Left => ":--",
            Align::Right => "--:",
        })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in t.rows.iter().take(MAX_ROWS) {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if t.rows.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n… {} more rows: `planck report --format csv` lists every one.",
            t.rows.len() - MAX_ROWS
        );
    }
    if fold {
        out.push_str("\n</details>\n");
    }
    out.push('\n');
}

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    let plan = &report.plan;
    let _ = writeln!(out, "# {}\n", escape(plan.name.unwrap_or("(unnamed plan)")));
    let mut facts = Vec::new();
    if let Some(p) = plan.period {
        facts.push(format!("period {}..{}", p.0.start, p.0.end));
    }
    if let Some(c) = plan.currency {
        facts.push(format!("currency {}", escape(c)));
    }
    facts.push(match &plan.as_of {
        Some(d) => format!("as of {d}"),
        None => "no as-of date".to_string(),
    });
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    for goal in &report.goals {
        let _ = match goal.label {
            Some(l) => writeln!(out, "## {} — {}\n", escape(goal.name), escape(l)),
            None => writeln!(out, "## {}\n", escape(goal.name)),
        };
        if let Some(o) = &goal.owner {
            let _ = writeln!(out, "Owner: {}\n", escape(o));
        }
        let _ = writeln!(out, "{}\n", escape(&table::headline(report, goal)));
        if let Some(line) = table::unplaced(goal) {
            let _ = writeln!(out, "{}\n", escape(&line));
        }
        let mut smart = format!("SMART: {}", escape(&table::smart(goal)));
        if let Some(s) = goal.total.status {
            let _ = write!(smart, " — status: **{}**", s.text());
        }
        let _ = writeln!(out, "{smart}\n");
        if !goal.allocated {
            out.push_str("Not allocated: the goal has errors (see the diagnostics).\n\n");
            continue;
        }
        if !goal.tree.is_empty() {
            let value = table::amount(Some(goal.total.target.0));
            let tree = super::text::tree_text(goal.name, &value, &goal.tree);
            // HTML rather than a code fence: no text in the tree can close it.
            let _ = writeln!(
                out,
                "<details><summary>decomposition</summary>\n\n<pre>{}</pre>\n\n</details>\n",
                super::html::escape(&tree)
            );
        }
        for t in table::goal_tables(goal) {
            table(&mut out, &t);
        }
    }
    for t in table::plan_tables(report) {
        table(&mut out, &t);
    }
    match table::diagnostics(report) {
        Some(t) => table(&mut out, &t),
        None => out.push_str("No diagnostics.\n"),
    }
    out
}
