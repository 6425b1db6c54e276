//! `ambiguous-member`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::AmbiguousMember,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A bare member name, in an actuals row, that is a member of two dimensions (or a rep and a member); or a deal stage found in two funnels.",
    why: "planck would have to guess which one was meant.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { key "重点区域"  other }
dimension segment { key "大客户"  small }
goal revenue { target 12M CNY }
actuals revenue { 2026-Q1 key 100k }"#,
    fix: "Qualify the member with its dimension: `region.key`. For a deal, add `funnel NAME`.",
};
