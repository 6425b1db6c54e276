//! `growth-exceeds-policy`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::GrowthExceedsPolicy,
    level: Severity::Warning,
    lint: true,
    smart: Some('A'),
    what: "A target whose growth over its baseline exceeds `policy.max_growth` (default 50 %).",
    why: "Growth far above the policy is rarely achievable and should be a deliberate, reviewed decision.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 20M CNY  baseline 10M CNY in 2025 }   # +100%"#,
    fix: "Lower the target, or mark the decision with `allow growth-exceeds-policy`, or raise `max_growth` in planck.toml.",
};
