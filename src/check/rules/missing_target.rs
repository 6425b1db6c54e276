//! `missing-target`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::MissingTarget,
    level: Severity::Error,
    lint: false,
    smart: Some('M'),
    what: "A goal without a `target`.",
    why: "A goal is measurable only with a target quantity; nothing can be decomposed or tracked without one.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" { owner "销售总监" }"#,
    fix: "Add `target AMOUNT UNIT`, e.g. `target 12M CNY` or `target 40 customers`.",
};
