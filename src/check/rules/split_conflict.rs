//! `split-conflict`: the rule's documentation and metadata, and its checks, run by the
//! split walker (`src/check/splits.rs`) on each level of a goal's splits.

use super::Rule;
use crate::check::splits::{Level, dim_name};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::percent;
use crate::hash::{Map, map_with_capacity};
use crate::model::{DimRef, Entry, MemberRef, Model, Share, Split, SplitKind};
use crate::period::TimeDim;
use rust_decimal::Decimal;

pub const RULE: Rule = Rule {
    code: Code::SplitConflict,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "Two splits on one dimension at one level, a dimension split again inside itself, time dimensions that do not nest (weeks beside months), or side-by-side time splits whose shares disagree.",
    why: "The plan would say two different things about the same cells.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY
  split quarter { Q1 25%  Q2 25%  Q3 25%  Q4 25% }
  split month { Jan 10%  Feb 10%  Mar 10%  Apr 8%  May 8%  Jun 9%     # Q1: 30%
                Jul 8%  Aug 8%  Sep 9%  Oct 8%  Nov 7%  Dec 5% }   # Q4: 20%
}"#,
    fix: "Keep one split per dimension per level; make finer time shares add up to their coarser slice, or use `split month even` beside the quarter split.",
};

/// Two splits on one dimension, a dimension already split further out, and time
/// dimensions that do not nest.
pub(crate) fn check(model: &Model, splits: &[Split], level: &Level, out: &mut Vec<Diagnostic>) {
    for (i, split) in splits.iter().enumerate() {
        let name = dim_name(model, split.dim);
        if let Some(first) = splits[..i].iter().find(|s| s.dim == split.dim) {
            out.push(
                Diagnostic::new(
                    Code::SplitConflict,
                    split.dim_span,
                    format!("`{name}` is split twice at the same level"),
                )
                .with_label("second split")
                .with_secondary(first.dim_span, "first split")
                .with_help("merge the two splits into one"),
            );
            continue;
        }
        if let Some((_, outer)) = level.ancestors.iter().find(|(d, _)| *d == split.dim) {
            out.push(
                Diagnostic::new(
                    Code::SplitConflict,
                    split.dim_span,
                    format!("`{name}` is already split by an enclosing split"),
                )
                .with_label("split again inside itself")
                .with_secondary(*outer, "the enclosing split")
                .with_help("a nested block splits its member along another dimension"),
            );
            continue;
        }
        let DimRef::Time(t) = split.dim else { continue };
        let clash = level
            .ancestors
            .iter()
            .chain(
                splits[..i]
                    .iter()
                    .map(|s| (s.dim, s.dim_span))
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .find_map(|(d, span)| match d {
                DimRef::Time(other) if !(t.nests_in(*other) || other.nests_in(t)) => {
                    Some((*other, *span))
                }
                _ => None,
            });
        if let Some((other, span)) = clash {
            out.push(
                Diagnostic::new(
                    Code::SplitConflict,
                    split.dim_span,
                    format!("`{}` slices do not nest in `{}` slices", t.name(), other.name()),
                )
                .with_label("cannot be combined")
                .with_secondary(span, format!("the `{}` split", other.name()))
                .with_help("ISO weeks cross month and quarter ends: split by week alone, or by half/quarter/month"),
            );
            continue;
        }
        let coarser_inside_finer = level.ancestors.iter().find_map(|(d, span)| match d {
            DimRef::Time(outer) if outer.nests_in(t) => Some((*outer, *span)),
            _ => None,
        });
        if let Some((outer, span)) = coarser_inside_finer {
            out.push(
                Diagnostic::new(
                    Code::SplitConflict,
                    split.dim_span,
                    format!("a `{}` split inside a `{}` slice", t.name(), outer.name()),
                )
                .with_label("coarser than its enclosing slice")
                .with_secondary(span, "the finer split")
                .with_help(
                    "split the coarser dimension first, the finer one inside it or beside it",
                ),
            );
        }
    }
}

/// Side-by-side time splits that both carry explicit shares must agree: the finer
/// slices inside each coarser slice must add up to it. Every coarser slice that
/// disagrees is reported, so one run shows every share to correct.
pub(crate) fn time_agreement(
    model: &Model,
    splits: &[Split],
    level: &Level,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = level.value.filter(|v| !v.is_zero()) else {
        return;
    };
    let explicit: Vec<(TimeDim, &Split, Map<usize, Decimal>)> = splits
        .iter()
        .filter_map(|s| {
            let DimRef::Time(t) = s.dim else { return None };
            let SplitKind::Entries {
                entries,
                complete: true,
                ..
            } = &s.kind
            else {
                return None;
            };
            let fractions = fractions(entries, value)?;
            Some((t, s, fractions))
        })
        .collect();
    for (fine, fine_split, fine_fr) in &explicit {
        for (coarse, coarse_split, coarse_fr) in &explicit {
            if !fine.nests_in(*coarse) {
                continue;
            }
            let fine_slices = model.slices(*fine);
            for (ci, coarse_slice) in model.slices(*coarse).iter().enumerate() {
                let Some(&want) = coarse_fr.get(&ci) else {
                    continue;
                };
                let got = fine_slices
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| coarse_slice.period.contains(&s.period))
                    .filter_map(|(i, _)| fine_fr.get(&i))
                    .fold(Decimal::ZERO, |a, b| a.saturating_add(*b));
                if got != want {
                    out.push(
                        Diagnostic::new(
                            Code::SplitConflict,
                            fine_split.dim_span,
                            format!(
                                "the {}s of {} total {}, but `split {}` gives {} {}",
                                fine.name(),
                                coarse_slice.name,
                                percent(got),
                                coarse.name(),
                                coarse_slice.name,
                                percent(want)
                            ),
                        )
                        .with_label("disagrees")
                        .with_secondary(coarse_split.dim_span, format!("the `{}` split", coarse.name()))
                        .with_help(format!(
                            "make the {}s of each {} add up to it, or write `split {} even` to spread each {} evenly",
                            fine.name(),
                            coarse.name(),
                            fine.name(),
                            coarse.name()
                        )),
                    );
                }
            }
        }
    }
}

/// Each time entry's fraction of the whole, when shares, amounts and `rest` can all be
/// turned into fractions of `value`.
fn fractions(entries: &[Entry], value: Decimal) -> Option<Map<usize, Decimal>> {
    let mut out = map_with_capacity(entries.len());
    let mut known = Decimal::ZERO;
    let mut rest = None;
    for e in entries {
        let MemberRef::Time(_, i) = e.member else {
            return None;
        };
        let i = i as usize;
        let f = match e.share {
            Share::Percent(p) => p,
            Share::Amount(a) => a.checked_div(value)?,
            Share::Rest => {
                rest = Some(i);
                continue;
            }
            Share::Invalid => return None,
        };
        known = known.checked_add(f)?;
        out.insert(i, f);
    }
    if let Some(i) = rest {
        out.insert(i, Decimal::ONE - known);
    }
    Some(out)
}
