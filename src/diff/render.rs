//! A [`Diff`] as text for a terminal (columns aligned by display width, so Chinese names
//! line up; control characters escaped) and as Markdown for a pull-request comment
//! (tables; long parts folded in `<details>`).

use super::{CellChanges, Change, ChangeKind, DiagnosticRef, Diff, FieldChange, Kind};
use crate::fmt_num;
use crate::source::escape_control;
use rust_decimal::Decimal;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// How many members of one dimension a roll-up lists; the rest are counted.
pub const ROLLUP_MEMBERS: usize = 12;

/// Rows longer than this in Markdown are folded in `<details>`.
const MARKDOWN_FOLD: usize = 10;

/// What an empty diff prints.
pub const NO_CHANGES: &str = "no semantic changes";

/// A decimal as users read amounts: `1.2M`, `1,234.5`.
fn amount(plain: &str) -> String {
    plain
        .parse::<Decimal>()
        .map_or_else(|_| plain.to_string(), fmt_num::amount)
}

fn signed(plain: &str, unit: &str) -> String {
    let Ok(d) = plain.parse::<Decimal>() else {
        return plain.to_string();
    };
    let sign = if d.is_sign_negative() { "" } else { "+" };
    match unit {
        "%" => format!("{sign}{}pp", d.normalize()),
        "days" => format!("{sign}{} days", fmt_num::amount(d)),
        _ => format!("{sign}{}", fmt_num::amount(d)),
    }
}

