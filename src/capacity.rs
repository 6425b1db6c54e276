//! Effective capacity: what a rep can deliver over a period.
//!
//! A rep's `capacity` is spread evenly over the months of the plan period. Months before
//! `start` count nothing; from `start` on, each calendar month is scaled by the next `ramp`
//! step (100 % once the steps run out), so a rep who started before the plan period may
//! have finished ramping before it begins. A month only partly inside the period counts in
//! proportion to its days.
//!
//! A capacity spread over months is a fraction (a million over 12 months is 83,333.3…
//! a month), so it is kept two ways: as a decimal, close enough to weigh reps against each
//! other and to print, and as an exact fraction of integers ([`Exact`]) for deciding
//! whether an allocation exceeds it, where a rounded 28th digit would turn "exactly full"
//! into "over".

use crate::model::{Model, Rep};
use crate::period::Period;
use chrono::{Datelike, NaiveDate};
use num_bigint::BigUint;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// The rep's effective capacity over `period`, or `None` without a capacity or plan
/// period.
pub fn effective(model: &Model, rep: &Rep, period: &Period) -> Option<Decimal> {
    let capacity = rep.capacity.as_ref()?.value;
    over(model, capacity, &factors(model, rep), period)
}

/// The fraction of full capacity the rep works in each month of the plan period:
/// 0 before `start`, then the `ramp` steps counted in calendar months from `start` (from
/// the plan's first month without a `start`), then 1.
pub fn factors(model: &Model, rep: &Rep) -> Vec<Decimal> {
    let months = model.plan_months();
    let first = months.first().map(|m| month_number(m.start));
    let start = rep.start.map(month_number).or(first);
    months
        .iter()
        .map(|month| {
            let Some(start) = start else {
                return Decimal::ONE;
            };
            match usize::try_from(month_number(month.start) - start) {
                Err(_) => Decimal::ZERO,
                Ok(step) => rep.ramp.get(step).copied().unwrap_or(Decimal::ONE),
            }
        })
        .collect()
}

/// Months counted from year 0, so that two dates' difference is a number of months.
fn month_number(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// A plan month that `period` overlaps: the rep's factor in it, the days of it inside
/// `period`, and its days (within the plan period); a month wholly inside `period` has
/// `days == of`.
struct Covered {
    factor: Decimal,
    days: i64,
    of: i64,
}

fn covered<'a>(
    model: &'a Model,
    factors: &'a [Decimal],
    period: &'a Period,
) -> impl Iterator<Item = Covered> + 'a {
    // The plan's months are in order: skip to the first that reaches into `period`
    // and stop after the last, rather than testing every month (the walk asks for the
    // capacity of every rep in every month it splits).
    let months = model.plan_months();
    let first = months.partition_point(|month| month.end < period.start);
    months
        .iter()
        .zip(factors)
        .skip(first)
        .take_while(|(month, _)| month.start <= period.end)
        .map(|(month, factor)| {
            // Counting days is the costly part of a capacity, and most months lie wholly
            // inside the period: those count as one day of one.
            if period.contains(month) {
                return Covered {
                    factor: *factor,
                    days: 1,
                    of: 1,
                };
            }
            let overlap = Period {
                start: month.start.max(period.start),
                end: month.end.min(period.end),
            };
            Covered {
                factor: *factor,
                days: overlap.days(),
                of: month.days(),
            }
        })
}

/// `capacity` spread over the plan's months, scaled by `factors` (from [`factors`]),
/// summed over `period`; a month only partly inside it counts in proportion to its days.
/// Close to the exact value (see [`Exact`]) but rounded at 28 digits.
pub fn over(
    model: &Model,
    capacity: Decimal,
    factors: &[Decimal],
    period: &Period,
) -> Option<Decimal> {
    let months = Decimal::from(model.plan_months().len());
    if months.is_zero() {
        return None;
    }
    // The months worked, as a sum of factors: exact for whole months, so that a whole
    // year at full speed is exactly 12 and the capacity comes back exactly.
    let mut worked = Decimal::ZERO;
    for c in covered(model, factors, period) {
        let part = if c.days == c.of {
            c.factor
        } else {
            c.factor
                .checked_mul(Decimal::from(c.days))?
                .checked_div(Decimal::from(c.of))?
        };
        worked = worked.checked_add(part)?;
    }
    capacity
        .checked_mul(worked)
        .and_then(|w| w.checked_div(months))
        .or_else(|| capacity.checked_mul(worked.checked_div(months)?))
}

/// A rep's effective capacity over a period as an exact fraction, for comparisons.
#[derive(Debug, Clone)]
pub struct Exact {
    numerator: BigUint,
    denominator: BigUint,
    approx: Decimal,
}

impl Exact {
    /// The capacity rounded to a decimal, for messages.
    pub fn approx(&self) -> Decimal {
        self.approx
    }

    /// How `value` compares with this capacity, exactly.
    pub fn cmp_value(&self, value: Decimal) -> Ordering {
        if value.is_sign_negative() && !value.is_zero() {
            return Ordering::Less;
        }
        // value = m / 10^s against n / d: compare m × d with n × 10^s.
        let left = BigUint::from(value.mantissa().unsigned_abs()) * &self.denominator;
        let right = &self.numerator * pow10(value.scale());
        left.cmp(&right)
    }
}

