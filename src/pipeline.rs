//! Funnel arithmetic and deal weighting.
//!
//! - probability to win from a stage: the product of the conversions from that stage to
//!   the end (the last stage, won, is 100 %); the overall win rate is the first stage's;
//! - cycle length: the sum of the stages' dwell times, in days;
//! - capacity over a period: inflow × the period's length in inflow units × win rate ×
//!   deal size (for a count goal, the number of deals won);
//! - entries needed: target ÷ deal size ÷ win rate;
//! - velocity: open deals × win rate × average open amount ÷ cycle days (per day);
//! - a deal's probability: its grade's if graded, else its stage's; weighted = amount ×
//!   probability.
//!
//! Invariant: exact decimals only; `None` where an input is missing (already reported).
//! A number too large for a decimal is never replaced by another: it is `None` in
//! [`FunnelStats::cycle_days`], or [`TooLarge`] from [`capacity`], [`entries_needed`] and
//! [`velocity`], and reported by the checks.

use crate::model::{Deal, DealState, Funnel, FunnelId, Model, StageRef};
use crate::period::Period;
use rust_decimal::Decimal;

/// The derived numbers of one funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelStats {
    /// Probability to win from each stage, in stage order.
    pub probabilities: Vec<Decimal>,
    pub win_rate: Decimal,
    /// The sum of the stages' dwell, in days; `None` when it is more than a decimal holds.
    pub cycle_days: Option<Decimal>,
}

/// A derived number larger than the largest decimal (about 7.9 × 10²⁸).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// `None` when a stage other than the last has no valid conversion.
pub fn stats(funnel: &Funnel) -> Option<FunnelStats> {
    let n = funnel.stages.len();
    if n == 0 {
        return None;
    }
    let mut probabilities = vec![Decimal::ONE; n];
    for i in (0..n - 1).rev() {
        let convert = funnel.stages[i].convert?;
        // Conversions lie in (0 %, 100 %] (others are refused when the plan is read), so
        // every product of them does too and this multiplication cannot overflow.
        probabilities[i] = probabilities[i + 1].checked_mul(convert)?;
    }
    let mut cycle_days = Some(Decimal::ZERO);
    for stage in &funnel.stages {
        let dwell = stage.dwell_days.unwrap_or(Decimal::ZERO);
        cycle_days = cycle_days.and_then(|days| days.checked_add(dwell));
    }
    Some(FunnelStats {
        win_rate: probabilities[0],
        probabilities,
        cycle_days,
    })
}

/// How many `per` units (day, week, month, quarter, year) a period spans. Months are
/// counted by calendar month, a partial month in proportion to its days.
pub fn units_in(period: &Period, per: &str) -> Option<Decimal> {
    let days = Decimal::from(period.days());
    let months = || -> Option<Decimal> {
        let mut total = Decimal::ZERO;
        for part in period.months() {
            let whole = Decimal::from(month_days(&part));
            total = total.checked_add(Decimal::from(part.days()).checked_div(whole)?)?;
        }
        Some(total)
    };
    match per {
        "day" => Some(days),
        "week" => days.checked_div(Decimal::from(7)),
        "month" => months(),
        "quarter" => months()?.checked_div(Decimal::from(3)),
        "year" => months()?.checked_div(Decimal::from(12)),
        _ => None,
    }
}

/// Days in the calendar month holding `part`.
fn month_days(part: &Period) -> i64 {
    use chrono::{Datelike, Months};
    let first = part.start.with_day(1).unwrap_or(part.start);
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    (next - first).num_days()
}

/// What a funnel can carry over a period: won value for a goal in the deal size's
/// unit, won deals for a count goal. `Ok(None)` without inflow, deal size or
/// conversions, or for a deal size in another currency; [`TooLarge`] when the capacity
/// itself is beyond a decimal.
pub fn capacity(
    funnel: &Funnel,
    stats: &FunnelStats,
    period: &Period,
    unit: &str,
) -> Result<Option<Decimal>, TooLarge> {
    let (Some((inflow, per)), Some(deal_size)) =
        (funnel.inflow.as_ref(), funnel.deal_size.as_ref())
    else {
        return Ok(None);
    };
    let Some(units) = units_in(period, per) else {
        return Ok(None);
    };
    let mut factors = vec![*inflow, units, stats.win_rate];
    if deal_size.unit == unit {
        factors.push(deal_size.value);
    } else if crate::model::is_currency(unit) {
        return Ok(None);
    }
    product(&factors).map(Some).ok_or(TooLarge)
}

