//! `behind-pace`: the rule's documentation and metadata, and its check, run by the
//! pipeline checks (`src/check/pipeline.rs`) on each goal's progress. A pace beyond the
//! largest decimal is reported here too, as `invalid-value`.

use super::Rule;
use crate::check::lint;
use crate::check::pipeline::Standing;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::{amount, percent};
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::BehindPace,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "Actuals to date below expected-to-date × `policy.pace_tolerance` (default 90 %).",
    why: "Falling behind early is the cue to act while the period still has time.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
goal revenue { target 12M CNY }
actuals revenue {
  2026-Q1 2M
  2026-Q2 2.5M
}
# 4.5M by 2026-06-30 against the 5.95M expected: 76% of pace"#,
    fix: "Investigate the gap by region, rep and product; adjust activity or the plan.",
};

/// A goal whose actuals to date are below what is expected to date times the policy's
/// pace tolerance. False when the pace (actual ÷ expected) is beyond a decimal: that is
/// reported as `invalid-value` (unless the goal allows `behind-pace`), and the goal's
/// other progress lints are not run.
pub(crate) fn check(standing: &Standing, policy: &Policy, out: &mut Vec<Diagnostic>) -> bool {
    let Standing {
        goal,
        numbers,
        period,
        as_of,
        actual,
        ..
    } = *standing;
    let Some(expected) = numbers.expected_to_date else {
        return true;
    };
    let behind = as_of >= period.start
        && expected > Decimal::ZERO
        // A product beyond the largest decimal is above every actual.
        && expected
            .checked_mul(policy.pace_tolerance)
            .is_none_or(|pace| actual < pace);
    if !behind {
        return true;
    }
    let Some(pace) = actual.checked_div(expected).map(|p| p.round_dp(4)) else {
        if !goal.allows(Code::BehindPace) {
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    goal.name_span,
                    format!(
                        "the pace of goal `{}` (actuals to date ÷ expected to date) is {}",
                        goal.name,
                        crate::check::pipeline::beyond_signed(actual.is_sign_negative())
                    ),
                )
                .with_label("too large to compute")
                .with_help("check the actuals' amounts and their scale (`k`, `M`, `B`, `万`, `亿`) against the goal's target: they are in the goal's unit"),
            );
        }
        return false;
    };
    lint(
        goal,
        out,
        Diagnostic::new(
            Code::BehindPace,
            goal.name_span,
            format!(
                "goal `{}` stands at {} by {as_of}, {} of the {} expected (policy: at least {})",
                goal.name,
                amount(actual),
                percent(pace),
                amount(expected.round_dp(2)),
                percent(policy.pace_tolerance)
            ),
        )
        .with_label("behind pace")
        .with_help("find the gap by region, rep and product in `planck compile` output; adjust activity or the plan"),
    );
    true
}
