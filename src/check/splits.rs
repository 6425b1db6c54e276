//! The split walker: every split must add up, cover its period, and not contradict
//! another split.
//!
//! The walk follows the order splits apply in: the splits written directly in a goal
//! form one level; each member's nested block forms a level below it, with the member's
//! value, period (for time members) and rep scope (for region-like members). The walker
//! computes what the rules share (the [`Level`], each split's [`Sums`], the reps in
//! scope) and calls the rules of `split-conflict`, `split-coverage`, `shares-sum`,
//! `amounts-sum`, `negative-remainder` and `zero-weight` with it. It reports itself what
//! belongs to no rule of its own: a second `rest`, sums beyond a decimal, a rep outside
//! the enclosing member, an attribute time slices or reps do not have.

use super::rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::hash::{Map, Set, map_with_capacity};
use crate::model::*;
use crate::period::{Period, slice_in};
use crate::source::Span;
use rust_decimal::Decimal;

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

/// The entries of one split added up, for the rules on sums: computed once per split.
pub(crate) struct Sums<'a> {
    /// The split's dimension, for messages.
    pub(crate) name: &'a str,
    /// The split's block of entries.
    pub(crate) block: Span,
    /// What is being split, for messages: "the goal's target", "`east`".
    pub(crate) whole: &'a str,
    /// The value being split, when known.
    pub(crate) value: Option<Decimal>,
    /// The percentage shares, as a fraction.
    pub(crate) shares: Decimal,
    /// The amounts.
    pub(crate) amounts: Decimal,
    pub(crate) has_amounts: bool,
    /// The entry that takes the rest, if any.
    pub(crate) rest: Option<Span>,
    /// What `rest` would take as a share: one minus the shares.
    pub(crate) remainder_share: Decimal,
    /// What `rest` would take as a value, when the value is known.
    pub(crate) remainder_value: Option<Decimal>,
}

/// What a group of splits side by side is splitting.
#[derive(Clone)]
pub(crate) struct Level {
    /// The value being split, when known.
    pub(crate) value: Option<Decimal>,
    /// The period being split, when known.
    pub(crate) period: Option<Period>,
    /// Splits this level is nested in, outermost first, with their spans.
    pub(crate) ancestors: Vec<(DimRef, Span)>,
    /// Enclosing user members, which narrow `split rep` to the matching teams.
    pub(crate) scope: Vec<(DimId, MemberId)>,
    /// What is being split, for messages: "the goal's target", "`east`".
    pub(crate) whole: String,
}

/// The check of one goal's splits, level by level, and where its diagnostics go.
struct SplitCheck<'a> {
    model: &'a Model,
    goal: &'a Goal,
    out: &'a mut Vec<Diagnostic>,
}

pub(crate) fn dim_name(model: &Model, dim: DimRef) -> String {
    match dim {
        DimRef::User(d) => model
            .dimension(d)
            .map_or_else(String::new, |d| d.name.clone()),
        DimRef::Rep => "rep".to_string(),
        DimRef::Time(t) => t.name().to_string(),
    }
}

pub(crate) fn member_name(model: &Model, member: MemberRef) -> String {
    match member {
        MemberRef::User(d, m) => model
            .dimension(d)
            .and_then(|d| d.members.get(m.index()))
            .map_or_else(String::new, |m| m.name.clone()),
        MemberRef::Rep(r) => model.rep(r).map_or_else(String::new, |r| r.name.clone()),
        MemberRef::Time(t, i) => model
            .slices(t)
            .get(i as usize)
            .map_or_else(String::new, |s| s.name.clone()),
    }
}

