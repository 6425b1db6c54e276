//! `negative-remainder`: the rule's documentation and metadata, and its check, run by the
//! split walker (`src/check/splits.rs`) on each split's sums.

use super::Rule;
use crate::check::splits::Sums;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::{amount, percent};
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::NegativeRemainder,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A `rest` that would be below zero because the other entries already exceed the whole.",
    why: "A negative part of a target is meaningless and hides an over-allocation.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY
  split region { east 60%  north 50%  south rest } }"#,
    fix: "Lower the other entries so they leave something for `rest`.",
};

/// A split with `rest` whose other entries already exceed the whole: as a share (shares
/// only) or as a value (with amounts).
pub(crate) fn check(sums: &Sums) -> Option<Diagnostic> {
    let rest = sums.rest?;
    let below_zero = |r: &Decimal| r.is_sign_negative() && !r.is_zero();
    let (shown, others) = if sums.has_amounts {
        let r = sums.remainder_value.filter(below_zero)?;
        (amount(r), total_text(sums.shares, sums.amounts))
    } else {
        let r = Some(sums.remainder_share).filter(below_zero)?;
        (percent(r), percent(sums.shares))
    };
    Some(
        Diagnostic::new(
            Code::NegativeRemainder,
            rest,
            format!("`rest` would be {shown}: the other entries already total {others}"),
        )
        .with_label("below zero")
        .with_secondary(sums.block, "the split")
        .with_help("lower the other entries so they leave something for `rest`"),
    )
}

/// The other entries of a split with amounts: "5M", or "40% plus 5M".
fn total_text(shares: Decimal, amounts: Decimal) -> String {
    if shares.is_zero() {
        amount(amounts)
    } else {
        format!("{} plus {}", percent(shares), amount(amounts))
    }
}
