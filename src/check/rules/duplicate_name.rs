//! `duplicate-name`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`), for names, statements and CSV headers.

use super::Rule;
use crate::diagnostic::{Code, Severity};

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
