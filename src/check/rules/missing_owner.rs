//! `missing-owner`: the rule's documentation and metadata, and its check, run on every
//! goal.

use super::Rule;
use crate::check::lint;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Goal;

pub const RULE: Rule = Rule {
    code: Code::MissingOwner,
    level: Severity::Warning,
    lint: true,
    smart: Some('S'),
    what: "A goal without an `owner`.",
    why: "A specific goal says who is accountable for it.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" { target 12M CNY }"#,
    fix: "Add `owner \"销售总监\"`, or name a rep or team: `owner east_team`.",
};

/// A goal without an owner, unless its `owner` was written and reported as invalid.
pub(crate) fn check(goal: &Goal, out: &mut Vec<Diagnostic>) {
    if goal.owner.is_none() && !goal.owner_invalid {
        lint(
            goal,
            out,
            Diagnostic::new(
                Code::MissingOwner,
                goal.name_span,
                format!("goal `{}` has no owner", goal.name),
            )
            .with_label("nobody owns this goal")
            .with_help("add `owner REP_OR_TEAM` or `owner \"name\"`, or `allow missing-owner`"),
        );
    }
}
