//! `invalid-value`: the rule's documentation and metadata.
//!
//! Emitted by the parser and the resolver for values out of range, the split walker (`src/check/splits.rs`), the pipeline checks (`src/check/pipeline.rs`) and the allocation (`src/alloc/`) for numbers beyond a decimal; parent cycles and funnels without a terminal stage are checked here.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::InvalidValue,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A value out of its range: a negative target or amount, a conversion rate outside (0 %, 100 %], an impossible date (2026-02-30), a number too large or arithmetic that overflows, a ramp step over 100 %, a target finer than its rounding unit, an actual row naming two members of one dimension or a second period, a CSV amount whose commas are not thousands separators (`1,5`).",
    why: "An impossible value gives impossible numbers everywhere it flows.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
funnel b2b { stage lead { convert 120% }  stage won }"#,
    fix: "Write a value within the range the message gives.",
};
