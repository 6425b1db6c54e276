//! `orphan-goal`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::OrphanGoal,
    level: Severity::Warning,
    lint: true,
    smart: Some('R'),
    what: "A goal that supports no strategy and has no parent goal.",
    why: "A relevant goal serves the strategy; a goal tied to nothing competes for resources without a reason.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal visits "拜访量" { target 400 visits }"#,
    fix: "Add `supports STRATEGY` or `parent GOAL`.",
};
