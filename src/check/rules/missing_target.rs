//! `missing-target`: the rule's documentation and metadata, and its check, run on every
//! goal.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Goal;

pub const RULE: Rule = Rule {
    code: Code::MissingTarget,
    level: Severity::Error,
    lint: false,
    smart: Some('M'),
    what: "A goal without a `target`.",
    why: "A goal is measurable only with a target quantity; nothing can be decomposed or tracked without one.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" { owner "销售总监" }"#,
    fix: "Add `target AMOUNT UNIT`, e.g. `target 12M CNY` or `target 40 customers`.",
};

/// A goal without a target, unless its `target` was written and reported as invalid.
pub(crate) fn check(goal: &Goal, out: &mut Vec<Diagnostic>) {
    if goal.target.is_none() && !goal.target_invalid {
        out.push(
            Diagnostic::new(Code::MissingTarget, goal.name_span, format!("goal `{}` has no target", goal.name))
                .with_label("no `target` in this goal")
                .with_help("a goal is measurable: add `target AMOUNT UNIT`, e.g. `target 12M CNY` or `target 40 customers`"),
        );
    }
}
