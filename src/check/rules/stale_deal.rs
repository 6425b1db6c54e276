//! `stale-deal`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::StaleDeal,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "An open deal whose close date is before `as_of`.",
    why: "A deal past its close date distorts the forecast: it is either lost or needs a new date.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
funnel b2b { stage proposal { convert 50% }  stage won }
deal acme { stage proposal  close 2026-05-31 }"#,
    fix: "Update the close date, move the deal to its real stage, or remove it.",
};
