//! `missing-label`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::MissingLabel,
    level: Severity::Warning,
    lint: true,
    smart: Some('S'),
    what: "A goal without a label (the string after its name).",
    why: "A specific goal says in words what it is; the label is what reports show.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY }"#,
    fix: "Write `goal revenue \"2026 全年销售额\" { … }`.",
};
