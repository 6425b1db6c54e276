//! `plan-beats-history`: the rule's documentation and metadata, and its check, run by
//! the pipeline checks (`src/check/pipeline.rs`) on every funnel, with the funnel's
//! history computed by `crate::calibrate`.

use super::Rule;
use crate::calibrate::{self, FunnelHistory};
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::{amount, percent};
use crate::model::{Funnel, Model};
use crate::source::Span;
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::PlanBeatsHistory,
    level: Severity::Warning,
    lint: true,
    smart: Some('A'),
    what: "A funnel whose planned win rate, deal size or inflow is above what its won and lost deals show by more than `policy.history_tolerance` (default 20 %, relative), judged on at least `policy.history_min_sample` (default 30) closed deals.",
    why: "A forecast built on a win rate, deal size or inflow that history does not bear out misses: old deals that rarely win still count at the plan's rates.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
funnel b2b { stage lead { convert 50% }  stage won  lost lost }   # plans a 50% win rate
deal w1 { stage won  close 2026-01-10 }  deal w2 { stage won  close 2026-01-10 }  deal w3 { stage won  close 2026-01-10 }
deal w4 { stage won  close 2026-01-10 }  deal w5 { stage won  close 2026-01-10 }  deal w6 { stage won  close 2026-01-10 }
deal l01 { stage lost  close 2026-02-10 }  deal l02 { stage lost  close 2026-02-10 }  deal l03 { stage lost  close 2026-02-10 }
deal l04 { stage lost  close 2026-02-10 }  deal l05 { stage lost  close 2026-02-10 }  deal l06 { stage lost  close 2026-02-10 }
deal l07 { stage lost  close 2026-02-10 }  deal l08 { stage lost  close 2026-02-10 }  deal l09 { stage lost  close 2026-02-10 }
deal l10 { stage lost  close 2026-02-10 }  deal l11 { stage lost  close 2026-02-10 }  deal l12 { stage lost  close 2026-02-10 }
deal l13 { stage lost  close 2026-02-10 }  deal l14 { stage lost  close 2026-02-10 }  deal l15 { stage lost  close 2026-02-10 }
deal l16 { stage lost  close 2026-02-10 }  deal l17 { stage lost  close 2026-02-10 }  deal l18 { stage lost  close 2026-02-10 }
deal l19 { stage lost  close 2026-02-10 }  deal l20 { stage lost  close 2026-02-10 }  deal l21 { stage lost  close 2026-02-10 }
deal l22 { stage lost  close 2026-02-10 }  deal l23 { stage lost  close 2026-02-10 }  deal l24 { stage lost  close 2026-02-10 }"#,
    fix: "Plan with the figures `planck calibrate` shows; where this period will differ for a known reason, write `allow plan-beats-history` in a goal that names the funnel, or raise `history_tolerance` in planck.toml.",
};

/// One diagnostic per figure of each funnel that is more optimistic than its history.
/// History is `calibrate`'s, as of the plan's `as_of`: the same for `check` and
/// `compile`. The win rate is reported on the funnel's first stage (its probability is
/// the win rate), the deal size on `deal_size`, the inflow on `inflow`.
pub(crate) fn check(model: &Model, policy: &Policy, out: &mut Vec<Diagnostic>) {
    if model.funnels.is_empty() || model.deals.is_empty() {
        return;
    }
    let calibration = calibrate::calibrate(model, &calibrate::Options::default());
    for history in &calibration.funnels {
        let Some(funnel) = model.funnels.get(history.funnel.index()) else {
            continue;
        };
        // A goal that names the funnel may take its numbers as a deliberate decision.
        let allowed = model
            .goals
            .iter()
            .any(|g| g.funnel == Some(history.funnel) && g.allows(Code::PlanBeatsHistory));
        if history.closed < policy.history_min_sample || allowed {
            continue;
        }
        check_funnel(funnel, history, policy, out);
    }
}

/// Whether `planned` lies above `observed` by more than `tolerance` of it.
fn beats(planned: Decimal, observed: Decimal, tolerance: Decimal) -> bool {
    match Decimal::ONE
        .checked_add(tolerance)
        .and_then(|factor| observed.checked_mul(factor))
    {
        Some(limit) => planned > limit,
        // The limit is beyond a decimal, and so above any plan.
        None => false,
    }
}

fn check_funnel(funnel: &Funnel, h: &FunnelHistory, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let tolerance = policy.history_tolerance;
    let closed = format!(
        "{} closed deal{}",
        h.closed,
        if h.closed == 1 { "" } else { "s" }
    );
    let mut push = |span: Span, message: String, label: &str, help: String| {
        out.push(
            Diagnostic::new(Code::PlanBeatsHistory, span, message)
                .with_label(label)
                .with_help(help),
        );
    };
    if let (Some(planned), Some(observed), Some(first)) =
        (h.planned.win_rate, h.win_rate, funnel.stages.first())
        && beats(planned, observed, tolerance)
    {
        push(
            first.span,
            format!(
                "funnel `{}` plans a win rate of {}, more than {} above its history's {}",
                funnel.name,
                percent(planned.round_dp(4)),
                percent(tolerance),
                percent(observed.round_dp(4))
            ),
            "the win rate from this stage on",
            format!(
                "history: {} of {closed} won ({}); lower the conversions toward it, or see `planck calibrate`",
                h.won,
                percent(observed.round_dp(4))
            ),
        );
    }
    if let (Some(planned), Some(observed), Some(size)) = (
        h.planned_size_in_unit(),
        h.deal_size,
        funnel.deal_size.as_ref(),
    ) && beats(planned, observed, tolerance)
    {
        push(
            size.span,
            format!(
                "funnel `{}` plans a deal size of {} {}, more than {} above its history's {} {}",
                funnel.name,
                amount(planned),
                size.unit,
                percent(tolerance),
                amount(observed.round_dp(2)),
                size.unit
            ),
            "above the won deals' average",
            format!(
                "history: {} {} on average over {} won deal{} ({closed}); plan with it, or see `planck calibrate`",
                amount(observed.round_dp(2)),
                size.unit,
                h.sized,
                if h.sized == 1 { "" } else { "s" }
            ),
        );
    }
    if let (Some(planned), Some(observed), Some(span), Some((window, _))) = (
        h.planned.inflow_per_month,
        h.inflow_per_month,
        funnel.inflow_span,
        h.window,
    ) && beats(planned, observed, tolerance)
    {
        push(
            span,
            format!(
                "funnel `{}` plans an inflow of {} deals per month, more than {} above its history's {}",
                funnel.name,
                planned.round_dp(2).normalize(),
                percent(tolerance),
                observed.round_dp(2).normalize()
            ),
            "above the deals opened per month",
            format!(
                "history: {} deals opened from {} to {}, {} per month; plan with it, or see `planck calibrate`",
                h.opened,
                window.start,
                window.end,
                observed.round_dp(2).normalize()
            ),
        );
    }
}
