//! `amounts-sum`: the rule's documentation and metadata.
//!
//! Emitted by the split walker (`src/check/splits.rs`), which adds up each split.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::AmountsSum,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A split with amounts (alone or mixed with shares) that do not total the value being split: the goal's target, or the member's part in a nested split.",
    why: "Unallocated money is a target nobody owns; over-allocation asks for more than the plan.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY
  split region { east 5M  north 4M  south 2.5M } }"#,
    fix: "Correct the amounts, or give one member `rest`.",
};
