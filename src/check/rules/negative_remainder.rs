//! `negative-remainder`: the rule's documentation and metadata.
//!
//! Emitted by the split walker (`src/check/splits.rs`), which adds up each split.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::NegativeRemainder,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A `rest` that would be below zero because the other entries already exceed the whole.",
    why: "A negative part of a target is meaningless and hides an over-allocation.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY
  split region { east 60%  north 50%  south rest } }"#,
    fix: "Lower the other entries so they leave something for `rest`.",
};
