//! Decimal numbers as users read them in messages: exact, short, never in floating point.

use rust_decimal::Decimal;

/// A fraction as a percentage: 0.4 → "40%", 0.125 → "12.5%".
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(planck::fmt_num::percent(Decimal::new(125, 3)), "12.5%");
/// ```
pub fn percent(fraction: Decimal) -> String {
    match fraction.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => format!("{} × 100%", fraction.normalize()),
    }
}

/// An amount in the plan's own notation where that is exact and short: 11500000 →
/// "11.5M", 500000 → "500k"; otherwise with thousands separators: 1234.5 → "1,234.5".
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(planck::fmt_num::amount(Decimal::from(11_500_000)), "11.5M");
/// ```
pub fn amount(value: Decimal) -> String {
    let abs = value.abs();
    for (scale, suffix) in [
        (Decimal::from(1_000_000_000), "B"),
        (Decimal::from(1_000_000), "M"),
        (Decimal::from(1_000), "k"),
    ] {
        if abs >= scale
            && let Some(scaled) = value.checked_div(scale)
        {
            let scaled = scaled.normalize();
            // Only when short: 1.234567M reads worse than 1234567.
            if scaled.scale() <= 3 && scaled.abs() < Decimal::from(1000) {
                return format!("{scaled}{suffix}");
            }
        }
    }
    group_thousands(&value.normalize().to_string())
}

/// "1996363.64" → "1,996,363.64".
pub fn group_thousands(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_exactly() {
        assert_eq!(percent(Decimal::new(125, 3)), "12.5%");
        assert_eq!(amount(Decimal::from(11_500_000)), "11.5M");
        assert_eq!(amount(Decimal::from(500_000)), "500k");
        assert_eq!(amount(Decimal::new(12345, 1)), "1,234.5");
        assert_eq!(amount(Decimal::new(199636364, 2)), "1,996,363.64");
        assert_eq!(amount(Decimal::new(-1234567, 0)), "-1,234,567");
        assert_eq!(amount(Decimal::from(-250_000)), "-250k");
        assert_eq!(amount(Decimal::from(7)), "7");
    }
}
