//! `unmatched-actual`: the rule's documentation and metadata.
//!
//! Emitted by the pipeline checks (`src/check/pipeline.rs`), from the goal's progress.

use super::Rule;
use crate::diagnostic::{Code, Severity};

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
