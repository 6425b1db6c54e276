//! `cycle-exceeds-period`: the rule's documentation and metadata.
//!
//! Emitted by the pipeline checks (`src/check/pipeline.rs`), which compute each funnel's
//! numbers once.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::CycleExceedsPeriod,
    level: Severity::Warning,
    lint: true,
    smart: Some('T'),
    what: "A funnel whose sales cycle (the sum of stage dwell times) is longer than the goal's period.",
    why: "Deals entering the funnel during the period cannot close within it.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
funnel long { deal_size 1M CNY  inflow 100 per month
  stage a { convert 50%  dwell 60d }  stage b { convert 50%  dwell 60d }  stage won }
goal q1 { target 1M CNY  period 2026-Q1  funnel long }   # 120 days against 90"#,
    fix: "Lengthen the goal's period, or rely on deals already in the pipeline.",
};
