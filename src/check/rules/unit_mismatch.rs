//! `unit-mismatch`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`) for baselines and currencies; `split rep by
//! capacity` is checked here, for the split walker.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Goal, Model, RepId};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: Code::UnitMismatch,
    level: Severity::Error,
    lint: false,
    smart: Some('M'),
    what: "Quantities of different units that must agree: a baseline in another unit than its target, a currency other than the plan's, or a rep weighed `by capacity` whose capacity is in another unit than the goal's target.",
    why: "Measurable goals compare like with like; 10M USD against 12M CNY is not a growth rate, and 120 customers against 120 USD is no weight.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY  baseline 1.5M USD in 2025 }"#,
    fix: "Use the target's unit for the baseline and the plan's currency for every amount; split a goal `by capacity` only over reps whose capacity is in the goal's unit, or split it with shares.",
};

/// `split rep by capacity` in `goal` over `reps`: report each rep whose capacity is in
/// another unit than the goal's target, as weighing customers against dollars means
/// nothing. True if any was reported.
pub(crate) fn split_by_capacity(
    model: &Model,
    goal: &Goal,
    reps: &[RepId],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let Some(target) = &goal.target else {
        return false;
    };
    let mut found = false;
    for rep in reps.iter().filter_map(|r| model.rep(*r)) {
        let Some(cap) = &rep.capacity else { continue };
        if cap.unit == target.unit {
            continue;
        }
        found = true;
        out.push(
            Diagnostic::new(
                Code::UnitMismatch,
                cap.span,
                format!(
                    "`split rep by capacity` weighs `{}` by a capacity in `{}`, but goal `{}` is counted in `{}`",
                    rep.name, cap.unit, goal.name, target.unit
                ),
            )
            .with_label(format!("expected {}", target.unit))
            .with_secondary(unit_span(target.span, &target.unit), "the goal's unit")
            .with_help(format!(
                "weighing by capacity compares like with like: give `{}` a capacity in {}, or split this goal with shares",
                rep.name, target.unit
            )),
        );
    }
    found
}

/// The unit of a quantity: the grammar writes it last (`12M CNY`), so it ends the
/// quantity's span.
fn unit_span(quantity: Span, unit: &str) -> Span {
    match quantity.end().checked_sub(unit.len()) {
        Some(start) if start >= quantity.start() => quantity.with_start(start),
        _ => quantity,
    }
}
