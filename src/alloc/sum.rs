//! Decimal addition for long sums: a [`Total`] adds exactly as `Decimal::checked_add`
//! does, bit for bit, and faster in the case a period's exact total meets most.
//!
//! The exact value of a cell usually has 28 significant digits (a share of a share), so
//! the running total of a period outgrows 96 bits and every addition rounds its last
//! digit. `checked_add` then (the scales differ once the total has dropped a digit)
//! scales into a 192-bit buffer and divides it down word by word. The result it reaches is fixed by its arithmetic, and controlled rounding reads
//! bounds from these totals, so the same total must come out here: for two positive
//! values with scales `s₁` and `s₂`, let `s = max(s₁, s₂)` and `n` be their exact sum as
//! an integer count of `10⁻ˢ`.
//!
//! - If `n` fits in 96 bits, the sum is `n` at scale `s`.
//! - Otherwise it is `n / 10ᵗ` at scale `s − t`, for the least `t` that makes the
//!   quotient (truncated) fit in 96 bits, rounded half to even on the whole remainder. A
//!   quotient that rounds up to 2⁹⁶ is divided by ten once more, rounded half to even on
//!   that last digit alone.
//!
//! Every other case (a zero, a negative value, scales more than nine apart, `t > s`) is
//! left to `checked_add` itself. The module's property test holds the two equal.

use rust_decimal::Decimal;

/// 2⁹⁶: the first mantissa a decimal cannot hold.
const LIMIT: u128 = 1 << 96;
/// The sign bit of a decimal's flags, and where its scale lies in them.
const SIGN: u32 = 1 << 31;
const SCALE_SHIFT: u32 = 16;

/// 10⁰ … 10⁹: the scale differences handled here, so `m × 10ᵈ` stays below 2¹²⁶.
const POWERS: [u128; 10] = {
    let mut powers = [1u128; 10];
    let mut i = 1;
    while i < powers.len() {
        powers[i] = powers[i - 1] * 10;
        i += 1;
    }
    powers
};

/// 2⁹⁶ × 10ᵗ for t in 0 … 9: a sum at or above the t-th needs more than t digits dropped.
const ABOVE: [u128; 10] = {
    let mut above = [0u128; 10];
    let mut i = 0;
    while i < above.len() {
        above[i] = LIMIT * POWERS[i];
        i += 1;
    }
    above
};

/// A running total of decimals, each addition exactly as `Decimal::checked_add` makes
/// it. It is kept as a decimal's 16 bytes (the flags in the low 32 bits, the mantissa
/// above them), so an addition unpacks only the value added.
#[derive(Clone, Copy)]
pub(super) struct Total(u128);

impl Total {
    pub const ZERO: Total = Total(0);

    /// Adds `v`; `None` if the sum overflows, as `checked_add` would.
    #[inline]
    pub fn add(&mut self, v: Decimal) -> Option<()> {
        let b = bits(v);
        self.0 = match add_bits(self.0, b) {
            Some(sum) => sum,
            None => bits(self.value().checked_add(v)?),
        };
        Some(())
    }

    pub fn value(self) -> Decimal {
        Decimal::deserialize(self.0.to_le_bytes())
    }
}

impl From<Decimal> for Total {
    fn from(d: Decimal) -> Total {
        Total(bits(d))
    }
}

/// A decimal's 16 bytes as one number: its flags (sign and scale) in the low 32 bits,
/// its mantissa's magnitude above them.
#[inline]
fn bits(d: Decimal) -> u128 {
    u128::from_le_bytes(d.serialize())
}

/// The sum of two positive decimals given as [`bits`], in the cases the module
/// describes; `None` for every other case, which `checked_add` decides.
#[inline]
fn add_bits(a: u128, b: u128) -> Option<u128> {
    let (fa, ma) = (a as u32, a >> 32);
    let (fb, mb) = (b as u32, b >> 32);
    if ma == 0 || mb == 0 || (fa | fb) & SIGN != 0 {
        return None;
    }
    let (sa, sb) = ((fa >> SCALE_SHIFT) & 0xff, (fb >> SCALE_SHIFT) & 0xff);
    // Below 2⁹⁶ × (10⁹ + 1) < 2¹²⁷.
    let (n, s) = match sa.abs_diff(sb) {
        0 => (ma + mb, sa),
        d @ 1..=9 if sa > sb => (ma + mb * POWERS[d as usize], sa),
        d @ 1..=9 => (ma * POWERS[d as usize] + mb, sb),
        _ => return None,
    };
    if n < LIMIT {
        return Some(positive(n, s));
    }
    // n < 2¹²⁷ < 2⁹⁶ × 10¹⁰, so some t ≤ 10 brings it below 2⁹⁶.
    let mut t = 1;
    while t < 10 && n >= ABOVE[t] {
        t += 1;
    }
    if t as u32 > s {
        return None;
    }
    let p = if t < 10 { POWERS[t] } else { POWERS[9] * 10 };
    let mut q = half_even(n, p);
    let mut scale = s - t as u32;
    if q == LIMIT {
        if scale == 0 {
            return None;
        }
        q = half_even(q, 10);
        scale -= 1;
    }
    Some(positive(q, scale))
}

