//! `zero-weight`: the rule's documentation and metadata, and its checks, run by the split
//! walker (`src/check/splits.rs`) on each proportional split.

use super::Rule;
use crate::capacity;
use crate::check::splits::{Level, dim_name, list, member_name};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{DimRef, Dimension, MemberRef, Model, RepId, Split};
use crate::period::Period;
use crate::source::Span;
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::ZeroWeight,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A proportional split (`even`, `by ATTRIBUTE`, `by capacity`) with nothing to weigh: no members or reps, members lacking the attribute, or weights that total zero.",
    why: "Proportions of nothing cannot be computed; the target would vanish.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east { potential 30M CNY }  north }
goal revenue { target 1M CNY  split region by potential }"#,
    fix: "Give every member the attribute, give the team reps with capacity, or split with explicit shares.",
};

/// `split DIMENSION even` with no members (or reps, or slices) to split over; `members`
/// is how many there are at this level.
pub(crate) fn even(
    model: &Model,
    split: &Split,
    level: &Level,
    members: usize,
) -> Option<Diagnostic> {
    if members != 0 {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::ZeroWeight,
            split.span,
            format!(
                "`split {} even` has no members to split over",
                dim_name(model, split.dim)
            ),
        )
        .with_label("nothing to split over")
        .with_help(empty_help(model, split.dim, level)),
    )
}

/// `split rep by capacity` with no reps in scope, or with reps that have no capacity.
pub(crate) fn by_capacity(
    model: &Model,
    split: &Split,
    attr_span: Span,
    level: &Level,
    reps: &[RepId],
) -> Option<Diagnostic> {
    if reps.is_empty() {
        return Some(
            Diagnostic::new(
                Code::ZeroWeight,
                split.span,
                "`split rep by capacity` has no reps to split over",
            )
            .with_label("no reps here")
            .with_help(empty_help(model, split.dim, level)),
        );
    }
    let missing: Vec<String> = reps
        .iter()
        .filter_map(|r| model.rep(*r))
        .filter(|r| r.capacity.is_none())
        .map(|r| r.name.clone())
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::ZeroWeight,
            attr_span,
            format!("{} without a capacity", list(&missing)),
        )
        .with_label("weighed by capacity")
        .with_help("give every rep `capacity AMOUNT UNIT`, e.g. `capacity 1.2M CNY`"),
    )
}

/// `split rep by capacity` over reps none of whom has any effective capacity in the
/// period being split (not started yet, or ramping from zero).
pub(crate) fn no_effective_capacity(
    model: &Model,
    attr_span: Span,
    reps: &[RepId],
    period: Period,
) -> Option<Diagnostic> {
    // Only whether some weight is positive matters here; stop at the first.
    let any_capacity = reps
        .iter()
        .filter_map(|r| model.rep(*r))
        .filter_map(|r| capacity::effective(model, r, &period))
        .any(|c| c > Decimal::ZERO);
    if any_capacity {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::ZeroWeight,
            attr_span,
            format!("the reps here have no effective capacity in {period}"),
        )
        .with_label("all weights are zero")
        .with_help(
            "check the reps' `start` months and capacities, or split this period another way",
        ),
    )
}

/// `split DIMENSION by ATTRIBUTE` over a dimension without members, with members lacking
/// a numeric attribute, or whose attributes are all zero.
pub(crate) fn by_attribute(
    split: &Split,
    dim: &Dimension,
    attr: &str,
    attr_span: Span,
) -> Option<Diagnostic> {
    let name = &dim.name;
    let mut missing = Vec::new();
    let mut total = Decimal::ZERO;
    for m in &dim.members {
        match m.attr(attr).and_then(|a| a.value.weight()) {
            Some(w) => total = total.saturating_add(w),
            None => missing.push(m.name.clone()),
        }
    }
    if dim.members.is_empty() {
        Some(
            Diagnostic::new(
                Code::ZeroWeight,
                split.span,
                format!("dimension `{name}` has no members to split over"),
            )
            .with_label("nothing to split over")
            .with_help("add members to the dimension"),
        )
    } else if !missing.is_empty() {
        Some(
            Diagnostic::new(
                Code::ZeroWeight,
                attr_span,
                format!(
                    "members of `{name}` without a numeric `{attr}`: {}",
                    list(&missing)
                ),
            )
            .with_label(format!("weighed by `{attr}`"))
            .with_secondary(dim.span, "members defined here")
            .with_help(format!(
                "give every member a number, e.g. `{{ {attr} 30M CNY }}`, or split with shares"
            )),
        )
    } else if total.is_zero() {
        Some(
            Diagnostic::new(
                Code::ZeroWeight,
                attr_span,
                format!("the `{attr}` of every member of `{name}` is zero"),
            )
            .with_label("all weights are zero")
            .with_help("a proportional split needs some positive weight"),
        )
    } else {
        None
    }
}

/// What to add where a split has nothing to split over.
fn empty_help(model: &Model, dim: DimRef, level: &Level) -> String {
    match (dim, level.scope.last()) {
        (DimRef::Rep, Some(&(d, m))) => format!(
            "no team has `{} {}`: add that to a team with reps",
            dim_name(model, DimRef::User(d)),
            member_name(model, MemberRef::User(d, m))
        ),
        (DimRef::Rep, None) => "define reps in a `team` block".to_string(),
        _ => "add members to the dimension".to_string(),
    }
}
