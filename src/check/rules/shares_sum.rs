//! `shares-sum`: the rule's documentation and metadata.
//!
//! Emitted by the split walker (`src/check/splits.rs`), which adds up each split.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::SharesSum,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A split whose percentage shares do not total 100 %.",
    why: "Shares that total 95 % leave 5 % of the target assigned to nobody; 105 % asks for more than the target.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY
  split region { east 40%  north 35%  south 20% } }"#,
    fix: "Correct the shares, or give one member `rest` to take whatever the others leave.",
};
