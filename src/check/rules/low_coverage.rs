//! `low-coverage`: the rule's documentation and metadata.
//!
//! Emitted by the pipeline checks (`src/check/pipeline.rs`), from the goal's progress.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::LowCoverage,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "Weighted pipeline closing in the rest of the period, divided by the target not yet reached, is below `policy.min_coverage` (default 3.0).",
    why: "Without enough pipeline, the rest of the target will not be reached whatever the effort.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
funnel b2b { deal_size 500k CNY  inflow 100 per month
  stage proposal { convert 50% }  stage won }
goal revenue { target 4M CNY  funnel b2b }
actuals revenue {
  2026-H1 2M
}
deal acme { stage proposal  amount 2M CNY  close 2026-09-30 }
# 1M of weighted pipeline for the 2M still to reach: coverage 0.5"#,
    fix: "Build pipeline (more leads, more qualified opportunities), or revise the target.",
};
