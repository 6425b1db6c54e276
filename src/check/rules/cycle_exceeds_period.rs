//! `cycle-exceeds-period`: the rule's documentation and metadata, and its check, run by
//! the pipeline checks (`src/check/pipeline.rs`) on each goal with a funnel, with the
//! funnel's numbers computed once.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Funnel, Goal};
use crate::period::Period;
use crate::pipeline::FunnelStats;
use crate::source::Span;
use rust_decimal::Decimal;

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

/// A goal's funnel whose cycle, lead to close, is longer than the goal's period; `at` is
/// where the goal names its funnel.
pub(crate) fn check(
    goal: &Goal,
    funnel: &Funnel,
    stats: &FunnelStats,
    period: Period,
    at: Span,
) -> Option<Diagnostic> {
    let days = Decimal::from(period.days());
    let cycle_days = stats.cycle_days.filter(|cycle| *cycle > days)?;
    Some(
        Diagnostic::new(
            Code::CycleExceedsPeriod,
            at,
            format!(
                "funnel `{}` takes {} days from lead to close, longer than goal `{}`'s {} days",
                funnel.name,
                cycle_days.normalize(),
                goal.name,
                days
            ),
        )
        .with_label("cycle too long")
        .with_help("deals entering the funnel now cannot close in time: count on the pipeline already in it, or lengthen the period"),
    )
}
