//! Checks on funnels, deals and progress: `funnel-cannot-reach`, `cycle-exceeds-period`,
//! `stale-deal`, `behind-pace`, `low-coverage` and `unmatched-actual`; and `invalid-value`
//! for a funnel or progress number beyond the largest decimal.

use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic};
use crate::fmt_num::{amount, percent};
use crate::model::{Goal, Model};
use crate::pipeline;
use crate::progress::{Progress, TooLarge};
use rust_decimal::Decimal;

/// How a number beyond a decimal is described: the largest one, written out.
fn beyond() -> String {
    format!(
        "larger than the largest number planck holds ({})",
        Decimal::MAX
    )
}

pub(super) fn check(
    model: &Model,
    policy: &Policy,
    progress: &Progress,
    out: &mut Vec<Diagnostic>,
) {
    let lint = |goal: &Goal, out: &mut Vec<Diagnostic>, d: Diagnostic| {
        if !goal.allows(d.code) {
            out.push(d);
        }
    };
    too_large_funnels(model, progress, out);
    for (i, goal) in model.goals.iter().enumerate() {
        funnel_lints(model, progress, goal, &mut |d| lint(goal, out, d));
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
        for span in &p.unmatched {
            out.push(
                Diagnostic::new(
                    Code::UnmatchedActual,
                    *span,
                    format!("this actual matches no cell of goal `{}`", goal.name),
                )
                .with_label("no such cell")
                .with_help("check its period and members against the goal's splits: every member must be one the goal is split into there"),
            );
        }
        let (Some(target), Some(period), Some(as_of)) =
            (&goal.target, goal.period, model.plan.as_of)
        else {
            continue;
        };
        let n = &p.numbers;
        let (Some(actual), Some(pipeline)) = (n.actual, n.pipeline) else {
            continue;
        };
        if let Some(expected) = n.expected_to_date
            && as_of >= period.start
            && expected > Decimal::ZERO
            // A product beyond the largest decimal is above every actual.
            && expected
                .checked_mul(policy.pace_tolerance)
                .is_none_or(|pace| actual < pace)
        {
            let Some(pace) = actual.checked_div(expected).map(|p| p.round_dp(4)) else {
                if !goal.allows(Code::BehindPace) {
                    out.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            goal.name_span,
                            format!(
                                "the pace of goal `{}` (actuals to date ÷ expected to date) is {}",
                                goal.name,
                                beyond_signed(actual.is_sign_negative())
                            ),
                        )
                        .with_label("too large to compute")
                        .with_help("check the actuals' amounts and their scale (`k`, `M`, `B`, `万`, `亿`) against the goal's target: they are in the goal's unit"),
                    );
                }
                continue;
            };
            lint(
                goal,
                out,
                Diagnostic::new(
                    Code::BehindPace,
                    goal.name_span,
                    format!(
                        "goal `{}` stands at {} by {as_of}, {} of the {} expected (policy: at least {})",
                        goal.name,
                        amount(actual),
                        percent(pace),
                        amount(expected.round_dp(2)),
                        percent(policy.pace_tolerance)
                    ),
                )
                .with_label("behind pace")
                .with_help("find the gap by region, rep and product in `planck compile` output; adjust activity or the plan"),
            );
        }
        if goal.funnel.is_some()
            && as_of < period.end
            && let Some(coverage) = n.coverage(target.value)
            && coverage < policy.min_coverage
            && let Some(remaining) = target.value.checked_sub(actual)
        {
            // Coverage is below the policy, so the pipeline still to build is positive.
            // When remaining × policy is beyond a decimal, remaining × (policy − coverage)
            // may not be; if that is beyond too, so is the pipeline to build.
            let to_build = remaining
                .checked_mul(policy.min_coverage)
                .and_then(|asked| asked.checked_sub(pipeline))
                .or_else(|| remaining.checked_mul(policy.min_coverage.checked_sub(coverage)?));
            let help = match to_build {
                Some(to_build) => format!(
                    "build {} more weighted pipeline closing by {}, or revise the target",
                    amount(to_build.round_dp(2)),
                    period.end
                ),
                None => format!(
                    "the weighted pipeline a coverage of {} asks for is {}: check `min_coverage` in planck.toml, or revise the target",
                    policy.min_coverage.normalize(),
                    beyond()
                ),
            };
            lint(
                goal,
                out,
                Diagnostic::new(
                    Code::LowCoverage,
                    goal.funnel_span.unwrap_or(goal.name_span),
                    format!(
                        "goal `{}` has {} of weighted pipeline for the {} still to reach: coverage {} (policy: {})",
                        goal.name,
                        amount(pipeline.round_dp(2)),
                        amount(remaining),
                        coverage.round_dp(2).normalize(),
                        policy.min_coverage.normalize()
                    ),
                )
                .with_label("thin pipeline")
                .with_help(help),
            );
        }
    }
    super::rules::stale_deal::check(model, out);
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
    let days = Decimal::from(period.days());
    if let Some(cycle_days) = stats.cycle_days
        && cycle_days > days
    {
        emit(
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
        );
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
    if capacity >= target.value || capacity.is_zero() && target.value.is_zero() {
        return;
    }
    let gap = target.value - capacity;
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
                match inflow.checked_mul(target.value) {
                    Some(product) => product.checked_div(capacity),
                    None => target
                        .value
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
        .checked_mul(target.value)
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
    emit(
        Diagnostic::new(
            Code::FunnelCannotReach,
            at,
            format!(
                "funnel `{}` can carry {} in {period}, {} short of goal `{}`'s target {}",
                funnel.name,
                amount(capacity.round_dp(2)),
                amount(gap.round_dp(2)),
                goal.name,
                amount(target.value)
            ),
        )
        .with_label("cannot reach the target")
        .with_help(if help.is_empty() {
            "raise the inflow or the conversions, or lower the target".to_string()
        } else {
            format!("it would take {}; or lower the target", help.join(", or "))
        }),
    );
}

/// How a number beyond a decimal on either side is described.
fn beyond_signed(negative: bool) -> String {
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
