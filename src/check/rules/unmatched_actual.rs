//! `unmatched-actual`: the rule's documentation and metadata, and its check, run by the
//! pipeline checks (`src/check/pipeline.rs`) on each goal's progress, which fits the
//! actuals to the goal's cells.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Goal, Summed};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: Code::UnmatchedActual,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "An actual row (inline or from a CSV) that meets no allocated cell of its goal: its period lies outside every cell, or it names a member the goal is not split into there.",
    why: "A result that belongs nowhere in the plan is silently left out of progress by region, rep or month.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY  split region { east 60%  north rest } }
actuals revenue {
  2026-Q1 south 100k     # the goal has no `south` cell
}"#,
    fix: "Correct the row's period or members, or split the goal so the row has a cell.",
};

/// Each actual row of `goal` that progress could fit to no cell. A sum of a file's rows
/// points at its first row and names how many rows it adds up and the last.
pub(crate) fn check(goal: &Goal, unmatched: &[(Span, Option<Summed>)], out: &mut Vec<Diagnostic>) {
    for &(span, summed) in unmatched {
        let (message, label) = match summed {
            None => (
                format!("this actual matches no cell of goal `{}`", goal.name),
                "no such cell".to_string(),
            ),
            Some(s) => (
                format!(
                    "this actual and {} more rows of the same period and members (the last in row {}) match no cell of goal `{}`",
                    s.rows.saturating_sub(1),
                    s.last_line,
                    goal.name
                ),
                format!("first of {} rows", s.rows),
            ),
        };
        let mut diagnostic = Diagnostic::new(Code::UnmatchedActual, span, message)
            .with_label(label)
            .with_help("check its period and members against the goal's splits: every member must be one the goal is split into there");
        if let Some(s) = summed {
            diagnostic = diagnostic.with_secondary(s.last, "last of them");
        }
        out.push(diagnostic);
    }
}
