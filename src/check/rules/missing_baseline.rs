//! `missing-baseline`: the rule's documentation and metadata, and its check, run on every
//! goal.

use super::Rule;
use crate::check::lint;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Goal;

pub const RULE: Rule = Rule {
    code: Code::MissingBaseline,
    level: Severity::Warning,
    lint: true,
    smart: Some('A'),
    what: "A goal without a `baseline`.",
    why: "Achievability is judged against history: without last period's result, the implied growth is unknown.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" { target 12M CNY }"#,
    fix: "Add `baseline 10M CNY in 2025`, or `allow missing-baseline` for a new line of business.",
};

/// A goal without a baseline, unless its `baseline` was written and reported as invalid.
pub(crate) fn check(goal: &Goal, out: &mut Vec<Diagnostic>) {
    if goal.baseline.is_none() && !goal.baseline_invalid {
        lint(
            goal,
            out,
            Diagnostic::new(Code::MissingBaseline, goal.name_span, format!("goal `{}` has no baseline", goal.name))
                .with_label("no `baseline` to judge the target against")
                .with_help("add last period's result, e.g. `baseline 10M CNY in 2025`, or `allow missing-baseline`"),
        );
    }
}
