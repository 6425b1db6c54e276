//! Effective capacity: what a rep can deliver over a period.
//!
//! A rep's `capacity` is spread evenly over the months of the plan period. Months before
//! `start` count nothing; from `start` on, each month is scaled by the next `ramp` step
//! (100 % once the steps run out). A month only partly inside the period counts in
//! proportion to its days.

use crate::model::{Model, Rep};
use crate::period::Period;
use chrono::Datelike;
use rust_decimal::Decimal;

/// The rep's effective capacity over `period`, or `None` without a capacity or plan
/// period (or if the arithmetic overflows).
pub fn effective(model: &Model, rep: &Rep, period: &Period) -> Option<Decimal> {
    over(model, &monthly(model, rep)?, period)
}

/// The rep's capacity in each month of the plan period (`start` and `ramp` applied).
pub fn monthly(model: &Model, rep: &Rep) -> Option<Vec<Decimal>> {
    let capacity = rep.capacity.as_ref()?.value;
    let months = model.plan_months();
    if months.is_empty() {
        return None;
    }
    let per_month = capacity.checked_div(Decimal::from(months.len()))?;
    let start_key = rep.start.map(|d| (d.year(), d.month()));
    let mut months_worked = 0usize;
    months
        .iter()
        .map(|month| {
            let key = (month.start.year(), month.start.month());
            if start_key.is_some_and(|s| key < s) {
                return Some(Decimal::ZERO);
            }
            let factor = rep.ramp.get(months_worked).copied().unwrap_or(Decimal::ONE);
            months_worked += 1;
            per_month.checked_mul(factor)
        })
        .collect()
}

/// The sum of monthly capacities (from [`monthly`]) over `period`; a month only partly
/// inside it counts in proportion to its days.
pub fn over(model: &Model, monthly: &[Decimal], period: &Period) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    for (month, capacity) in model.plan_months().iter().zip(monthly) {
        if !month.overlaps(period) {
            continue;
        }
        let overlap = Period {
            start: month.start.max(period.start),
            end: month.end.min(period.end),
        };
        let part = if overlap.days() == month.days() {
            *capacity
        } else {
            capacity
                .checked_mul(Decimal::from(overlap.days()))?
                .checked_div(Decimal::from(month.days()))?
        };
        total = total.checked_add(part)?;
    }
    Some(total)
}
