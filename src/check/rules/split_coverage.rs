//! `split-coverage`: the rule's documentation and metadata.
//!
//! Emitted by the split walker (`src/check/splits.rs`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::SplitCoverage,
    level: Severity::Error,
    lint: false,
    smart: Some('T'),
    what: "A time split that misses a slice of its period, names a slice twice, or names a slice outside the period.",
    why: "Time-bound monitoring needs every month or quarter to have its part; a missing quarter has no target to track against.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY
  split quarter { Q1 20%  Q2 25%  Q3 55% }     # Q4 is missing
}"#,
    fix: "Name every slice once, or use `rest` for the last one, or `split quarter even`.",
};
