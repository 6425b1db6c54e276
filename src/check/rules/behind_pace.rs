//! `behind-pace`: the rule's documentation and metadata.
//!
//! Emitted by the pipeline checks (`src/check/pipeline.rs`), from the goal's progress.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::BehindPace,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "Actuals to date below expected-to-date × `policy.pace_tolerance` (default 90 %).",
    why: "Falling behind early is the cue to act while the period still has time.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
goal revenue { target 12M CNY }
actuals revenue {
  2026-Q1 2M
  2026-Q2 2.5M
}
# 4.5M by 2026-06-30 against the 5.95M expected: 76% of pace"#,
    fix: "Investigate the gap by region, rep and product; adjust activity or the plan.",
};
