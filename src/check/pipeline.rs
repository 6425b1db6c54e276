//! Checks on funnels, deals and progress. This walk takes each funnel's numbers and each
//! goal's progress, computed once, and hands them to the rules that read them
//! (`funnel-cannot-reach`, `cycle-exceeds-period`, `unmatched-actual`, `behind-pace`,
//! `low-coverage`; `stale-deal` on the deals; `unplaced-deal` on the deals that some
//! goal's progress could not place). It reports itself, as `invalid-value`, a
//! funnel or progress number beyond the largest decimal.

use super::rules;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Goal, Model};
use crate::period::Period;
use crate::pipeline;
use crate::progress::{Numbers, Progress, TooLarge};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// How a number beyond a decimal is described: the largest one, written out.
pub(super) fn beyond() -> String {
    format!(
        "larger than the largest number planck holds ({})",
        Decimal::MAX
    )
}

/// A goal's standing as of `as_of`, for the progress lints: computed once per goal.
#[derive(Clone, Copy)]
pub(crate) struct Standing<'a> {
    pub goal: &'a Goal,
    pub numbers: &'a Numbers,
    pub target: Decimal,
    pub period: Period,
    pub as_of: NaiveDate,
    pub actual: Decimal,
    pub pipeline: Decimal,
}

pub(super) fn check(
    model: &Model,
    policy: &Policy,
    progress: &Progress,
    out: &mut Vec<Diagnostic>,
) {
    too_large_funnels(model, progress, out);
    for (i, goal) in model.goals.iter().enumerate() {
        funnel_lints(model, progress, goal, &mut |d| super::lint(goal, out, d));
        let Some(Some(p)) = progress.goals.get(i) else {
            continue;
        };
        let too_large = p
            .numbers
            .too_large()
            .or_else(|| p.cells.iter().find_map(|c| c.too_large()))
            .or(p.too_large);
        if let Some(what) = too_large {
            out.push(too_large_progress(model, goal, what));
            continue;
        }
        rules::unmatched_actual::check(goal, &p.unmatched, out);
        let (Some(target), Some(period), Some(as_of)) =
            (&goal.target, goal.period, model.plan.as_of)
        else {
            continue;
        };
        let n = &p.numbers;
        let (Some(actual), Some(pipeline)) = (n.actual, n.pipeline) else {
            continue;
        };
        let standing = Standing {
            goal,
            numbers: n,
            target: target.value,
            period,
            as_of,
            actual,
            pipeline,
        };
        if !rules::behind_pace::check(&standing, policy, out) {
            continue;
        }
        rules::low_coverage::check(&standing, policy, out);
    }
    rules::stale_deal::check(model, out);
    rules::unplaced_deal::check(model, progress, out);
}

fn funnel_lints(model: &Model, progress: &Progress, goal: &Goal, emit: &mut dyn FnMut(Diagnostic)) {
    let (Some(f), Some(target), Some(period)) = (goal.funnel, &goal.target, goal.period) else {
        return;
    };
    let (Some(funnel), Some(Some(stats))) = (
        model.funnels.get(f.index()),
        progress.funnels.get(f.index()),
    ) else {
        return;
    };
    let at = goal.funnel_span.unwrap_or(goal.name_span);
    if let Some(d) = rules::cycle_exceeds_period::check(goal, funnel, stats, period, at) {
        emit(d);
    }
    let entries = pipeline::entries_needed(funnel, stats, target.value, &target.unit);
    if entries.is_err() {
        emit(
            Diagnostic::new(
                Code::InvalidValue,
                at,
                format!(
                    "the entries funnel `{}` needs for goal `{}` (target ÷ deal size ÷ win rate) are {}",
                    funnel.name,
                    goal.name,
                    beyond()
                ),
            )
            .with_label("too large to compute")
            .with_help("check the funnel's `deal_size` and its unit against the goal's target: a tiny deal size multiplies the entries"),
        );
    }
    let capacity = match pipeline::capacity(funnel, stats, &period, &target.unit) {
        Ok(Some(capacity)) => capacity,
        Ok(None) => return,
        Err(pipeline::TooLarge) => {
            emit(
                Diagnostic::new(
                    Code::InvalidValue,
                    at,
                    format!(
                        "what funnel `{}` can carry in {period} for goal `{}` (inflow × win rate × deal size) is {}",
                        funnel.name,
                        goal.name,
                        beyond()
                    ),
                )
                .with_label("too large to compute")
                .with_help("check the funnel's `inflow`, its `per` unit and the `deal_size` with their scale (`k`, `M`, `B`, `万`, `亿`)"),
            );
            return;
        }
    };
    if let Some(d) =
        rules::funnel_cannot_reach::check(goal, funnel, stats, target.value, period, capacity, at)
    {
        emit(d);
    }
}

