//! `amounts-sum`: the rule's documentation and metadata, and its check, run by the split
//! walker (`src/check/splits.rs`) on each split's sums.

use super::Rule;
use crate::check::splits::Sums;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::amount;

pub const RULE: Rule = Rule {
    code: Code::AmountsSum,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A split with amounts (alone or mixed with shares) that do not total the value being split: the goal's target, or the member's part in a nested split.",
    why: "Unallocated money is a target nobody owns; over-allocation asks for more than the plan.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY
  split region { east 5M  north 4M  south 2.5M } }"#,
    fix: "Correct the amounts, or give one member `rest`.",
};

/// A split with amounts, without `rest`, whose entries do not total the value being
/// split (when that value is known).
pub(crate) fn check(sums: &Sums) -> Option<Diagnostic> {
    if sums.rest.is_some() || !sums.has_amounts {
        return None;
    }
    let v = sums.value?;
    let total = v
        .checked_mul(sums.shares)
        .and_then(|s| s.checked_add(sums.amounts))?;
    if total == v {
        return None;
    }
    let gap = (v - total).abs();
    // Amounts alone that total exactly 100 are nearly always percentages whose `%` was
    // left out: say so rather than how much is not allocated.
    let hundred = rust_decimal::Decimal::ONE_HUNDRED;
    if sums.shares.is_zero() && sums.amounts == hundred {
        return Some(
            Diagnostic::new(
                Code::AmountsSum,
                sums.block,
                format!(
                    "the entries of `split {}` total 100, but {} is {}: are they percentages without `%`?",
                    sums.name,
                    sums.whole,
                    amount(v)
                ),
            )
            .with_label("total 100")
            .with_help("write each share with its `%`, e.g. `east 60%`; an entry without `%` is an amount in the goal's unit"),
        );
    }
    let fix = if total < v {
        format!(
            "{} is not allocated: add it to a member, or give one member `rest`",
            amount(gap)
        )
    } else {
        format!("{} too much is allocated: lower the amounts", amount(gap))
    };
    Some(
        Diagnostic::new(
            Code::AmountsSum,
            sums.block,
            format!(
                "the entries of `split {}` total {}, but {} is {}",
                sums.name,
                amount(total),
                sums.whole,
                amount(v)
            ),
        )
        .with_label(format!("total {}", amount(total)))
        .with_help(fix),
    )
}
