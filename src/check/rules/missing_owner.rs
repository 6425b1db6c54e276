//! `missing-owner`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::MissingOwner,
    level: Severity::Warning,
    lint: true,
    smart: Some('S'),
    what: "A goal without an `owner`.",
    why: "A specific goal says who is accountable for it.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" { target 12M CNY }"#,
    fix: "Add `owner \"销售总监\"`, or name a rep or team: `owner east_team`.",
};
