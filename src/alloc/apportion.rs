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
    share(total, exact, unit, |e| e.checked_div(unit))
}

/// [`apportion`] for a unit whose inverse is exact (a power of ten): values are turned
/// into units by multiplying with `inverse`, which is much faster than dividing.
pub(super) fn apportion_scaled(
    total: Decimal,
    exact: &[Decimal],
    unit: Decimal,
    inverse: Decimal,
) -> Option<Vec<Decimal>> {
    share(total, exact, unit, |e| e.checked_mul(inverse))
}

/// Powers of ten up to 10^28, the largest scale of a decimal.
const POW10: [i128; 29] = {
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
    let mantissa = x.mantissa();
    let scale = x.scale() as usize;
    let places = NOISE_PLACES as usize;
    let p = *POW10.get(scale)?;
    let (mut floor, rest) = (mantissa.div_euclid(p), mantissa.rem_euclid(p));
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

fn share(
    total: Decimal,
    exact: &[Decimal],
    unit: Decimal,
    to_units: impl Fn(Decimal) -> Option<Decimal>,
) -> Option<Vec<Decimal>> {
    let n = exact.len();
    if n == 0 {
        return Some(Vec::new());
    }
    let mut units: Vec<i128> = Vec::with_capacity(n);
    // Exact shares such as a third carry noise in their last of 28 digits, which depends
    // on the order of the arithmetic. Remainders kept to 18 places of a unit lose it, so
    // equal shares tie (and go to the first written) however they were computed.
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(n);
    let mut assigned: i128 = 0;
    for (i, e) in exact.iter().enumerate() {
        let (floor, frac) = split_units(to_units(*e)?)?;
        remainders.push((frac, i));
        assigned = assigned.checked_add(floor)?;
        units.push(floor);
    }
    let (total_floor, total_frac) = split_units(to_units(total)?)?;
    let total_units = total_floor + i128::from(total_frac * 2 >= POW10[NOISE_PLACES as usize]);
    let missing = total_units.checked_sub(assigned)?;
    // Normally 0 ≤ missing < n. Inputs that do not sum to the total (which top-down
    // rounding never produces) are still shared out exactly, in whole rounds first.
    let count = n as i128;
    let rounds = missing.div_euclid(count);
    let k = usize::try_from(missing.rem_euclid(count)).ok()?;
    if rounds != 0 {
        for u in &mut units {
            *u = u.checked_add(rounds)?;
        }
    }
    // Largest remainder first; ties to the child written first.
    let order =
        |a: &(i128, usize), b: &(i128, usize)| -> Ordering { b.0.cmp(&a.0).then(a.1.cmp(&b.1)) };
    if k > 0 && k < n {
        remainders.select_nth_unstable_by(k - 1, order);
    }
    for &(_, i) in remainders.iter().take(k) {
        units[i] += 1;
    }
    units
        .into_iter()
        .map(|u| {
            Decimal::try_from_i128_with_scale(u, 0)
                .ok()?
                .checked_mul(unit)
        })
        .collect()
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
    fn cents() {
        let exact = [d("0.333333"), d("0.333333"), d("0.333334")];
        assert_eq!(
            apportion(d("1"), &exact, d("0.01")),
            Some(vec![d("0.33"), d("0.33"), d("0.34")])
        );
    }
}