/// How a number beyond a decimal on either side is described.
pub(super) fn beyond_signed(negative: bool) -> String {
    if negative {
        format!(
            "smaller than the smallest number planck holds ({})",
            Decimal::MIN
        )
    } else {
        beyond()
    }
}

/// A goal's progress number beyond the largest decimal: reported instead of printed.
fn too_large_progress(model: &Model, goal: &Goal, what: TooLarge) -> Diagnostic {
    let funnel = goal
        .funnel
        .and_then(|f| model.funnels.get(f.index()))
        .map_or("", |f| f.name.as_str());
    let at_funnel = goal.funnel_span.unwrap_or(goal.name_span);
    let (span, message, help) = match what {
        TooLarge::Actual => (
            goal.name_span,
            format!(
                "the actuals of goal `{}` add up to a number {}",
                goal.name,
                beyond()
            ),
            "check the actuals' amounts and their scale (`k`, `M`, `B`, `万`, `亿`): they are in the goal's unit",
        ),
        TooLarge::Pipeline => (
            at_funnel,
            format!(
                "the weighted pipeline of funnel `{funnel}` for goal `{}` is {}",
                goal.name,
                beyond()
            ),
            "check the deal amounts and their scale (`k`, `M`, `B`, `万`, `亿`): the open deals closing in the goal's period are summed",
        ),
        TooLarge::Forecast => (
            at_funnel,
            format!(
                "the forecast range of goal `{}` (actuals + weighted pipeline of funnel `{funnel}` ± its band) is {}",
                goal.name,
                beyond()
            ),
            "check the deal amounts and actuals and their scale (`k`, `M`, `B`, `万`, `亿`)",
        ),
        TooLarge::Expected => (
            goal.name_span,
            format!(
                "the expected to date of goal `{}` is {}",
                goal.name,
                beyond()
            ),
            "check the goal's target and its splits",
        ),
        TooLarge::Attainment { cell } => (
            goal.name_span,
            format!(
                "the attainment of {} (actuals ÷ {}) is {}",
                of_goal(goal, cell),
                if cell { "its value" } else { "target" },
                beyond()
            ),
            "check the actuals' amounts and their scale (`k`, `M`, `B`, `万`, `亿`) against the goal's target: they are in the goal's unit",
        ),
        TooLarge::Remaining { cell } => (
            goal.name_span,
            format!(
                "what {} still has to reach ({} − actuals) is {}",
                of_goal(goal, cell),
                if cell { "its value" } else { "target" },
                beyond()
            ),
            "check the negative actuals (returns, corrections) and their scale (`k`, `M`, `B`, `万`, `亿`)",
        ),
        TooLarge::Coverage { cell } => (
            at_funnel,
            format!(
                "the coverage of {} (weighted pipeline of funnel `{funnel}` ÷ what is still to reach) is {}",
                of_goal(goal, cell),
                beyond()
            ),
            "check the deal amounts and their scale (`k`, `M`, `B`, `万`, `亿`) against the goal's target: they are in the goal's unit",
        ),
    };
    Diagnostic::new(Code::InvalidValue, span, message)
        .with_label("too large to compute")
        .with_help(help)
}

/// "goal `name`", or "a cell of goal `name`".
fn of_goal(goal: &Goal, cell: bool) -> String {
    if cell {
        format!("a cell of goal `{}`", goal.name)
    } else {
        format!("goal `{}`", goal.name)
    }
}

/// Funnel numbers beyond the largest decimal: the cycle and the velocity.
fn too_large_funnels(model: &Model, progress: &Progress, out: &mut Vec<Diagnostic>) {
    for (i, funnel) in model.funnels.iter().enumerate() {
        let Some(Some(stats)) = progress.funnels.get(i) else {
            continue;
        };
        if stats.cycle_days.is_none() {
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    funnel.span,
                    format!(
                        "the stages of funnel `{}` add up to a cycle of more days than planck can count ({})",
                        funnel.name,
                        Decimal::MAX
                    ),
                )
                .with_label("cycle too long to count")
                .with_help("check the stages' `dwell` times and their units (`d`, `w`, `mo`)"),
            );
        } else if pipeline::velocity(model, crate::model::FunnelId(i as u32), stats).is_err() {
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    funnel.span,
                    format!(
                        "the velocity of funnel `{}` (open deals × win rate ÷ cycle days) is {}",
                        funnel.name,
                        beyond()
                    ),
                )
                .with_label("too large to compute")
                .with_help("check the open deals' amounts and the stages' `dwell` times: a cycle of a fraction of a day multiplies the amounts"),
            );
        }
    }
}