/// The [`bits`] of a positive decimal of mantissa `m` (below 2⁹⁶) and scale `scale`.
#[inline]
fn positive(m: u128, scale: u32) -> u128 {
    (m << 32) | u128::from(scale << SCALE_SHIFT)
}

/// `n / p` rounded half to even.
#[inline]
fn half_even(n: u128, p: u128) -> u128 {
    let q = n / p;
    let r = n - q * p;
    let half = p / 2;
    if r > half || (r == half && q & 1 == 1) {
        q + 1
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
        let mut total = Total::from(a);
        total.add(b).map(|()| total.value())
    }

    /// Both additions, compared bit for bit (scale and sign included, not just value).
    fn same(a: Decimal, b: Decimal) -> Result<(), TestCaseError> {
        let (ours, theirs) = (add(a, b), a.checked_add(b));
        prop_assert_eq!(
            ours.map(|d| d.serialize()),
            theirs.map(|d| d.serialize()),
            "{} + {}",
            a,
            b
        );
        Ok(())
    }

    /// A mantissa of about `bits` bits: small ones, ones near 2⁹⁶, everything between.
    fn mantissa() -> impl Strategy<Value = i128> {
        prop_oneof![
            0i128..1000,
            (0u32..=96, any::<u128>()).prop_map(|(bits, r)| {
                if bits == 0 {
                    0
                } else {
                    (r >> (128 - bits)) as i128
                }
            }),
            (0i128..1 << 20).prop_map(|k| (1i128 << 96) - 1 - k),
            (0i128..1 << 20).prop_map(|k| (1i128 << 96) / 10 + k - (1 << 19)),
        ]
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (mantissa(), 0u32..=28, any::<bool>()).prop_map(|(m, scale, negative)| {
            let mut d = Decimal::from_i128_with_scale(m, scale);
            d.set_sign_negative(negative);
            d
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn adds_as_checked_add_does(a in decimal(), b in decimal()) {
            same(a, b)?;
            same(a.abs(), b.abs())?;
        }

        /// Long sums of one value (an even split), as a period's total is made.
        #[test]
        fn running_sums_add_as_checked_add_does(
            values in proptest::collection::vec(decimal(), 1..6),
            times in 1usize..400,
        ) {
            let (mut ours, mut theirs) = (Some(Total::ZERO), Some(Decimal::ZERO));
            for i in 0..times {
                let v = values[i % values.len()].abs();
                ours = ours.and_then(|mut s| s.add(v).map(|()| s));
                theirs = theirs.and_then(|s| s.checked_add(v));
                prop_assert_eq!(
                    ours.map(|s| s.value().serialize()),
                    theirs.map(|d| d.serialize())
                );
            }
        }
    }

    #[test]
    fn the_edges_of_rounding_add_as_checked_add_does() {
        let max = (1i128 << 96) - 1;
        let edges = [
            1,
            5,
            9,
            10,
            15,
            25,
            max,
            max - 1,
            max - 4,
            max - 5,
            max - 6,
            max / 2,
            max / 2 + 1,
            max / 10,
            max / 10 + 1,
            (1i128 << 96) / 10 - 1,
            10i128.pow(28) - 1,
            10i128.pow(28),
            10i128.pow(28) + 5,
            1 << 64,
            (1 << 64) - 1,
            1 << 32,
        ];
        for &x in &edges {
            for &y in &edges {
                for sx in [0, 1, 2, 9, 10, 19, 20, 27, 28] {
                    for sy in [0, 1, 2, 9, 10, 19, 20, 27, 28] {
                        let a = Decimal::from_i128_with_scale(x, sx);
                        let b = Decimal::from_i128_with_scale(y, sy);
                        same(a, b).unwrap();
                    }
                }
            }
        }
        // (2⁹⁶ − 1) × 10 + 5 hundredths: the quotient by ten rounds up to 2⁹⁶ and is
        // divided once more.
        let a = Decimal::from_i128_with_scale(max, 1);
        let b = Decimal::from_i128_with_scale(5, 2);
        let sum = add(a, b).unwrap();
        assert_eq!((sum.mantissa(), sum.scale()), ((1i128 << 96) / 10 + 1, 0));
        same(a, b).unwrap();
        // Sums that end in a tie, one a digit and the other several digits down: half to
        // even, not half up.
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        same(d("7922816251426433.7593543740785"), d("57012")).unwrap();
        let mut total = Total::ZERO;
        let mut sum = Decimal::ZERO;
        for v in [
            "2446.50000",
            "7922816251426433759354090251",
            "7922816251426433759353945900",
        ]
        .iter()
        .cycle()
        .take(4)
        {
            total.add(d(v)).unwrap();
            sum = sum.checked_add(d(v)).unwrap();
            assert_eq!(total.value().serialize(), sum.serialize());
        }
    }
}
