//! `orphan-goal`: the rule's documentation and metadata, and its check, run on every goal.

use super::Rule;
use crate::check::lint;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Goal;

pub const RULE: Rule = Rule {
    code: Code::OrphanGoal,
    level: Severity::Warning,
    lint: true,
    smart: Some('R'),
    what: "A goal that supports no strategy and has no parent goal.",
    why: "A relevant goal serves the strategy; a goal tied to nothing competes for resources without a reason.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal visits "拜访量" { target 400 visits }"#,
    fix: "Add `supports STRATEGY` or `parent GOAL`.",
};

/// A goal tied to no strategy and no parent, unless one of its links did not resolve.
pub(crate) fn check(goal: &Goal, out: &mut Vec<Diagnostic>) {
    if goal.supports.is_empty() && goal.parent.is_none() && !goal.links_invalid {
        lint(
            goal,
            out,
            Diagnostic::new(
                Code::OrphanGoal,
                goal.name_span,
                format!(
                    "goal `{}` supports no strategy and has no parent",
                    goal.name
                ),
            )
            .with_label("relevant to what?")
            .with_help("add `supports STRATEGY` or `parent GOAL`"),
        );
    }
}
