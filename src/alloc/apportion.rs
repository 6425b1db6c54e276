//! Largest-remainder rounding of a node's value among its children.

use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Decimal places of a rounding unit kept when comparing remainders.
const NOISE_PLACES: u32 = 18;

/// Share `total` (a multiple of `unit`) among children whose exact values are `exact`,
/// in multiples of `unit`, so that the shares sum to `total` exactly.
///
/// Each child starts from its exact value rounded down; the units still missing go to
/// the children with the largest remainders, ties to the one written first. When
/// `total` is within one unit of the sum of `exact` (as top-down rounding guarantees),
/// every share is within one unit of its exact value. Returns `None` on overflow.
///
/// ```
/// use rust_decimal::Decimal;
/// use planck::alloc::apportion;
/// let third = Decimal::from(100) / Decimal::from(3);
/// let shares = apportion(Decimal::from(100), &[third, third, third], Decimal::ONE);
/// assert_eq!(shares, Some(vec![Decimal::from(34), Decimal::from(33), Decimal::from(33)]));
/// ```
pub fn apportion(total: Decimal, exact: &[Decimal], unit: Decimal) -> Option<Vec<Decimal>> {
    let mut shares = Shares::default();
    share(
        total,
        exact,
        |e| split_units(e.checked_div(unit)?),
        &mut shares,
    )?;
    shares.units.iter().map(|&u| of_units(u, unit)).collect()
}

/// The shares of [`apportion`] in units, and the exact values they were rounded from as
/// a count of units (see [`split_units`]): what the walk needs of a leaf, computed once.
#[derive(Default)]
pub(super) struct Shares {
    pub units: Vec<i128>,
    pub exact: Vec<(i128, i128)>,
}

/// [`apportion`] in units, into `shares` (reused from node to node), with `to_units`
/// turning a value into a count of units, split as [`split_units`] splits it.
pub(super) fn apportion_units(
    total: Decimal,
    exact: &[Decimal],
    to_units: impl Fn(Decimal) -> Option<(i128, i128)>,
    shares: &mut Shares,
) -> Option<()> {
    share(total, exact, to_units, shares)
}

/// `units` rounding units as a decimal: `units × unit`, built from the integer product
/// of the mantissas when it fits (the decimal a multiplication gives, at a fraction of
/// its cost), else multiplied.
#[inline]
pub(super) fn of_units(units: i128, unit: Decimal) -> Option<Decimal> {
    // A product with zero is zero at scale 0.
    if units == 0 {
        return Some(Decimal::ZERO);
    }
    // A unit that is a power of ten (0.01) has the mantissa 1: no multiplication.
    let mantissa = unit.mantissa();
    let product = if mantissa == 1 {
        Some(units)
    } else {
        units.checked_mul(mantissa)
    };
    product
        .and_then(|m| Decimal::try_from_i128_with_scale(m, unit.scale()).ok())
        .or_else(|| {
            Decimal::try_from_i128_with_scale(units, 0)
                .ok()?
                .checked_mul(unit)
        })
}

/// Whether `a` and `b` are written alike (the same mantissa and scale), so that any
/// computation on them gives the same result; `1.0` and `1` are equal but not alike.
#[inline]
pub(super) fn same(a: Decimal, b: Decimal) -> bool {
    a.serialize() == b.serialize()
}

/// `compute(key)`, or the value kept in `last` when it was computed for a key `alike`
/// this one; `last` then holds this key and its value. Siblings often share their
/// input (every child of an `even` split, reps of one capacity), so the walk computes
/// a run of equal inputs once.
#[inline]
pub(super) fn reuse_last<K: Copy, V: Copy>(
    last: &mut Option<(K, V)>,
    key: K,
    alike: impl Fn(K, K) -> bool,
    compute: impl FnOnce(K) -> Option<V>,
) -> Option<V> {
    let value = match *last {
        Some((before, value)) if alike(before, key) => value,
        _ => compute(key)?,
    };
    *last = Some((key, value));
    Some(value)
}

