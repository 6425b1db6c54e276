//! `funnel-cannot-reach`: the rule's documentation and metadata.
//!
//! Emitted by the pipeline checks (`src/check/pipeline.rs`), which compute each funnel's
//! numbers once.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::FunnelCannotReach,
    level: Severity::Warning,
    lint: true,
    smart: Some('A'),
    what: "A goal whose funnel cannot carry its target: inflow × win rate × deal size over the goal's period is below the target.",
    why: "A target above what the funnel can produce is not achievable without more leads or better conversion.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
funnel b2b { deal_size 200k CNY  inflow 10 per month
  stage lead { convert 20% }  stage won }
goal revenue { target 12M CNY  funnel b2b }   # the funnel carries 4.8M"#,
    fix: "Raise the inflow, improve conversions, or lower the target; the message says by how much.",
};