/// The rep's effective capacity over `period`, exactly, or `None` without a capacity or
/// plan period.
pub fn exact(model: &Model, rep: &Rep, period: &Period) -> Option<Exact> {
    let capacity = rep.capacity.as_ref()?.value;
    let factors = factors(model, rep);
    let approx = over(model, capacity, &factors, period)?;
    let months = model.plan_months().len() as u128;
    let covered: Vec<Covered> = covered(model, &factors, period).collect();
    // Every factor as an integer over 10^scale, one scale for all.
    let scale = covered.iter().map(|c| c.factor.scale()).max().unwrap_or(0);
    // The usual plan's fraction fits in 128 bits, where it is computed without an
    // allocation; the same fraction is computed with big integers otherwise.
    let (numerator, denominator) = match fraction_u128(&covered, scale, capacity, months) {
        Some((numerator, denominator)) => (BigUint::from(numerator), BigUint::from(denominator)),
        None => fraction(&covered, scale, capacity, months)?,
    };
    Some(Exact {
        numerator,
        denominator,
        approx,
    })
}

/// The capacity over the months `covered` (factors at `scale`) as a fraction of big
/// integers: the numerator and denominator [`exact`] keeps.
fn fraction(
    covered: &[Covered],
    scale: u32,
    capacity: Decimal,
    months: u128,
) -> Option<(BigUint, BigUint)> {
    let mut numerator = BigUint::from(0u32);
    let mut denominator = BigUint::from(1u32);
    for c in covered {
        // Factors are fractions of full capacity, never negative.
        let factor =
            BigUint::from(c.factor.mantissa().unsigned_abs()) * pow10(scale - c.factor.scale());
        if c.days == c.of {
            numerator += factor * &denominator;
        } else {
            // n/d + f × days/of = (n × of + f × days × d) / (d × of)
            let of = BigUint::from(u64::try_from(c.of).ok()?);
            let days = BigUint::from(u64::try_from(c.days).ok()?);
            numerator = numerator * &of + factor * days * &denominator;
            denominator *= of;
        }
    }
    // capacity = m / 10^s, spread over `months`.
    let numerator = numerator * BigUint::from(capacity.mantissa().unsigned_abs());
    let denominator = denominator * pow10(scale + capacity.scale()) * BigUint::from(months);
    Some((numerator, denominator))
}

/// [`fraction`] in 128-bit integers, the same numerator and denominator; `None` if a
/// step does not fit (or a count of days is out of range, as there).
fn fraction_u128(
    covered: &[Covered],
    scale: u32,
    capacity: Decimal,
    months: u128,
) -> Option<(u128, u128)> {
    let pow10 = |exponent: u32| 10u128.checked_pow(exponent);
    let mut numerator: u128 = 0;
    let mut denominator: u128 = 1;
    for c in covered {
        let factor = c
            .factor
            .mantissa()
            .unsigned_abs()
            .checked_mul(pow10(scale - c.factor.scale())?)?;
        if c.days == c.of {
            numerator = numerator.checked_add(factor.checked_mul(denominator)?)?;
        } else {
            let of = u128::from(u64::try_from(c.of).ok()?);
            let days = u128::from(u64::try_from(c.days).ok()?);
            let added = factor.checked_mul(days)?.checked_mul(denominator)?;
            numerator = numerator.checked_mul(of)?.checked_add(added)?;
            denominator = denominator.checked_mul(of)?;
        }
    }
    let numerator = numerator.checked_mul(capacity.mantissa().unsigned_abs())?;
    let denominator = denominator
        .checked_mul(pow10(scale + capacity.scale())?)?
        .checked_mul(months)?;
    Some((numerator, denominator))
}

/// 10 to the power `exponent`, exactly.
fn pow10(exponent: u32) -> BigUint {
    BigUint::from(10u32).pow(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn covered(months: &[(&str, i64, i64)]) -> Vec<Covered> {
        months
            .iter()
            .map(|&(factor, days, of)| Covered {
                factor: Decimal::from_str(factor).unwrap(),
                days,
                of,
            })
            .collect()
    }

    #[test]
    fn the_fraction_in_128_bits_is_the_fraction_in_big_integers() {
        let cases = [
            // Whole months at full speed, ramp steps, and months partly inside.
            covered(&[("1", 1, 1), ("1", 1, 1), ("1", 1, 1)]),
            covered(&[("0", 1, 1), ("0.5", 1, 1), ("0.75", 1, 1), ("1", 1, 1)]),
            covered(&[("0.3", 17, 31), ("0.7", 1, 1), ("1", 14, 28)]),
            covered(&[("0.123456789", 5, 30), ("1", 29, 31)]),
        ];
        for (i, months) in cases.iter().enumerate() {
            let scale = months.iter().map(|c| c.factor.scale()).max().unwrap();
            for capacity in ["1200000", "1.17", "333333.333333"] {
                let capacity = Decimal::from_str(capacity).unwrap();
                let small = fraction_u128(months, scale, capacity, 12).unwrap();
                let big = fraction(months, scale, capacity, 12).unwrap();
                assert_eq!(
                    (BigUint::from(small.0), BigUint::from(small.1)),
                    big,
                    "case {i}, capacity {capacity}"
                );
            }
        }
    }

    #[test]
    fn a_fraction_beyond_128_bits_is_left_to_big_integers() {
        // Factors of 28 digits over months partly inside: the denominator grows by each
        // month's days, the numerator past 128 bits.
        let months = covered(&[
            ("0.1234567890123456789012345678", 3, 31),
            ("0.9876543210987654321098765432", 7, 30),
            ("0.5555555555555555555555555555", 11, 31),
        ]);
        let capacity = Decimal::from_str("79228162514264.337593543950335").unwrap();
        assert_eq!(fraction_u128(&months, 28, capacity, 12), None);
        let (numerator, denominator) = fraction(&months, 28, capacity, 12).unwrap();
        assert!(numerator.bits() > 128);
        assert!(denominator.bits() > 128);
    }
}