fn percent(p: Option<&str>) -> String {
    match p {
        Some(p) if p.starts_with('-') => format!("{p}%"),
        Some(p) => format!("+{p}%"),
        None => String::new(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line summing up the diff.
fn headline(diff: &Diff) -> String {
    let count = |k: ChangeKind| diff.changes.iter().filter(|c| c.change == k).count();
    format!(
        "{} changed, {} added, {} removed; {} appeared, {} disappeared",
        plural(count(ChangeKind::Changed), "item", "items"),
        count(ChangeKind::Added),
        count(ChangeKind::Removed),
        plural(diff.diagnostics.appeared.len(), "diagnostic", "diagnostics"),
        diff.diagnostics.disappeared.len()
    )
}

/// Notes on sides that did not exist or have errors: what was still compared.
fn notes(diff: &Diff) -> Vec<String> {
    let mut out = Vec::new();
    for (word, side) in [("old", &diff.old), ("new", &diff.new)] {
        if !side.exists {
            out.push(format!(
                "the {word} side {} does not exist: everything in the other side is {}",
                side.path,
                if word == "old" { "added" } else { "removed" }
            ));
        } else if side.errors > 0 {
            out.push(format!(
                "the {word} side has {}: what resolved is compared, goals with errors without their cells",
                plural(side.errors, "error", "errors")
            ));
        }
    }
    out
}

fn title(c: &Change) -> String {
    if c.name == "plan" && c.kind == super::Kind::Plan {
        "plan".to_string()
    } else {
        format!("{} {}", c.kind.as_str(), c.name)
    }
}

/// The fields of an added or removed item in one line: `team east, capacity 1.2M USD`.
fn brief(c: &Change) -> String {
    c.fields
        .iter()
        .filter(|f| !f.derived)
        .filter_map(|f| {
            let v = f.new.as_ref().or(f.old.as_ref())?;
            Some(format!("{} {v}", f.field))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_row(f: &FieldChange) -> Vec<String> {
    let name = if f.derived {
        format!("{} (derived)", f.field)
    } else {
        f.field.clone()
    };
    vec![
        name,
        f.old.clone().unwrap_or_else(|| "(none)".to_string()),
        f.new.clone().unwrap_or_else(|| "(none)".to_string()),
        f.delta
            .as_deref()
            .map_or_else(String::new, |d| signed(d, &f.unit)),
        percent(f.percent.as_deref()),
    ]
}

fn cells_line(c: &CellChanges) -> String {
    if let Some(note) = &c.note {
        return note.clone();
    }
    let mut parts = vec![format!("{} of {} changed", c.changed, c.old_cells)];
    if c.added > 0 {
        parts.push(format!("{} added", c.added));
    }
    if c.removed > 0 {
        parts.push(format!("{} removed", c.removed));
    }
    if c.old_total == c.new_total {
        return format!(
            "cells: {}; total {} (unchanged)",
            parts.join(", "),
            amount(&c.new_total)
        );
    }
    let pct = percent(c.percent.as_deref());
    format!(
        "cells: {}; total {} → {} ({}{})",
        parts.join(", "),
        amount(&c.old_total),
        amount(&c.new_total),
        signed(&c.delta, ""),
        if pct.is_empty() {
            String::new()
        } else {
            format!(", {pct}")
        }
    )
}

/// Roll-up rows: dimension (on its first row), member, cells, old, new, change, percent;
/// and per dimension how many members were left out.
fn rollup_rows(c: &CellChanges) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for d in &c.by_dimension {
        for (i, m) in d.members.iter().take(ROLLUP_MEMBERS).enumerate() {
            rows.push(vec![
                if i == 0 {
                    d.dimension.clone()
                } else {
                    String::new()
                },
                m.member.clone(),
                plural(m.cells, "cell", "cells"),
                amount(&m.old),
                amount(&m.new),
                signed(&m.delta, ""),
                percent(m.percent.as_deref()),
            ]);
        }
        if d.members.len() > ROLLUP_MEMBERS {
            rows.push(vec![
                String::new(),
                format!("… {} more", d.members.len() - ROLLUP_MEMBERS),
            ]);
        }
    }
    rows
}

fn largest_rows(c: &CellChanges) -> Vec<Vec<String>> {
    c.largest
        .iter()
        .map(|l| {
            vec![
                l.coords
                    .iter()
                    .map(|c| format!("{}={}", c.dimension, c.member))
                    .collect::<Vec<_>>()
                    .join(" "),
                l.old
                    .as_deref()
                    .map_or_else(|| "(none)".to_string(), amount),
                l.new
                    .as_deref()
                    .map_or_else(|| "(none)".to_string(), amount),
                signed(&l.delta, ""),
                percent(l.percent.as_deref()),
            ]
        })
        .collect()
}

fn diagnostic_row(d: &DiagnosticRef) -> Vec<String> {
    vec![
        d.severity.clone(),
        d.code.clone(),
        d.item.clone(),
        d.message.clone(),
        format!("{}:{}:{}", d.file, d.line, d.column),
    ]
}

// ---------------------------------------------------------------------------- text

/// Rows as aligned columns (by display width), each line starting with `indent`; the
/// cells are escaped first so the widths are those printed.
fn table(out: &mut String, indent: &str, rows: &[Vec<String>], arrow_after: Option<usize>) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| escape_control(c).into_owned()).collect())
        .collect();
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in &rows {
        let mut line = indent.to_string();
        for (i, cell) in r.iter().enumerate() {
            if i > 0 {
                line.push_str(if Some(i) == arrow_after.map(|a| a + 1) {
                    " → "
                } else {
                    "  "
                });
            }
            line.push_str(cell);
            let w = widths.get(i).copied().unwrap_or(0);
            line.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.width())));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// The diff for a terminal.
pub fn text(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "planck diff {} → {}",
        escape_control(&diff.old.path),
        escape_control(&diff.new.path)
    );
    for note in notes(diff) {
        let _ = writeln!(out, "note: {}", escape_control(&note));
    }
    if diff.is_empty() {
        let _ = writeln!(out, "{NO_CHANGES}");
        return out;
    }
    let _ = writeln!(out, "{}", headline(diff));
    // Goals first, with their cells: they show what every other change moved.
    let mut changes: Vec<&Change> = diff.changes.iter().collect();
    changes.sort_by_key(|c| c.kind != Kind::Goal);
    for c in changes {
        out.push('\n');
        let mark = match c.change {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "-",
            ChangeKind::Changed => "~",
        };
        let _ = writeln!(out, "{mark} {}", escape_control(&title(c)));
        match c.change {
            ChangeKind::Changed => {
                let rows: Vec<Vec<String>> = c
                    .fields
                    .iter()
                    .map(|f| {
                        let mut r = field_row(f);
                        // Arrow between old and new: name, old, new, change, percent.
                        r.truncate(5);
                        r
                    })
                    .collect();
                table(&mut out, "    ", &rows, Some(1));
            }
            _ => {
                let rows: Vec<Vec<String>> = c
                    .fields
                    .iter()
                    .filter_map(|f| {
                        let v = f.new.as_ref().or(f.old.as_ref())?;
                        let name = if f.derived {
                            format!("{} (derived)", f.field)
                        } else {
                            f.field.clone()
                        };
                        Some(vec![name, v.clone()])
                    })
                    .collect();
                table(&mut out, "    ", &rows, None);
            }
        }
        if let Some(cells) = &c.cells {
            let _ = writeln!(out, "    {}", escape_control(&cells_line(cells)));
            table(&mut out, "      ", &rollup_rows(cells), Some(3));
            if !cells.largest.is_empty() {
                let _ = writeln!(out, "    largest cell changes:");
                table(&mut out, "      ", &largest_rows(cells), Some(1));
            }
        }
    }
    for (title, list, mark) in [
        (
            "diagnostics that appeared:",
            &diff.diagnostics.appeared,
            "+",
        ),
        (
            "diagnostics that disappeared:",
            &diff.diagnostics.disappeared,
            "-",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}");
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|d| {
                let mut r = vec![mark.to_string()];
                r.extend(diagnostic_row(d));
                r
            })
            .collect();
        table(&mut out, "  ", &rows, None);
    }
    out
}