/// Powers of ten up to 10^28, the largest scale of a decimal.
pub(super) const POW10: [i128; 29] = {
    let mut table = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// A count of units split into its floor and its remainder in units of 10^-18 (the
/// remainder rounded to 18 places: see [`NOISE_PLACES`]). Integer arithmetic, because
/// this runs once per cell.
pub(super) fn split_units(x: Decimal) -> Option<(i128, i128)> {
    split_parts(x.mantissa(), x.scale())
}

/// [`split_units`] of the number `mantissa × 10^-scale`.
#[inline]
pub(super) fn split_parts(mantissa: i128, scale: u32) -> Option<(i128, i128)> {
    split_parts_wide(mantissa, scale).or_else(|| split_parts_i128(mantissa, scale))
}

/// [`split_parts`] in 128-bit arithmetic, for every mantissa and scale.
fn split_parts_i128(mantissa: i128, scale: u32) -> Option<(i128, i128)> {
    let scale = scale as usize;
    let places = NOISE_PLACES as usize;
    let p = *POW10.get(scale)?;
    // One division for quotient and remainder (an i128 division is a library call);
    // rounded towards negative infinity, as `div_euclid` and `rem_euclid` would.
    let (mut floor, mut rest) = (mantissa / p, mantissa % p);
    if rest < 0 {
        floor -= 1;
        rest += p;
    }
    let mut frac = if scale <= places {
        rest * POW10[places - scale]
    } else {
        let drop = POW10[scale - places];
        (rest + drop / 2) / drop
    };
    if frac == POW10[places] {
        floor += 1;
        frac = 0;
    }
    Some((floor, frac))
}

/// 10¹⁹, the largest power of ten below 2⁶⁴.
const POW10_19: u64 = 10_000_000_000_000_000_000;

/// [`split_parts`] for a non-negative decimal mantissa (below 2⁹⁶), else `None`, in 64-bit
/// arithmetic wherever it can be: a 128-bit division is a library call, and slowest when
/// the divisor 10^scale exceeds 2⁶⁴ (scales 20 to 28, as exact shares usually have).
/// There, dividing by 10¹⁹ first leaves a quotient below 2⁶⁴, and the results are those
/// of the 128-bit division: floor = ⌊q / 10^(scale-19)⌋ with q = ⌊mantissa / 10¹⁹⌋, and
/// the remainder r₂·10¹⁹ + r₁ is rounded to 18 places term by term, because 10¹⁹ is a
/// multiple of the 10^(scale-18) it is divided by.
#[inline]
fn split_parts_wide(mantissa: i128, scale: u32) -> Option<(i128, i128)> {
    if !(0..1i128 << 96).contains(&mantissa) {
        return None;
    }
    let wide = mantissa as u128;
    // Quotient and remainder by 10ᵏ (k ≤ 19), in 64 bits when the mantissa fits there.
    let divide = |k: u32| -> Option<(u128, u64)> {
        let p = u64::try_from(*POW10.get(k as usize)?).ok()?;
        Some(match u64::try_from(wide) {
            Ok(narrow) => (u128::from(narrow / p), narrow % p),
            Err(_) => (
                wide / u128::from(p),
                u64::try_from(wide % u128::from(p)).ok()?,
            ),
        })
    };
    let (mut floor, mut frac) = match scale {
        0..=18 => {
            let (floor, rest) = divide(scale)?;
            // Below 10¹⁸.
            let up = u64::try_from(*POW10.get(18 - scale as usize)?).ok()?;
            (floor, rest * up)
        }
        19 => {
            let (floor, rest) = divide(19)?;
            (floor, (rest + 5) / 10)
        }
        20..=28 => {
            let (high, low) = divide(19)?;
            let high = u64::try_from(high).ok()?;
            // 10^(scale-19) and 10^(scale-18) are at most 10¹⁰; 10^(37-scale) is 10¹⁹
            // over the latter.
            let p = u64::try_from(*POW10.get(scale as usize - 19)?).ok()?;
            let drop = u64::try_from(*POW10.get(scale as usize - 18)?).ok()?;
            let per_drop = u64::try_from(*POW10.get(37 - scale as usize)?).ok()?;
            // Below 10¹⁹ + 5·10⁹ < 2⁶⁴, and (high % p)·per_drop below 10¹⁸.
            (
                u128::from(high / p),
                (high % p) * per_drop + (low + drop / 2) / drop,
            )
        }
        _ => return None,
    };
    if frac == POW10_19 / 10 {
        floor += 1;
        frac = 0;
    }
    Some((i128::try_from(floor).ok()?, i128::from(frac)))
}

fn share(
    total: Decimal,
    exact: &[Decimal],
    to_units: impl Fn(Decimal) -> Option<(i128, i128)>,
    shares: &mut Shares,
) -> Option<()> {
    let n = exact.len();
    let units = &mut shares.units;
    let splits = &mut shares.exact;
    units.clear();
    splits.clear();
    if n == 0 {
        return Some(());
    }
    units.reserve(n);
    splits.reserve(n);
    // Exact shares such as a third carry noise in their last of 28 digits, which depends
    // on the order of the arithmetic. Remainders kept to 18 places of a unit lose it, so
    // equal shares tie (and go to the first written) however they were computed.
    let mut assigned: i128 = 0;
    let mut last = None;
    for &e in exact {
        let (floor, frac) = reuse_last(&mut last, e, same, &to_units)?;
        splits.push((floor, frac));
        assigned = assigned.checked_add(floor)?;
        units.push(floor);
    }
    let (total_floor, total_frac) = to_units(total)?;
    let total_units = total_floor + i128::from(total_frac * 2 >= POW10[NOISE_PLACES as usize]);
    let missing = total_units.checked_sub(assigned)?;
    // Normally 0 ≤ missing < n. Inputs that do not sum to the total (which top-down
    // rounding never produces) are still shared out exactly, in whole rounds first.
    let count = n as i128;
    let rounds = missing.div_euclid(count);
    let k = usize::try_from(missing.rem_euclid(count)).ok()?;
    if rounds != 0 {
        for u in units.iter_mut() {
            *u = u.checked_add(rounds)?;
        }
    }
    if k == 0 {
        return Some(());
    }
    // Largest remainder first; ties to the child written first.
    let order =
        |a: &(i128, usize), b: &(i128, usize)| -> Ordering { b.0.cmp(&a.0).then(a.1.cmp(&b.1)) };
    let mut remainders: Vec<(i128, usize)> =
        splits.iter().enumerate().map(|(i, s)| (s.1, i)).collect();
    if k < n {
        remainders.select_nth_unstable_by(k - 1, order);
    }
    for &(_, i) in remainders.iter().take(k) {
        if let Some(u) = units.get_mut(i) {
            *u += 1;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn hundred_customers_over_three_regions() {
        let third = Decimal::from(100) / Decimal::from(3);
        assert_eq!(
            apportion(d("100"), &[third; 3], Decimal::ONE),
            Some(vec![d("34"), d("33"), d("33")])
        );
    }

    #[test]
    fn ties_go_to_the_first_written() {
        // 1 unit to share between two equal halves of 0.5.
        assert_eq!(
            apportion(d("1"), &[d("0.5"), d("0.5")], Decimal::ONE),
            Some(vec![d("1"), d("0")])
        );
    }

    #[test]
    fn largest_remainder_wins() {
        assert_eq!(
            apportion(d("10"), &[d("3.2"), d("3.7"), d("3.1")], Decimal::ONE),
            Some(vec![d("3"), d("4"), d("3")])
        );
    }

    #[test]
    fn inputs_that_do_not_sum_are_still_shared_exactly() {
        let shares = apportion(d("1000000000000"), &[d("0"), d("0")], Decimal::ONE);
        assert_eq!(shares, Some(vec![d("500000000000"), d("500000000000")]));
        let shares = apportion(d("0"), &[d("2.5"), d("2.5")], Decimal::ONE);
        assert_eq!(shares.map(|s| s.iter().sum::<Decimal>()), Some(d("0")));
    }

    #[test]
    fn ties_do_not_depend_on_the_order_of_the_arithmetic() {
        // A third of 320000 × 0.5 and × 0.2, computed two ways: the remainders are equal
        // in truth, so the first written wins both times.
        let (a, b) = (d("320000"), d("375000"));
        let one = a * d("125000") / b;
        let two = a / b * d("125000");
        assert_ne!(one, two, "the two orders differ in the last digit");
        for node in [one, two] {
            let exact = [node * d("0.3"), node * d("0.5"), node * d("0.2")];
            let shares = apportion(d("106666.67"), &exact, d("0.01"));
            assert_eq!(shares, Some(vec![d("32000"), d("53333.34"), d("21333.33")]));
        }
    }

    #[test]
    fn a_count_of_units_is_the_product_with_the_unit() {
        for unit in ["0.01", "1", "0.05", "1000", "0.001"] {
            let unit = d(unit);
            for units in [0i128, 1, -3, 123_456_789, 10i128.pow(27)] {
                let product = Decimal::try_from_i128_with_scale(units, 0)
                    .ok()
                    .and_then(|u| u.checked_mul(unit));
                let built = of_units(units, unit);
                assert_eq!(built, product);
                // Equal to the digit: the same scale as well.
                assert_eq!(built.map(|b| b.scale()), product.map(|p| p.scale()));
            }
        }
    }

    #[test]
    fn split_units_rounds_towards_negative_infinity() {
        assert_eq!(split_units(d("2.25")), Some((2, 250_000_000_000_000_000)));
        assert_eq!(split_units(d("-2.25")), Some((-3, 750_000_000_000_000_000)));
        assert_eq!(split_units(d("-2")), Some((-2, 0)));
        // Beyond 18 places the remainder is rounded, and may round up to a whole unit.
        assert_eq!(
            split_units(d("0.9999999999999999999999999999")),
            Some((1, 0))
        );
    }

    #[test]
    fn wide_split_rounds_the_remainder_as_128_bit_division_does() {
        let max = (1i128 << 96) - 1;
        for (mantissa, scale) in [
            (0, 20),
            (max, 28),
            (max, 20),
            // A remainder of exactly one half of 10⁻¹⁸ rounds up ...
            (5 * 10i128.pow(9) + 10i128.pow(28), 28),
            // ... one below it rounds down, and one that rounds to a whole unit carries.
            (5 * 10i128.pow(9) - 1, 28),
            (10i128.pow(28) - 1, 28),
            (33_333_333_333_333_333_333_333_333_333, 26),
            // At scale 19 the last digit rounds, half up; below it nothing rounds.
            (15, 19),
            (14, 19),
            (10i128.pow(19) - 5, 19),
            (max, 19),
            (max, 0),
            (max, 18),
            (u64::MAX as i128, 3),
            (u64::MAX as i128 + 1, 3),
        ] {
            let wide = split_parts_wide(mantissa, scale);
            assert!(wide.is_some(), "{mantissa} at scale {scale}");
            assert_eq!(wide, split_parts_i128(mantissa, scale));
        }
        assert_eq!(split_parts_wide(10i128.pow(28) - 1, 28), Some((1, 0)));
        // Negative mantissas and mantissas beyond 2⁹⁶ are left to 128 bits.
        assert_eq!(split_parts_wide(-1, 28), None);
        assert_eq!(split_parts_wide(1i128 << 96, 28), None);
        assert_eq!(split_parts_wide(1, 29), None);
    }

    proptest::proptest! {
        #[test]
        fn wide_split_agrees_with_128_bit_division(
            mantissa in proptest::prop_oneof![0i128..(1i128 << 96), 0i128..(1i128 << 64)],
            scale in 0u32..=28,
        ) {
            proptest::prop_assert_eq!(
                split_parts_wide(mantissa, scale),
                split_parts_i128(mantissa, scale)
            );
        }
    }

    #[test]
    fn cents() {
        let exact = [d("0.333333"), d("0.333333"), d("0.333334")];
        assert_eq!(
            apportion(d("1"), &exact, d("0.01")),
            Some(vec![d("0.33"), d("0.33"), d("0.34")])
        );
    }
}
