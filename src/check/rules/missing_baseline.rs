//! `missing-baseline`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::MissingBaseline,
    level: Severity::Warning,
    lint: true,
    smart: Some('A'),
    what: "A goal without a `baseline`.",
    why: "Achievability is judged against history: without last period's result, the implied growth is unknown.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" { target 12M CNY }"#,
    fix: "Add `baseline 10M CNY in 2025`, or `allow missing-baseline` for a new line of business.",
};