/// The product of non-negative factors; `None` only when it is beyond a decimal. The
/// factors are multiplied as written; should that overflow on the way, they are taken
/// again so that the running product stays between the factors and the result: after
/// the largest, a factor below one while the product is at least one, else the largest
/// left. The result is then exact up to the last of a decimal's 28 digits.
fn product(factors: &[Decimal]) -> Option<Decimal> {
    if let Some(p) = factors
        .iter()
        .try_fold(Decimal::ONE, |p, f| p.checked_mul(*f))
    {
        return Some(p);
    }
    let mut left: Vec<Decimal> = factors.to_vec();
    left.sort_unstable();
    let mut p = left.pop()?;
    while !left.is_empty() {
        let next = if p >= Decimal::ONE {
            left.remove(0)
        } else {
            left.pop()?
        };
        p = p.checked_mul(next)?;
    }
    Some(p)
}

/// Entries needed at the top of the funnel for a target in the deal size's unit.
/// `Ok(None)` without a deal size or a win rate, or for a deal size in another
/// currency; [`TooLarge`] when the number of entries is beyond a decimal. (Each
/// division only makes the quotient larger, or the first one smaller, so an overflow
/// on the way means the result overflows too.)
pub fn entries_needed(
    funnel: &Funnel,
    stats: &FunnelStats,
    target: Decimal,
    unit: &str,
) -> Result<Option<Decimal>, TooLarge> {
    let Some(deal_size) = funnel.deal_size.as_ref() else {
        return Ok(None);
    };
    if stats.win_rate.is_zero() || deal_size.unit == unit && deal_size.value.is_zero() {
        return Ok(None);
    }
    let deals = if deal_size.unit == unit {
        target.checked_div(deal_size.value).ok_or(TooLarge)?
    } else if crate::model::is_currency(unit) {
        return Ok(None);
    } else {
        target
    };
    deals.checked_div(stats.win_rate).map(Some).ok_or(TooLarge)
}

/// Whether a deal is open, won or lost. A deal without a resolved stage counts as open.
pub fn state(model: &Model, deal: &Deal) -> DealState {
    match (deal.funnel, deal.stage) {
        (Some(f), Some(s)) => model
            .funnels
            .get(f.index())
            .map_or(DealState::Open, |f| f.state(s)),
        _ => DealState::Open,
    }
}

/// Whether a deal is still open: pipeline, neither won nor lost.
pub fn is_open(model: &Model, deal: &Deal) -> bool {
    state(model, deal) == DealState::Open
}

/// A deal's probability to close: its grade's, else its stage's.
pub fn probability(model: &Model, deal: &Deal, stats: &[Option<FunnelStats>]) -> Option<Decimal> {
    match state(model, deal) {
        DealState::Won => return Some(Decimal::ONE),
        DealState::Lost => return Some(Decimal::ZERO),
        DealState::Open => {}
    }
    if let Some(g) = deal.grade {
        return model.grades.get(g.index())?.probability;
    }
    let funnel = deal.funnel?;
    let stats = stats.get(funnel.index())?.as_ref()?;
    match deal.stage? {
        StageRef::Stage(i) => stats.probabilities.get(i).copied(),
        StageRef::Lost(_) => None,
    }
}

/// Velocity of a funnel: its open deals × win rate × their average amount ÷ cycle days.
/// `Ok(None)` without a cycle (no dwell times, or a cycle too long to count, which is
/// reported on its own); `TooLarge` when the velocity itself is beyond a decimal.
pub fn velocity(
    model: &Model,
    funnel: FunnelId,
    stats: &FunnelStats,
) -> Result<Option<Decimal>, TooLarge> {
    let Some(cycle_days) = stats.cycle_days.filter(|c| !c.is_zero()) else {
        return Ok(None);
    };
    let open: Vec<Decimal> = model
        .deals
        .iter()
        .filter(|d| d.funnel == Some(funnel) && is_open(model, d))
        .filter_map(|d| d.amount.as_ref().map(|a| a.value))
        .collect();
    // count × win rate × (total ÷ count) is win rate × total.
    let total = open
        .iter()
        .try_fold(Decimal::ZERO, |sum, a| sum.checked_add(*a));
    if let Some(v) = total
        .and_then(|t| stats.win_rate.checked_mul(t))
        .and_then(|t| t.checked_div(cycle_days))
    {
        return Ok(Some(v));
    }
    // The total is beyond a decimal, though the velocity may not be: sum each deal's
    // share per day instead (exact up to the last of 28 digits of each term).
    open.iter()
        .try_fold(Decimal::ZERO, |sum, a| {
            let per_day = stats.win_rate.checked_mul(*a)?.checked_div(cycle_days)?;
            sum.checked_add(per_day)
        })
        .map(Some)
        .ok_or(TooLarge)
}
