//! Decomposition checks: every split must add up, cover its period, and not contradict
//! another split.
//!
//! The walk follows the order splits apply in: the splits written directly in a goal
//! form one level; each member's nested block forms a level below it, with the member's
//! value, period (for time members) and rep scope (for region-like members).

use crate::capacity;
use crate::diagnostic::{Code, Diagnostic};
use crate::fmt_num::{amount, percent};
use crate::model::*;
use crate::period::{Period, TimeDim, slice_in};
use crate::source::Span;
use rust_decimal::Decimal;
use std::collections::HashMap;

pub(super) fn check_goal(model: &Model, goal: &Goal, out: &mut Vec<Diagnostic>) {
    let mut check = SplitCheck { model, goal, out };
    let level = Level {
        value: goal.target.as_ref().map(|t| t.value),
        period: goal.period,
        ancestors: Vec::new(),
        scope: Vec::new(),
        whole: "the goal's target".to_string(),
    };
    check.level(&goal.splits, &level);
}

/// What a group of splits side by side is splitting.
#[derive(Clone)]
struct Level {
    /// The value being split, when known.
    value: Option<Decimal>,
    /// The period being split, when known.
    period: Option<Period>,
    /// Splits this level is nested in, outermost first, with their spans.
    ancestors: Vec<(DimRef, Span)>,
    /// Enclosing user members, which narrow `split rep` to the matching teams.
    scope: Vec<(DimId, MemberId)>,
    /// What is being split, for messages: "the goal's target", "`east`".
    whole: String,
}

/// The check of one goal's splits, level by level, and where its diagnostics go.
struct SplitCheck<'a> {
    model: &'a Model,
    goal: &'a Goal,
    out: &'a mut Vec<Diagnostic>,
}

fn dim_name(model: &Model, dim: DimRef) -> String {
    match dim {
        DimRef::User(d) => model
            .dimension(d)
            .map_or_else(String::new, |d| d.name.clone()),
        DimRef::Rep => "rep".to_string(),
        DimRef::Time(t) => t.name().to_string(),
    }
}

fn member_name(model: &Model, member: MemberRef) -> String {
    match member {
        MemberRef::User(d, m) => model
            .dimension(d)
            .and_then(|d| d.members.get(m.index()))
            .map_or_else(String::new, |m| m.name.clone()),
        MemberRef::Rep(r) => model.rep(r).map_or_else(String::new, |r| r.name.clone()),
        MemberRef::Time(t, i) => model
            .slices(t)
            .get(i)
            .map_or_else(String::new, |s| s.name.clone()),
    }
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut s: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if names.len() > SHOWN {
        s.push(format!("and {} more", names.len() - SHOWN));
    }
    s.join(", ")
}

