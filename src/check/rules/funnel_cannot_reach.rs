//! `funnel-cannot-reach`: the rule's documentation and metadata, and its check, run by
//! the pipeline checks (`src/check/pipeline.rs`) on each goal with a funnel, with what
//! the funnel can carry over the goal's period computed once.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::{amount, percent};
use crate::model::{Funnel, Goal};
use crate::period::Period;
use crate::pipeline::FunnelStats;
use crate::source::Span;
use rust_decimal::Decimal;

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

/// A goal whose funnel can carry less than its target over its period: `capacity` is
/// what the funnel carries (inflow × win rate × deal size over `period`), `at` where the
/// goal names its funnel. The help says what inflow or win rate would reach the target.
pub(crate) fn check(
    goal: &Goal,
    funnel: &Funnel,
    stats: &FunnelStats,
    target: Decimal,
    period: Period,
    capacity: Decimal,
    at: Span,
) -> Option<Diagnostic> {
    if capacity >= target || capacity.is_zero() && target.is_zero() {
        return None;
    }
    let gap = target - capacity;
    let per = funnel
        .inflow
        .as_ref()
        .map_or("month", |(_, per)| per.as_str());
    // inflow × target ÷ capacity, with capacity below the target. Should inflow × target
    // be beyond a decimal, inflow is above one and target ÷ capacity too, so when
    // inflow × (target ÷ capacity) is beyond as well, so is the inflow needed. No inflow
    // helps a funnel that carries nothing.
    let inflow_needed =
        funnel
            .inflow
            .as_ref()
            .filter(|_| !capacity.is_zero())
            .map(|(inflow, _)| {
                match inflow.checked_mul(target) {
                    Some(product) => product.checked_div(capacity),
                    None => target
                        .checked_div(capacity)
                        .and_then(|times| inflow.checked_mul(times)),
                }
                .map_or_else(
                    || format!("more than {}", Decimal::MAX),
                    |v| v.round_dp(1).normalize().to_string(),
                )
            });
    // The win rate is at most one, so win rate × target fits; a quotient beyond a
    // decimal is above 100 % and not suggested.
    let rate_needed = stats
        .win_rate
        .checked_mul(target)
        .and_then(|v| v.checked_div(capacity));
    let mut help = Vec::new();
    if let Some(inflow) = &inflow_needed {
        help.push(format!("an inflow of {inflow} per {per}"));
    }
    if let Some(rate) = rate_needed.filter(|r| *r <= Decimal::ONE) {
        help.push(format!(
            "a win rate of {} (now {})",
            percent(rate.round_dp(4)),
            percent(stats.win_rate)
        ));
    }
    Some(
        Diagnostic::new(
            Code::FunnelCannotReach,
            at,
            format!(
                "funnel `{}` can carry {} in {period}, {} short of goal `{}`'s target {}",
                funnel.name,
                amount(capacity.round_dp(2)),
                amount(gap.round_dp(2)),
                goal.name,
                amount(target)
            ),
        )
        .with_label("cannot reach the target")
        .with_help(if help.is_empty() {
            "raise the inflow or the conversions, or lower the target".to_string()
        } else {
            format!("it would take {}; or lower the target", help.join(", or "))
        }),
    )
}
