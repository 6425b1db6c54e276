//! Numbers and periods read from text, without the grammar.
//!
//! The builder reads the text the grammar matched with these functions, and data files
//! (CSV exports) read every cell with them, so a cell means exactly what the same text
//! means in a plan, and a file of a million rows costs no parser call per cell.

use super::ast::PeriodAtomKind;
use rust_decimal::Decimal;

/// Digits beyond this cannot be held exactly by a decimal.
pub const MAX_DIGITS: usize = 28;

/// Why a number could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// The text is not a number as the language writes one.
    NotANumber,
    /// More than 28 digits.
    TooPrecise,
    /// The value after its scale is beyond what a decimal holds.
    TooLarge,
}

/// The multiplier of a scale suffix: `k`, `M`, `B`, `万`, `亿`.
fn scale(suffix: &str) -> Option<Decimal> {
    Some(match suffix {
        "k" => Decimal::from(1_000),
        "M" => Decimal::from(1_000_000),
        "B" => Decimal::from(1_000_000_000),
        "万" => Decimal::from(10_000),
        "亿" => Decimal::from(100_000_000),
        _ => return None,
    })
}

/// Unsigned digits with `_` between groups and an optional fraction (`1_234.5`), read
/// exactly.
pub fn decimal(text: &str) -> Result<Decimal, NumberError> {
    let bytes = text.as_bytes();
    let mut mantissa: u128 = 0;
    let mut digits = 0usize;
    let mut fraction_digits = 0u32;
    let mut in_fraction = false;
    // Whether the previous byte was a digit: `_` and `.` must stand between digits.
    let mut after_digit = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if digits <= MAX_DIGITS {
                    mantissa = mantissa * 10 + u128::from(b - b'0');
                }
                if in_fraction {
                    fraction_digits += 1;
                }
                after_digit = true;
            }
            b'_' | b'.' if after_digit && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                if b == b'.' {
                    if in_fraction {
                        return Err(NumberError::NotANumber);
                    }
                    in_fraction = true;
                }
                after_digit = false;
            }
            _ => return Err(NumberError::NotANumber),
        }
    }
    if digits == 0 {
        return Err(NumberError::NotANumber);
    }
    if digits > MAX_DIGITS {
        return Err(NumberError::TooPrecise);
    }
    let mantissa = i128::try_from(mantissa).map_err(|_| NumberError::TooPrecise)?;
    Decimal::try_from_i128_with_scale(mantissa, fraction_digits)
        .map_err(|_| NumberError::TooPrecise)
}

/// A number as the language writes one: `-1_234.5`, `260k`, `1.5万`, normalised.
pub fn number(text: &str) -> Result<Decimal, NumberError> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits_end = unsigned
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(unsigned.len());
    let (digits, suffix) = unsigned.split_at(digits_end);
    let factor = if suffix.is_empty() {
        Decimal::ONE
    } else {
        scale(suffix).ok_or(NumberError::NotANumber)?
    };
    let value = decimal(digits)?
        .checked_mul(factor)
        .ok_or(NumberError::TooLarge)?;
    Ok(if negative { -value } else { value }.normalize())
}

/// Digits only, as a number; a number too large for `u32` reads as `u32::MAX`, so that
/// the calendar refuses it with the text as written.
fn count(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u32::MAX))
}

/// One period as the language writes it, the whole text: `2026`, `2026-H1`, `2026-Q3`,
/// `2026-W05`, `2026-03` or `2026-03-15`. Not checked against the calendar.
pub fn period_atom(text: &str) -> Option<PeriodAtomKind> {
    let year_text = text.get(0..4)?;
    if !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year_text.parse().ok()?;
    let Some(rest) = text.get(4..).filter(|r| !r.is_empty()) else {
        return Some(PeriodAtomKind::Year(year));
    };
    let rest = rest.strip_prefix('-')?;
    if let Some(n) = rest.strip_prefix('H') {
        return Some(PeriodAtomKind::Half(year, count(n)?));
    }
    if let Some(n) = rest.strip_prefix('Q') {
        return Some(PeriodAtomKind::Quarter(year, count(n)?));
    }
    if let Some(n) = rest.strip_prefix('W') {
        return Some(PeriodAtomKind::Week(year, count(n)?));
    }
    match rest.len() {
        2 => Some(PeriodAtomKind::Month(year, count(rest)?)),
        5 if rest.as_bytes().get(2) == Some(&b'-') => Some(PeriodAtomKind::Date(
            year,
            count(rest.get(0..2)?)?,
            count(rest.get(3..5)?)?,
        )),
        _ => None,
    }
}

/// A period, one atom or a range `start..end`: the atoms, with the byte offset where
/// the second starts.
pub fn period(text: &str) -> Option<(PeriodAtomKind, Option<(PeriodAtomKind, usize)>)> {
    match text.split_once("..") {
        None => Some((period_atom(text)?, None)),
        Some((start, end)) => {
            let trimmed = end.trim_start();
            let end_at = text.len() - trimmed.len();
            Some((
                period_atom(start.trim_end())?,
                Some((period_atom(trimmed)?, end_at)),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for (text, value) in [
            ("260k", "260000"),
            ("-1_500", "-1500"),
            ("1.5万", "15000"),
            ("2亿", "200000000"),
            ("0.25", "0.25"),
            ("1.2M", "1200000"),
            ("7B", "7000000000"),
        ] {
            assert_eq!(number(text).unwrap().to_string(), value, "{text}");
        }
        for text in [
            "", "-", "k", "1_", "_1", "1.", ".5", "1..2", "1.2.3", "12x", "1 k", "1K", "--1",
        ] {
            assert_eq!(number(text), Err(NumberError::NotANumber), "{text}");
        }
        assert_eq!(
            number("12345678901234567890123456789"),
            Err(NumberError::TooPrecise)
        );
        assert_eq!(
            number("9999999999999999999999999999B"),
            Err(NumberError::TooLarge)
        );
    }

    #[test]
    fn periods() {
        use PeriodAtomKind::*;
        assert_eq!(period_atom("2026"), Some(Year(2026)));
        assert_eq!(period_atom("2026-H2"), Some(Half(2026, 2)));
        assert_eq!(period_atom("2026-Q3"), Some(Quarter(2026, 3)));
        assert_eq!(period_atom("2026-W05"), Some(Week(2026, 5)));
        assert_eq!(period_atom("2026-03"), Some(Month(2026, 3)));
        assert_eq!(period_atom("2026-03-15"), Some(Date(2026, 3, 15)));
        assert_eq!(period_atom("2026-W99999999999"), Some(Week(2026, u32::MAX)));
        for text in [
            "",
            "202",
            "2026-",
            "2026-3",
            "2026-03-1",
            "26-03-15",
            "2026/03/15",
        ] {
            assert_eq!(period_atom(text), None, "{text}");
        }
        assert_eq!(
            period("2026-04..2026-06"),
            Some((Month(2026, 4), Some((Month(2026, 6), 9))))
        );
    }
}
