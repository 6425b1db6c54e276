//! `duplicate-name`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`), for names, statements and CSV headers; and
//! here, for a member named twice in one split, by the split walker (`src/check/splits.rs`).

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: Code::DuplicateName,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A name defined twice in one namespace (two goals, two members of one dimension, two reps), a member repeated in a split, a statement given twice in one block, or a column named twice in the header of a CSV of actuals.",
    why: "References to the name would be ambiguous, and a repeated split member would be counted twice.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east "华东"  east "华东二区" }"#,
    fix: "Rename or remove one of them. The diagnostic points at both places.",
};

/// A member named twice in one split (of a dimension other than time, where a repeated
/// slice is a `split-coverage` error); `first` is where it was named first.
pub(crate) fn repeated_member(name: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        at,
        format!("`{name}` appears twice in this split"),
    )
    .with_label("repeated")
    .with_secondary(first, "first here")
    .with_help("give each member one entry")
}