impl SplitCheck<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn level(&mut self, splits: &[Split], level: &Level) {
        self.conflicts(splits, level);
        for split in splits {
            self.split(split, level);
        }
        self.time_agreement(splits, level);
    }

    /// Two splits on one dimension, a dimension already split further out, and time
    /// dimensions that do not nest.
    fn conflicts(&mut self, splits: &[Split], level: &Level) {
        for (i, split) in splits.iter().enumerate() {
            let name = dim_name(self.model, split.dim);
            if let Some(first) = splits[..i].iter().find(|s| s.dim == split.dim) {
                self.push(
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
                self.push(
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
                self.push(
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
                self.push(
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

    fn split(&mut self, split: &Split, level: &Level) {
        let name = dim_name(self.model, split.dim);
        match &split.kind {
            SplitKind::Even => {
                let count = self.member_count(split.dim, level);
                if count == 0 {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            split.span,
                            format!("`split {name} even` has no members to split over"),
                        )
                        .with_label("nothing to split over")
                        .with_help(self.empty_help(split.dim, level)),
                    );
                }
            }
            SplitKind::By { attr, span } => self.by(split, attr, *span, level),
            SplitKind::Entries {
                entries,
                span,
                complete,
            } => {
                self.duplicates(split, entries);
                if split.dim == DimRef::Rep {
                    self.reps_in_scope(entries, level);
                }
                // A member that did not resolve would make coverage and sums look wrong.
                let values = if *complete {
                    if let DimRef::Time(t) = split.dim {
                        self.coverage(split, t, entries, level);
                    }
                    self.sums(&name, entries, *span, level)
                } else {
                    vec![None; entries.len()]
                };
                for (entry, value) in entries.iter().zip(values) {
                    if entry.nested.is_empty() {
                        continue;
                    }
                    let mut inner = level.clone();
                    inner.value = value;
                    inner.ancestors.push((split.dim, split.dim_span));
                    inner.whole = format!("`{}`", member_name(self.model, entry.member));
                    match entry.member {
                        MemberRef::User(d, m) => inner.scope.push((d, m)),
                        MemberRef::Time(t, i) => {
                            inner.period = self.model.slices(t).get(i).map(|s| s.period);
                        }
                        MemberRef::Rep(_) => {}
                    }
                    self.level(&entry.nested, &inner);
                }
            }
        }
    }

    fn empty_help(&self, dim: DimRef, level: &Level) -> String {
        match dim {
            DimRef::Rep if !level.scope.is_empty() => {
                let (d, m) = level.scope[level.scope.len() - 1];
                format!(
                    "no team has `{} {}`: add that to a team with reps",
                    dim_name(self.model, DimRef::User(d)),
                    member_name(self.model, MemberRef::User(d, m))
                )
            }
            DimRef::Rep => "define reps in a `team` block".to_string(),
            _ => "add members to the dimension".to_string(),
        }
    }

    fn reps_for(&self, level: &Level) -> Vec<RepId> {
        self.model.reps_in_scope(&level.scope)
    }

    fn member_count(&mut self, dim: DimRef, level: &Level) -> usize {
        match dim {
            DimRef::User(d) => self.model.dimension(d).map_or(0, |d| d.members.len()),
            DimRef::Rep => self.reps_for(level).len(),
            DimRef::Time(t) => match level.period {
                Some(p) => self
                    .model
                    .slices(t)
                    .iter()
                    .filter(|s| slice_in(t, &s.period, &p))
                    .count(),
                None => 1,
            },
        }
    }

    fn by(&mut self, split: &Split, attr: &str, attr_span: Span, level: &Level) {
        let name = dim_name(self.model, split.dim);
        match split.dim {
            DimRef::Time(_) => self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    attr_span,
                    format!("time slices have no attribute `{attr}`"),
                )
                .with_label("not an attribute of time")
                .with_help(format!(
                    "use `split {name} even` or list a share for each slice"
                )),
            ),
            DimRef::Rep if attr != "capacity" => self.push(
                Diagnostic::new(
                    Code::UnresolvedName,
                    attr_span,
                    format!("reps have no attribute `{attr}`"),
                )
                .with_label("unknown rep attribute")
                .with_help("reps are weighed `by capacity`"),
            ),
            DimRef::Rep => {
                let reps = self.reps_for(level);
                if reps.is_empty() {
                    let help = self.empty_help(split.dim, level);
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            split.span,
                            "`split rep by capacity` has no reps to split over",
                        )
                        .with_label("no reps here")
                        .with_help(help),
                    );
                    return;
                }
                let missing: Vec<String> = reps
                    .iter()
                    .filter_map(|r| self.model.rep(*r))
                    .filter(|r| r.capacity.is_none())
                    .map(|r| r.name.clone())
                    .collect();
                if !missing.is_empty() {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            attr_span,
                            format!("{} without a capacity", list(&missing)),
                        )
                        .with_label("weighed by capacity")
                        .with_help(
                            "give every rep `capacity AMOUNT UNIT`, e.g. `capacity 1.2M CNY`",
                        ),
                    );
                    return;
                }
                if super::capacity::unit_mismatches(self.model, self.goal, &reps, self.out) {
                    return;
                }
                let Some(period) = level.period else { return };
                // Only whether some weight is positive matters here; stop at the first.
                let any_capacity = reps
                    .iter()
                    .filter_map(|r| self.model.rep(*r))
                    .filter_map(|r| capacity::effective(self.model, r, &period))
                    .any(|c| c > Decimal::ZERO);
                if !any_capacity {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            attr_span,
                            format!("the reps here have no effective capacity in {period}"),
                        )
                        .with_label("all weights are zero")
                        .with_help("check the reps' `start` months and capacities, or split this period another way"),
                    );
                }
            }
            DimRef::User(d) => {
                let Some(dim) = self.model.dimension(d) else {
                    return;
                };
                let mut missing = Vec::new();
                let mut total = Decimal::ZERO;
                for m in &dim.members {
                    match m.attr(attr).and_then(|a| a.value.weight()) {
                        Some(w) => total = total.saturating_add(w),
                        None => missing.push(m.name.clone()),
                    }
                }
                if dim.members.is_empty() {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            split.span,
                            format!("dimension `{name}` has no members to split over"),
                        )
                        .with_label("nothing to split over")
                        .with_help("add members to the dimension"),
                    );
                } else if !missing.is_empty() {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            attr_span,
                            format!("members of `{name}` without a numeric `{attr}`: {}", list(&missing)),
                        )
                        .with_label(format!("weighed by `{attr}`"))
                        .with_secondary(dim.span, "members defined here")
                        .with_help(format!(
                            "give every member a number, e.g. `{{ {attr} 30M CNY }}`, or split with shares"
                        )),
                    );
                } else if total.is_zero() {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroWeight,
                            attr_span,
                            format!("the `{attr}` of every member of `{name}` is zero"),
                        )
                        .with_label("all weights are zero")
                        .with_help("a proportional split needs some positive weight"),
                    );
                }
            }
        }
    }

    fn duplicates(&mut self, split: &Split, entries: &[Entry]) {
        let mut seen: HashMap<MemberRef, Span> = HashMap::with_capacity(entries.len());
        for e in entries {
            if let Some(first) = seen.get(&e.member) {
                let name = member_name(self.model, e.member);
                let code = if matches!(split.dim, DimRef::Time(_)) {
                    Code::SplitCoverage
                } else {
                    Code::DuplicateName
                };
                self.push(
                    Diagnostic::new(
                        code,
                        e.member_span,
                        format!("`{name}` appears twice in this split"),
                    )
                    .with_label("repeated")
                    .with_secondary(*first, "first here")
                    .with_help("give each member one entry"),
                );
            } else {
                seen.insert(e.member, e.member_span);
            }
        }
    }

    fn coverage(&mut self, split: &Split, t: TimeDim, entries: &[Entry], level: &Level) {
        let Some(period) = level.period else { return };
        let slices = self.model.slices(t);
        let mut listed = vec![false; slices.len()];
        for e in entries {
            let MemberRef::Time(_, i) = e.member else {
                continue;
            };
            let Some(slice) = slices.get(i) else { continue };
            if let Some(flag) = listed.get_mut(i) {
                *flag = true;
            }
            if !slice_in(t, &slice.period, &period) {
                self.push(
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
            self.push(
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

    fn reps_in_scope(&mut self, entries: &[Entry], level: &Level) {
        if level.scope.is_empty() {
            return;
        }
        let allowed: std::collections::HashSet<RepId> = self.reps_for(level).into_iter().collect();
        for e in entries {
            let MemberRef::Rep(r) = e.member else {
                continue;
            };
            if !allowed.contains(&r) {
                let (d, m) = level.scope[level.scope.len() - 1];
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        e.member_span,
                        format!(
                            "rep `{}` is not in a team of `{} {}`",
                            member_name(self.model, e.member),
                            dim_name(self.model, DimRef::User(d)),
                            member_name(self.model, MemberRef::User(d, m))
                        ),
                    )
                    .with_label("not in this part of the split")
                    .with_help(
                        "move the rep to a team with that coordinate, or split the rep elsewhere",
                    ),
                );
            }
        }
    }

    /// Check shares and amounts; return each entry's value where it can be known.
    fn sums(
        &mut self,
        name: &str,
        entries: &[Entry],
        block: Span,
        level: &Level,
    ) -> Vec<Option<Decimal>> {
        let unknown = vec![None; entries.len()];
        if entries.iter().any(|e| e.share == Share::Invalid) {
            return unknown;
        }
        let value = level.value;
        // After a sum error the explicit parts are still known, so nested splits inside
        // them are still checked; only `rest` is not.
        let explicit = || -> Vec<Option<Decimal>> {
            entries
                .iter()
                .map(|e| match e.share {
                    Share::Percent(p) => value.and_then(|v| v.checked_mul(p)),
                    Share::Amount(a) => Some(a),
                    Share::Rest | Share::Invalid => None,
                })
                .collect()
        };
        let mut shares = Decimal::ZERO;
        let mut amounts = Decimal::ZERO;
        let mut has_amounts = false;
        let mut rest: Option<&Entry> = None;
        let mut overflow = false;
        for e in entries {
            match e.share {
                Share::Percent(p) => match shares.checked_add(p) {
                    Some(sum) => shares = sum,
                    None => overflow = true,
                },
                Share::Amount(a) => {
                    has_amounts = true;
                    match amounts.checked_add(a) {
                        Some(sum) => amounts = sum,
                        None => overflow = true,
                    }
                }
                Share::Rest => {
                    if rest.is_some() {
                        self.push(
                            Diagnostic::new(
                                Code::InvalidValue,
                                e.span,
                                "a split has at most one `rest`",
                            )
                            .with_label("second `rest`")
                            .with_help("give this member a share or an amount"),
                        );
                        return unknown;
                    }
                    rest = Some(e);
                }
                Share::Invalid => {}
            }
        }
        let remainder_unrepresentable = value.is_some_and(|v| {
            v.checked_mul(shares)
                .and_then(|s| v.checked_sub(s))
                .and_then(|r| r.checked_sub(amounts))
                .is_none()
        });
        if overflow || remainder_unrepresentable {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    block,
                    format!(
                        "the entries of `split {name}` total more than can be computed exactly"
                    ),
                )
                .with_label("overflows")
                .with_help(
                    "amounts must stay below 7.9 × 10²⁸; check for a misplaced scale suffix",
                ),
            );
            return unknown;
        }
        // The remainder as a share (without amounts) or as a value (with them).
        let remainder_share = Decimal::ONE - shares;
        let remainder_value =
            value.and_then(|v| v.checked_sub(v.checked_mul(shares)?)?.checked_sub(amounts));
        match rest {
            Some(rest_entry) => {
                let negative = if has_amounts {
                    remainder_value.filter(|r| r.is_sign_negative() && !r.is_zero())
                } else {
                    Some(remainder_share).filter(|r| r.is_sign_negative() && !r.is_zero())
                };
                if let Some(r) = negative {
                    let (shown, others) = if has_amounts {
                        (amount(r), self.total_text(shares, amounts, has_amounts))
                    } else {
                        (percent(r), percent(shares))
                    };
                    self.push(
                        Diagnostic::new(
                            Code::NegativeRemainder,
                            rest_entry.span,
                            format!(
                                "`rest` would be {shown}: the other entries already total {others}"
                            ),
                        )
                        .with_label("below zero")
                        .with_secondary(block, "the split")
                        .with_help("lower the other entries so they leave something for `rest`"),
                    );
                    return explicit();
                }
            }
            None if !has_amounts => {
                if shares != Decimal::ONE {
                    let gap = (Decimal::ONE - shares).abs();
                    let fix = if shares < Decimal::ONE {
                        format!(
                            "add {} to a member, or give one member `rest`",
                            percent(gap)
                        )
                    } else {
                        format!("remove {} from the shares", percent(gap))
                    };
                    self.push(
                        Diagnostic::new(
                            Code::SharesSum,
                            block,
                            format!(
                                "the shares of `split {name}` total {}, not 100%",
                                percent(shares)
                            ),
                        )
                        .with_label(format!("total {}", percent(shares)))
                        .with_help(format!("shares total {}: {fix}", percent(shares))),
                    );
                    return explicit();
                }
            }
            None => {
                let Some(v) = value else { return explicit() };
                let Some(total) = v.checked_mul(shares).and_then(|s| s.checked_add(amounts)) else {
                    return explicit();
                };
                if total != v {
                    let gap = (v - total).abs();
                    let fix = if total < v {
                        format!(
                            "{} is not allocated: add it to a member, or give one member `rest`",
                            amount(gap)
                        )
                    } else {
                        format!("{} too much is allocated: lower the amounts", amount(gap))
                    };
                    let whole = &level.whole;
                    self.push(
                        Diagnostic::new(
                            Code::AmountsSum,
                            block,
                            format!(
                                "the entries of `split {name}` total {}, but {whole} is {}",
                                amount(total),
                                amount(v)
                            ),
                        )
                        .with_label(format!("total {}", amount(total)))
                        .with_help(fix),
                    );
                    return explicit();
                }
            }
        }
        entries
            .iter()
            .map(|e| match e.share {
                Share::Percent(p) => value.and_then(|v| v.checked_mul(p)),
                Share::Amount(a) => Some(a),
                Share::Rest if has_amounts => remainder_value,
                Share::Rest => value.and_then(|v| v.checked_mul(remainder_share)),
                Share::Invalid => None,
            })
            .collect()
    }

    fn total_text(&self, shares: Decimal, amounts: Decimal, has_amounts: bool) -> String {
        match (shares.is_zero(), has_amounts) {
            (true, _) => amount(amounts),
            (false, false) => percent(shares),
            (false, true) => format!("{} plus {}", percent(shares), amount(amounts)),
        }
    }

    /// Side-by-side time splits that both carry explicit shares must agree: the finer
    /// slices inside each coarser slice must add up to it.
    fn time_agreement(&mut self, splits: &[Split], level: &Level) {
        let Some(value) = level.value.filter(|v| !v.is_zero()) else {
            return;
        };
        let explicit: Vec<(TimeDim, &Split, HashMap<usize, Decimal>)> = splits
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
                let fine_slices = self.model.slices(*fine);
                for (ci, coarse_slice) in self.model.slices(*coarse).iter().enumerate() {
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
                        self.push(
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
                        return;
                    }
                }
            }
        }
    }
}

/// Each time entry's fraction of the whole, when shares, amounts and `rest` can all be
/// turned into fractions of `value`.
fn fractions(entries: &[Entry], value: Decimal) -> Option<HashMap<usize, Decimal>> {
    let mut out = HashMap::with_capacity(entries.len());
    let mut known = Decimal::ZERO;
    let mut rest = None;
    for e in entries {
        let MemberRef::Time(_, i) = e.member else {
            return None;
        };
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
