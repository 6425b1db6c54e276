//! `missing-label`: the rule's documentation and metadata, and its check, run on every
//! goal.

use super::Rule;
use crate::check::lint;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Goal;

pub const RULE: Rule = Rule {
    code: Code::MissingLabel,
    level: Severity::Warning,
    lint: true,
    smart: Some('S'),
    what: "A goal without a label (the string after its name).",
    why: "A specific goal says in words what it is; the label is what reports show.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY }"#,
    fix: "Write `goal revenue \"2026 全年销售额\" { … }`.",
};

/// A goal without a label.
pub(crate) fn check(goal: &Goal, out: &mut Vec<Diagnostic>) {
    if goal.label.is_none() {
        let name = &goal.name;
        lint(
            goal,
            out,
            Diagnostic::new(
                Code::MissingLabel,
                goal.name_span,
                format!("goal `{name}` has no label"),
            )
            .with_label("no label after the name")
            .with_help(format!(
                "say what the goal is: `goal {name} \"2026 全年销售额\" {{ … }}`"
            )),
        );
    }
}
