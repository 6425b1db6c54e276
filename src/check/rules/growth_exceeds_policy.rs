//! `growth-exceeds-policy`: the rule's documentation and metadata, and its check, run on
//! every goal.

use super::Rule;
use crate::check::lint;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Goal;
use crate::source::Span;
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::GrowthExceedsPolicy,
    level: Severity::Warning,
    lint: true,
    smart: Some('A'),
    what: "A target whose growth over its baseline exceeds `policy.max_growth` (default 50 %).",
    why: "Growth far above the policy is rarely achievable and should be a deliberate, reviewed decision.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 20M CNY  baseline 10M CNY in 2025 }   # +100%"#,
    fix: "Lower the target, or mark the decision with `allow growth-exceeds-policy`, or raise `max_growth` in planck.toml.",
};

/// A target that grows more over its baseline (in the same unit) than the policy allows.
pub(crate) fn check(goal: &Goal, policy: &Policy, out: &mut Vec<Diagnostic>) {
    if let (Some(target), Some((baseline, _))) = (&goal.target, &goal.baseline)
        && target.unit == baseline.unit
    {
        growth(
            goal,
            target.value,
            baseline.value,
            baseline.span,
            policy,
            out,
        );
    }
}

fn growth(
    goal: &Goal,
    target: Decimal,
    baseline: Decimal,
    baseline_span: Span,
    policy: &Policy,
    out: &mut Vec<Diagnostic>,
) {
    let limit = crate::fmt_num::percent(policy.max_growth);
    let (message, label, help) = if baseline.is_zero() {
        if target.is_zero() {
            return;
        }
        (
            format!("growth from a zero baseline is unbounded (policy: at most {limit})"),
            "zero baseline".to_string(),
            "check the baseline, or `allow growth-exceeds-policy` for a new business line",
        )
    } else {
        let Some(growth) = target
            .checked_div(baseline)
            .map(|ratio| ratio - Decimal::ONE)
        else {
            return;
        };
        if growth <= policy.max_growth {
            return;
        }
        let shown = crate::fmt_num::percent(growth.round_dp(4));
        (
            format!(
                "goal `{}` grows {shown} over its baseline, above the policy's {limit}",
                goal.name
            ),
            format!("+{shown} from here"),
            "lower the target, explain the jump with `allow growth-exceeds-policy`, or raise `max_growth` in planck.toml",
        )
    };
    lint(
        goal,
        out,
        Diagnostic::new(Code::GrowthExceedsPolicy, baseline_span, message)
            .with_label(label)
            .with_help(help),
    );
}
