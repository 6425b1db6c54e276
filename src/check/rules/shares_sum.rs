//! `shares-sum`: the rule's documentation and metadata, and its check, run by the split
//! walker (`src/check/splits.rs`) on each split's sums.

use super::Rule;
use crate::check::splits::Sums;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::percent;
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::SharesSum,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A split whose percentage shares do not total 100 %.",
    why: "Shares that total 95 % leave 5 % of the target assigned to nobody; 105 % asks for more than the target.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north  south }
goal revenue { target 12M CNY
  split region { east 40%  north 35%  south 20% } }"#,
    fix: "Correct the shares, or give one member `rest` to take whatever the others leave.",
};

/// A split of percentage shares alone, without `rest`, whose shares do not total 100 %.
pub(crate) fn check(sums: &Sums) -> Option<Diagnostic> {
    let shares = sums.shares;
    if sums.rest.is_some() || sums.has_amounts || shares == Decimal::ONE {
        return None;
    }
    let gap = (Decimal::ONE - shares).abs();
    let fix = if shares < Decimal::ONE {
        format!(
            "add {} to a member, or give one member `rest`",
            percent(gap)
        )
    } else {
        format!("remove {} from the shares", percent(gap))
    };
    Some(
        Diagnostic::new(
            Code::SharesSum,
            sums.block,
            format!(
                "the shares of `split {}` total {}, not 100%",
                sums.name,
                percent(shares)
            ),
        )
        .with_label(format!("total {}", percent(shares)))
        .with_help(format!("shares total {}: {fix}", percent(shares))),
    )
}