pub(crate) fn list(names: &[String]) -> String {
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
        rules::split_conflict::check(self.model, splits, level, self.out);
        for split in splits {
            self.split(split, level);
        }
        rules::split_conflict::time_agreement(self.model, splits, level, self.out);
    }

    fn split(&mut self, split: &Split, level: &Level) {
        let name = dim_name(self.model, split.dim);
        match &split.kind {
            SplitKind::Even => {
                let count = self.member_count(split.dim, level);
                if let Some(d) = rules::zero_weight::even(self.model, split, level, count) {
                    self.push(d);
                }
                self.member_blocks(split, None, level);
            }
            SplitKind::By { attr, span } => {
                self.by(split, attr, *span, level);
                self.member_blocks(split, Some(attr), level);
            }
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
                        rules::split_coverage::check(
                            self.model, split, t, entries, level, self.out,
                        );
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
                            let slice = self.model.slices(t).get(i as usize);
                            inner.period = slice.map(|s| s.period);
                        }
                        MemberRef::Rep(_) => {}
                    }
                    self.level(&entry.nested, &inner);
                }
            }
        }
    }

    /// The levels below the member blocks of an `even` or `by` split: each member with a
    /// block of its own or an `each` block is checked with its value (for members of a
    /// dimension), period and scope. A mistake inside `each` is reported once, not once
    /// per member.
    fn member_blocks(&mut self, split: &Split, by: Option<&str>, level: &Level) {
        if split.blocks.is_empty() {
            return;
        }
        // Each member with its weight, as the allocation weighs it: equal under `even`, the
        // attribute under `by` (effective capacity over the period for reps).
        let weighted: Vec<(MemberRef, Option<Decimal>)> = match split.dim {
            DimRef::User(d) => {
                let Some(dim) = self.model.dimension(d) else {
                    return;
                };
                dim.members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let weight = match by {
                            None => Some(Decimal::ONE),
                            Some(attr) => m.attr(attr).and_then(|a| a.value.weight()),
                        };
                        (MemberRef::User(d, MemberId(i as u32)), weight)
                    })
                    .collect()
            }
            DimRef::Rep => self
                .reps_for(level)
                .into_iter()
                .map(|r| {
                    let weight = match by {
                        None => Some(Decimal::ONE),
                        Some(_) => level.period.and_then(|period| {
                            let rep = self.model.rep(r)?;
                            rep.capacity.as_ref()?;
                            Some(
                                crate::capacity::effective(self.model, rep, &period)
                                    .unwrap_or(Decimal::ZERO),
                            )
                        }),
                    };
                    (MemberRef::Rep(r), weight)
                })
                .collect(),
            DimRef::Time(t) => self
                .model
                .slices(t)
                .iter()
                .enumerate()
                .filter(|(_, s)| level.period.is_none_or(|p| slice_in(t, &s.period, &p)))
                .filter_map(|(i, _)| Some((MemberRef::time(t, i)?, Some(Decimal::ONE))))
                .collect(),
        };
        // A member's value is the level's value times its share of the weights; unknown
        // when any weight is, so amounts inside a block are checked only against a value
        // the allocation really gives the member.
        let total = weighted
            .iter()
            .try_fold(Decimal::ZERO, |t, (_, w)| t.checked_add((*w)?));
        let members: Vec<(MemberRef, Option<Decimal>)> = weighted
            .iter()
            .map(|&(member, weight)| {
                let value = level
                    .value
                    .zip(total)
                    .zip(weight)
                    .and_then(|((v, total), w)| {
                        (!total.is_zero()).then(|| v.checked_mul(w)?.checked_div(total))?
                    });
                (member, value)
            })
            .collect();
        let first = self.out.len();
        for (member, value) in members {
            let splits: Vec<Split> = split
                .blocks_for(member)
                .flat_map(|b| b.splits.iter().cloned())
                .collect();
            if splits.is_empty() {
                continue;
            }
            let mut inner = level.clone();
            inner.value = value;
            inner.ancestors.push((split.dim, split.dim_span));
            inner.whole = format!("`{}`", member_name(self.model, member));
            match member {
                MemberRef::User(d, m) => inner.scope.push((d, m)),
                MemberRef::Time(t, i) => {
                    inner.period = self.model.slices(t).get(i as usize).map(|s| s.period);
                }
                MemberRef::Rep(_) => {}
            }
            self.level(&splits, &inner);
        }
        let mut seen = std::collections::HashSet::new();
        let mut i = first;
        while i < self.out.len() {
            let d = &self.out[i];
            if seen.insert((d.code, d.span, d.message.clone())) {
                i += 1;
            } else {
                self.out.remove(i);
            }
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
                if let Some(d) =
                    rules::zero_weight::by_capacity(self.model, split, attr_span, level, &reps)
                {
                    self.push(d);
                    return;
                }
                if rules::unit_mismatch::split_by_capacity(self.model, self.goal, &reps, self.out) {
                    return;
                }
                let Some(period) = level.period else { return };
                if let Some(d) =
                    rules::zero_weight::no_effective_capacity(self.model, attr_span, &reps, period)
                {
                    self.push(d);
                }
            }
            DimRef::User(d) => {
                let Some(dim) = self.model.dimension(d) else {
                    return;
                };
                if let Some(d) = rules::zero_weight::by_attribute(split, dim, attr, attr_span) {
                    self.push(d);
                }
            }
        }
    }

    fn duplicates(&mut self, split: &Split, entries: &[Entry]) {
        let mut seen: Map<MemberRef, Span> = map_with_capacity(entries.len());
        for e in entries {
            if let Some(&first) = seen.get(&e.member) {
                let name = member_name(self.model, e.member);
                self.push(if matches!(split.dim, DimRef::Time(_)) {
                    rules::split_coverage::repeated_slice(&name, e.member_span, first)
                } else {
                    rules::duplicate_name::repeated_member(&name, e.member_span, first)
                });
            } else {
                seen.insert(e.member, e.member_span);
            }
        }
    }

    fn reps_in_scope(&mut self, entries: &[Entry], level: &Level) {
        if level.scope.is_empty() {
            return;
        }
        let allowed: Set<RepId> = self.reps_for(level).into_iter().collect();
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
        let sums = Sums {
            name,
            block,
            whole: &level.whole,
            value,
            shares,
            amounts,
            has_amounts,
            rest: rest.map(|e| e.span),
            remainder_share,
            remainder_value,
        };
        let wrong = rules::negative_remainder::check(&sums)
            .or_else(|| rules::shares_sum::check(&sums))
            .or_else(|| rules::amounts_sum::check(&sums));
        if let Some(diagnostic) = wrong {
            self.push(diagnostic);
            return explicit();
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
}