// ------------------------------------------------------------------------ markdown

/// User text safe inside a Markdown table cell: control characters escaped, no HTML,
/// no column breaks, no emphasis or links.
fn md(text: &str) -> String {
    let mut out = String::new();
    for c in escape_control(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn md_table(out: &mut String, head: &[&str], right: usize, rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let aligns: Vec<&str> = (0..head.len())
        .map(|i| if i >= right { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", aligns.join(" | "));
    for r in rows {
        let mut cells: Vec<String> = r.iter().map(|c| md(c)).collect();
        cells.resize(head.len(), String::new());
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// A table, folded in `<details>` under `summary` when it is long.
fn md_folded(out: &mut String, summary: &str, head: &[&str], right: usize, rows: &[Vec<String>]) {
    let fold = rows.len() > MARKDOWN_FOLD;
    if fold {
        let _ = writeln!(out, "<details><summary>{}</summary>\n", md(summary));
    }
    md_table(out, head, right, rows);
    if fold {
        let _ = writeln!(out, "\n</details>");
    }
    out.push('\n');
}

/// The diff as a Markdown pull-request comment.
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### planck diff\n\n{} → {}\n",
        md(&diff.old.path),
        md(&diff.new.path)
    );
    for note in notes(diff) {
        let _ = writeln!(out, "> **Note:** {}\n", md(&note));
    }
    if diff.is_empty() {
        let _ = writeln!(out, "{NO_CHANGES}");
        return out;
    }
    let _ = writeln!(out, "{}\n", md(&headline(diff)));
    // Goals first, each with its cells: they show what every other change moved.
    let changed = |c: &&Change| c.change == ChangeKind::Changed;
    for c in diff
        .changes
        .iter()
        .filter(changed)
        .filter(|c| c.kind == Kind::Goal)
    {
        let _ = writeln!(out, "#### {}\n", md(&title(c)));
        if !c.fields.is_empty() {
            let rows: Vec<Vec<String>> = c.fields.iter().map(field_row).collect();
            md_table(&mut out, &["field", "old", "new", "change", "%"], 3, &rows);
            out.push('\n');
        }
        if let Some(cells) = &c.cells {
            let _ = writeln!(out, "{}\n", md(&cells_line(cells)));
            let rows = rollup_rows(cells);
            if !rows.is_empty() {
                let _ = writeln!(out, "<details><summary>cells by dimension</summary>\n");
                md_table(
                    &mut out,
                    &["dimension", "member", "cells", "old", "new", "change", "%"],
                    2,
                    &rows,
                );
                if !cells.largest.is_empty() {
                    out.push('\n');
                    md_table(
                        &mut out,
                        &["largest cell changes", "old", "new", "change", "%"],
                        1,
                        &largest_rows(cells),
                    );
                }
                let _ = writeln!(out, "\n</details>\n");
            }
        }
    }
    // Every other kind in one table: a hundred reps whose capacity changed are a
    // hundred rows, not a hundred sections.
    let mut kinds: Vec<Kind> = diff
        .changes
        .iter()
        .filter(changed)
        .map(|c| c.kind)
        .filter(|k| *k != Kind::Goal)
        .collect();
    kinds.dedup();
    for kind in kinds {
        let rows: Vec<Vec<String>> = diff
            .changes
            .iter()
            .filter(changed)
            .filter(|c| c.kind == kind)
            .flat_map(|c| {
                c.fields.iter().map(|f| {
                    let mut row = vec![c.name.clone()];
                    row.extend(field_row(f));
                    row
                })
            })
            .collect();
        let _ = writeln!(out, "#### Changed: {}\n", kind.as_str());
        md_folded(
            &mut out,
            &format!("{} changes", rows.len()),
            &[kind.as_str(), "field", "old", "new", "change", "%"],
            4,
            &rows,
        );
    }
    for (word, kind) in [
        ("Added", ChangeKind::Added),
        ("Removed", ChangeKind::Removed),
    ] {
        let rows: Vec<Vec<String>> = diff
            .changes
            .iter()
            .filter(|c| c.change == kind)
            .map(|c| vec![c.kind.as_str().to_string(), c.name.clone(), brief(c)])
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {word}\n");
        md_folded(
            &mut out,
            &format!("{} {}", rows.len(), word.to_lowercase()),
            &["kind", "name", "details"],
            3,
            &rows,
        );
    }
    for (word, list) in [
        ("appeared", &diff.diagnostics.appeared),
        ("disappeared", &diff.diagnostics.disappeared),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### Diagnostics that {word}\n");
        let rows: Vec<Vec<String>> = list.iter().map(diagnostic_row).collect();
        md_folded(
            &mut out,
            &format!("{} diagnostics {word}", rows.len()),
            &["severity", "code", "item", "message", "where"],
            5,
            &rows,
        );
    }
    out
}
