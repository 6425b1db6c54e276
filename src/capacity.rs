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
    let capacity = rep.capacity.as_ref()?.value;
    let plan = model.plan.period?;
    let months = plan.months();
    let per_month = capacity.checked_div(Decimal::from(months.len().max(1)))?;
    let start_key = rep.start.map(|d| (d.year(), d.month()));
    let mut total = Decimal::ZERO;
    let mut months_worked = 0usize;
    for month in &months {
        let key = (month.start.year(), month.start.month());
        if start_key.is_some_and(|s| key < s) {
            continue;
        }
        let factor = rep.ramp.get(months_worked).copied().unwrap_or(Decimal::ONE);
        months_worked += 1;
        if !month.overlaps(period) {
            continue;
        }
        let overlap = Period {
            start: month.start.max(period.start),
            end: month.end.min(period.end),
        };
        let mut part = per_month.checked_mul(factor)?;
        if overlap.days() != month.days() {
            part = part
                .checked_mul(Decimal::from(overlap.days()))?
                .checked_div(Decimal::from(month.days()))?;
        }
        total = total.checked_add(part)?;
    }
    Some(total)
}
