//! `split-coverage`: the rule's documentation and metadata, and its checks, run by the
//! split walker (`src/check/splits.rs`) on each time split.

use super::Rule;
use crate::check::splits::{Level, list};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Entry, MemberRef, Model, Split, SplitKind};
use crate::period::{TimeDim, slice_in};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: Code::SplitCoverage,
    level: Severity::Error,
    lint: false,
    smart: Some('T'),
    what: "A time split that misses a slice of its period, names a slice twice, or names a slice outside the period.",
    why: "Time-bound monitoring needs every month or quarter to have its part; a missing quarter has no target to track against.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY
  split quarter { Q1 20%  Q2 25%  Q3 55% }     # Q4 is missing
}"#,
    fix: "Name every slice once, or use `rest` for the last one, or `split quarter even`.",
};

/// A time split (with every entry resolved) that names a slice outside the period being
/// split, or misses one inside it.
pub(crate) fn check(
    model: &Model,
    split: &Split,
    t: TimeDim,
    entries: &[Entry],
    level: &Level,
    out: &mut Vec<Diagnostic>,
) {
    let Some(period) = level.period else { return };
    let slices = model.slices(t);
    let mut listed = vec![false; slices.len()];
    for e in entries {
        let MemberRef::Time(_, i) = e.member else {
            continue;
        };
        let i = i as usize;
        let Some(slice) = slices.get(i) else { continue };
        if let Some(flag) = listed.get_mut(i) {
            *flag = true;
        }
        if !slice_in(t, &slice.period, &period) {
            out.push(
                Diagnostic::new(
                    Code::SplitCoverage,
                    e.member_span,
                    format!(
                        "`{}` ({}) lies outside the period being split ({period})",
                        slice.name, slice.period
                    ),
                )
                .with_label("outside the period")
                .with_help("remove this entry, or widen the goal's `period`"),
            );
        }
    }
    let missing: Vec<String> = slices
        .iter()
        .zip(&listed)
        .filter(|(s, listed)| !**listed && slice_in(t, &s.period, &period))
        .map(|(s, _)| s.name.clone())
        .collect();
    if !missing.is_empty() {
        let span = match &split.kind {
            SplitKind::Entries { span, .. } => *span,
            _ => split.span,
        };
        out.push(
            Diagnostic::new(
                Code::SplitCoverage,
                split.dim_span,
                format!("`split {}` misses {}", t.name(), list(&missing)),
            )
            .with_label(format!("{} of {period} not covered", if missing.len() == 1 { "a slice" } else { "slices" }))
            .with_secondary(span, "these entries")
            .with_help("a time split names every slice of its period once; give the missing ones a share, or use `rest` or `even`"),
        );
    }
}

/// A slice named twice in one time split; `first` is where it was named first.
pub(crate) fn repeated_slice(name: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::SplitCoverage,
        at,
        format!("`{name}` appears twice in this split"),
    )
    .with_label("repeated")
    .with_secondary(first, "first here")
    .with_help("give each member one entry")
}
