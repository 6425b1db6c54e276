//! `unit-mismatch`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`) for baselines and currencies; `split rep by capacity` is checked here, called by the split walker.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::UnitMismatch,
    level: Severity::Error,
    lint: false,
    smart: Some('M'),
    what: "Quantities of different units that must agree: a baseline in another unit than its target, a currency other than the plan's, or a rep weighed `by capacity` whose capacity is in another unit than the goal's target.",
    why: "Measurable goals compare like with like; 10M USD against 12M CNY is not a growth rate, and 120 customers against 120 USD is no weight.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY  baseline 1.5M USD in 2025 }"#,
    fix: "Use the target's unit for the baseline and the plan's currency for every amount; split a goal `by capacity` only over reps whose capacity is in the goal's unit, or split it with shares.",
};
