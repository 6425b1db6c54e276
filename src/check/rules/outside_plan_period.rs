//! `outside-plan-period`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::OutsidePlanPeriod,
    level: Severity::Error,
    lint: false,
    smart: Some('T'),
    what: "A goal period, deal close date or actual that lies outside the plan period.",
    why: "Work outside the plan's time frame cannot count toward it.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal q1 { target 1M CNY  period 2027-Q1 }"#,
    fix: "Move it inside the plan period, or widen the plan's `period`.",
};
