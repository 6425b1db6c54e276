//! `include-cycle`: the rule's documentation and metadata.
//!
//! Emitted by the loader (`src/resolve/load.rs`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::IncludeCycle,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "Files that include each other, directly or through others.",
    why: "A cycle has no first file; its definitions would be loaded twice.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
include "a.plan"
# file: a.plan
include "b.plan"
# file: b.plan
include "a.plan""#,
    fix: "Move what both files need into a third file that both include, and remove one include of the cycle.",
};
