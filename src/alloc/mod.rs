//! Allocation: every goal's target decomposed down to its leaf cells, exactly.
//!
//! Splits apply in a fixed order: the splits written directly in a goal first (time
//! splits among them from coarse to fine, the others in the order written), then the
//! splits nested in each chosen member's block. Each split turns a node into children
//! whose exact values are the node's exact value times the child's fraction.
//!
//! Rounding is top-down: a node's rounded value is shared among its children by largest
//! remainder over their *exact* values (ties to the member written first), so every
//! node equals the sum of its children and every node is within one rounding unit of its
//! exact value. The time totals across the tree (each quarter over every region, rep and
//! product…) are then brought within a unit too, by moving a few cells (`control.rs`).
//!
//! Invariant: no floating point; every operation that could overflow is checked, and an
//! overflow is an `invalid-value` diagnostic, never a panic or a wrong number.

mod apportion;
mod control;
mod sink;
mod sum;

pub use apportion::apportion;
use sink::{CellStore, ExactTotals, RepTotals, RoundedTotals, Sink, TimeTotals};

use crate::capacity;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic};
use crate::hash::Map;
use crate::model::*;
use crate::period::{Period, slice_in};
use crate::source::Span;
use rust_decimal::Decimal;
use std::rc::Rc;

/// The allocation of every goal, by goal index.
#[derive(Debug, Clone, Default)]
pub struct Allocation {
    /// `None` for a goal that could not be allocated (it has errors).
    pub goals: Vec<Option<GoalAllocation>>,
}

#[derive(Debug, Clone)]
pub struct GoalAllocation {
    /// The rounding unit every value is a multiple of.
    pub unit: Decimal,
    pub cells: Vec<Cell>,
    /// The members above each run of cells' last, one run after another (see
    /// [`GoalAllocation::coords`]): one allocation for millions of cells instead of one
    /// each, and one entry per run instead of one per cell.
    pub coords: Vec<MemberRef>,
    /// For each rep allocated, the `split rep` that allocated it (for `over-capacity`).
    pub rep_splits: RepMap<Span>,
    /// Each rep's total allocation in the goal (the sum of its cells; exact, not
    /// rounded, when `detail` is [`Detail::ExactRepTotals`]).
    pub rep_totals: RepMap<Decimal>,
    /// How many rep values each total sums: a rounded total is within that many units
    /// of the exact one.
    pub rep_counts: RepMap<u32>,
    /// What was computed: `cells` and `coords` are empty unless it is [`Detail::Cells`].
    pub detail: Detail,
}

/// A leaf: one member of each split on its path, the period it covers, and its value.
///
/// The members above the last are the same for a run of cells (the children of one
/// node): they are kept once per run in [`GoalAllocation::coords`], and each cell holds
/// where they start and its own last member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Where the members above this cell's last start in [`GoalAllocation::coords`], and
    /// how many.
    head_start: u32,
    head_len: u32,
    /// The last member on the path; none for a goal without a split.
    last: Option<MemberRef>,
    pub period: Period,
    pub value: Decimal,
}

// Forty-four bytes: with millions of cells, each byte is megabytes.
const _: () = assert!(std::mem::size_of::<Cell>() == 44);

impl GoalAllocation {
    /// The members on the path from the goal to a cell, in the order applied.
    pub fn coords<'a>(&'a self, cell: &'a Cell) -> Coords<'a> {
        let start = cell.head_start as usize;
        Coords {
            head: self
                .coords
                .get(start..start + cell.head_len as usize)
                .unwrap_or(&[]),
            last: cell.last.as_ref(),
        }
    }
}

/// The members on the path from a goal to one of its cells, in the order applied: those
/// above the last (shared with the cells beside it), and the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coords<'a> {
    head: &'a [MemberRef],
    last: Option<&'a MemberRef>,
}

impl<'a> Coords<'a> {
    /// No members: the path of a cell of a goal without a split.
    pub const EMPTY: Coords<'static> = Coords {
        head: &[],
        last: None,
    };

    /// The members above the last.
    pub fn head(self) -> &'a [MemberRef] {
        self.head
    }

    pub fn last(self) -> Option<&'a MemberRef> {
        self.last
    }

    pub fn iter(self) -> CoordsIter<'a> {
        self.head.iter().chain(self.last)
    }
}

/// The members of a [`Coords`], in order.
pub type CoordsIter<'a> =
    std::iter::Chain<std::slice::Iter<'a, MemberRef>, std::option::IntoIter<&'a MemberRef>>;

impl<'a> IntoIterator for Coords<'a> {
    type Item = &'a MemberRef;
    type IntoIter = CoordsIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// 10²⁸: a target must be less than this, and less than this many rounding units.
const MAX_UNITS: Decimal = Decimal::from_parts(0x1000_0000, 0x3E25_0261, 0x204F_CE5E, false, 0);

/// The rounding unit of a goal unit: from `[policy.rounding]`, else 0.01 for a currency
/// and 1 for a count.
pub fn rounding_unit(policy: &Policy, unit: &str) -> Decimal {
    policy
        .rounding
        .get(unit)
        .copied()
        .unwrap_or(if is_currency(unit) {
            Decimal::new(1, 2)
        } else {
            Decimal::ONE
        })
}

/// A map keyed by rep: it is updated once per rep value, millions of times in a large
/// plan.
pub type RepMap<V> = Map<RepId, V>;

/// How much of an allocation a caller needs. Each is the same walk of the split tree
/// with a different sink (see `sink.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every cell (for `planck compile`, and for progress).
    Cells,
    /// Only each rep's total, rounded as in [`Detail::Cells`]: parts of the tree without a
    /// rep split are not walked and no cell is stored.
    RepTotals,
    /// Each rep's *exact* total and how many rep values it sums, without rounding: the
    /// fastest, and enough to decide `over-capacity` except within that many units of a
    /// capacity, where the check asks for [`Detail::RepTotals`] instead.
    ExactRepTotals,
}

/// Allocate every goal not in `skip` (goals with errors, whose splits cannot be trusted).
pub fn allocate(
    model: &Model,
    policy: &Policy,
    detail: &dyn Fn(GoalId) -> Detail,
    skip: &dyn Fn(GoalId) -> bool,
) -> (Allocation, Vec<Diagnostic>) {
    let mut out = Allocation::default();
    let mut diagnostics = Vec::new();
    let mut caches = Caches::default();
    for (i, goal) in model.goals.iter().enumerate() {
        let id = GoalId(i as u32);
        let result = if skip(id) {
            None
        } else {
            allocate_goal(
                model,
                policy,
                detail(id),
                goal,
                &mut caches,
                &mut diagnostics,
            )
        };
        out.goals.push(result);
    }
    (out, diagnostics)
}

/// Allocate one goal (for a check that needs more precision than it was given).
pub fn allocate_one(
    model: &Model,
    policy: &Policy,
    detail: Detail,
    goal: &Goal,
) -> Option<GoalAllocation> {
    let mut ignored = Vec::new();
    allocate_goal(
        model,
        policy,
        detail,
        goal,
        &mut Caches::default(),
        &mut ignored,
    )
}

/// The reps of a scope over a period, weighed by capacity or not.
type RepsKey = (Vec<(DimId, MemberId)>, Period, bool);

/// The reps of a scope over a period with their weights (effective capacity, or 1 each),
/// and the total of those weights that [`proportional`] divides by.
struct RepWeights {
    reps: Vec<(RepId, Decimal)>,
    /// `None` when even the scaled-down weights do not fit.
    total: Option<WeightTotal>,
}

/// The reps of one scope, by period and whether by capacity.
type RepsByPeriod = Map<(Period, bool), Rc<RepWeights>>;

/// Work shared by all goals.
#[derive(Default)]
struct Caches {
    /// The reps of each scope, by the scope's members in the dimensions that place reps
    /// (a product or customer type places none, so every product of a region shares one
    /// entry), then by period and whether by capacity.
    reps: Map<Vec<(DimId, MemberId)>, RepsByPeriod>,
    /// Each rep's capacity and its factor in each plan month (see [`capacity::factors`]).
    monthly: Map<RepId, Option<(Decimal, Vec<Decimal>)>>,
    /// Each rep's effective capacity over a period (zero without a capacity).
    effective: Map<(RepId, Period), Decimal>,
    /// The scope being looked up in `reps`, reused from one look-up to the next.
    rep_scope: Vec<(DimId, MemberId)>,
}

/// Conversion of a value to a count of rounding units: a multiplication when the unit is
/// a power of ten (the usual case, and much faster), else a division.
#[derive(Clone, Copy)]
struct Units {
    unit: Decimal,
    inverse: Option<Decimal>,
    /// `k` when the unit is 10⁻ᵏ (1, 0.1, 0.01 …): a value is then a count of units by
    /// moving its decimal point, with no arithmetic at all.
    places: Option<u32>,
}

/// For each `k` up to 28, the largest mantissa whose product with 10ᵏ is below 2⁹⁶ (the
/// limit of a decimal's mantissa): a comparison instead of a checked multiplication.
const FITS_TIMES_POW10: [u128; 29] = {
    let mut table = [0u128; 29];
    let mut k = 0;
    while k < 29 {
        table[k] = ((1u128 << 96) - 1) / apportion::POW10[k] as u128;
        k += 1;
    }
    table
};

impl Units {
    fn new(unit: Decimal) -> Units {
        let inverse = Decimal::ONE
            .checked_div(unit)
            .filter(|inv| inv.checked_mul(unit) == Some(Decimal::ONE));
        let normal = unit.normalize();
        let places = (normal.mantissa() == 1).then(|| normal.scale());
        Units {
            unit,
            inverse,
            places,
        }
    }

    /// A value as a (fractional) count of units.
    #[inline]
    fn count(&self, x: Decimal) -> Option<Decimal> {
        // x × 10ᵏ is the same number as x with its point moved k places, and when the
        // product of the mantissas fits, the multiplication is exact: the two agree to
        // the last digit.
        if let Some(k) = self.places
            && let Some(&fits) = FITS_TIMES_POW10.get(k as usize)
            && x.mantissa().unsigned_abs() <= fits
        {
            let scale = x.scale();
            return if scale >= k {
                Decimal::try_from_i128_with_scale(x.mantissa(), scale - k).ok()
            } else {
                let up = apportion::POW10.get((k - scale) as usize)?;
                Decimal::try_from_i128_with_scale(x.mantissa().checked_mul(*up)?, 0).ok()
            };
        }
        match self.inverse {
            Some(inverse) => x.checked_mul(inverse),
            None => x.checked_div(self.unit),
        }
    }

    /// A value as a count of units: its floor, and its remainder in units of 10⁻¹⁸ (see
    /// `apportion::split_units`). When the point only moves, the count is split from the
    /// value's mantissa and scale as they would be, without building it as a decimal.
    #[inline]
    fn split(&self, x: Decimal) -> Option<(i128, i128)> {
        if let Some(k) = self.places {
            let scale = x.scale();
            // Moving the point left needs no multiplication, whatever the mantissa: the
            // product `count` would build, when its mantissa does not fit, drops only the
            // zeros the multiplication appended, so it is the same number.
            if scale >= k {
                return apportion::split_parts(x.mantissa(), scale - k);
            }
            if let Some(&fits) = FITS_TIMES_POW10.get(k as usize)
                && x.mantissa().unsigned_abs() <= fits
            {
                let up = apportion::POW10.get((k - scale) as usize)?;
                return Some((x.mantissa().checked_mul(*up)?, 0));
            }
        }
        apportion::split_units(self.count(x)?)
    }

    /// A leaf's values in units: as the rounding of its node found them when it did,
    /// else counted here.
    #[inline]
    fn leaf_units(
        &self,
        known: Option<InUnits>,
        exact: Decimal,
        value: Decimal,
    ) -> Option<InUnits> {
        if let Some(known) = known {
            return Some(known);
        }
        let (floor, frac) = self.split(exact)?;
        let (value, _) = self.split(value)?;
        Some(InUnits { value, floor, frac })
    }
}

/// A leaf's values counted in rounding units, as the rounding of its node found them:
/// its rounded value, and its exact value's floor and remainder (see
/// `apportion::split_units`). A sink that needs them need not convert again.
#[derive(Clone, Copy)]
struct InUnits {
    value: i128,
    floor: i128,
    frac: i128,
}

/// A split with the fraction of each entry precomputed (relative to what the split was
/// written against), and the same for the splits nested in each entry.
struct Prepared<'m> {
    split: &'m Split,
    fractions: Vec<Decimal>,
    nested: Vec<Vec<Prepared<'m>>>,
    /// For an `even` or `by` split with member blocks: the splits nested in each member a
    /// block names (with those of `each`, in written order), and in every other member.
    blocks: Vec<(MemberRef, Vec<Prepared<'m>>)>,
    each: Vec<Prepared<'m>>,
    /// Whether the value split is known only during the walk (below a member block), so
    /// amounts are turned into fractions there.
    relative: bool,
    /// Whether this split or one nested in it splits reps.
    has_rep: bool,
}

/// Arithmetic that did not fit in a decimal.
struct Overflow;

/// The fraction of `whole` each entry takes: its percentage, its amount over `whole`, or
/// what is left for `rest`.
fn entry_fractions(entries: &[Entry], whole: Decimal) -> Result<Vec<Decimal>, Overflow> {
    let mut fractions = Vec::with_capacity(entries.len());
    let mut known = Decimal::ZERO;
    for e in entries {
        let f = match e.share {
            Share::Percent(p) => p,
            Share::Amount(_) if whole.is_zero() => Decimal::ZERO,
            Share::Amount(a) => a.checked_div(whole).ok_or(Overflow)?,
            Share::Rest | Share::Invalid => Decimal::ZERO,
        };
        known = known.checked_add(f).ok_or(Overflow)?;
        fractions.push(f);
    }
    for (e, f) in entries.iter().zip(fractions.iter_mut()) {
        if e.share == Share::Rest {
            *f = (Decimal::ONE - known).max(Decimal::ZERO);
        }
    }
    Ok(fractions)
}

/// Prepare `splits`, which divide `whole` (`None`: known only during the walk).
fn prepare<'m>(
    splits: Vec<&'m Split>,
    whole: Option<Decimal>,
) -> Result<Vec<Prepared<'m>>, Overflow> {
    let out: Vec<Prepared> = splits
        .into_iter()
        .map(|split| {
            let SplitKind::Entries { entries, .. } = &split.kind else {
                let mut named: Vec<MemberRef> = Vec::new();
                for b in &split.blocks {
                    if let Some(m) = b.member.filter(|m| !named.contains(m)) {
                        named.push(m);
                    }
                }
                let blocks = named
                    .into_iter()
                    .map(|m| {
                        let splits = split.blocks_for(m).flat_map(|b| &b.splits);
                        Ok((m, prepare(splits.collect(), None)?))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let each = split.blocks.iter().filter(|b| b.member.is_none());
                let each = prepare(each.flat_map(|b| &b.splits).collect(), None)?;
                let has_rep = split.dim == DimRef::Rep
                    || each.iter().any(|p| p.has_rep)
                    || blocks.iter().flat_map(|(_, b)| b).any(|p| p.has_rep);
                return Ok(Prepared {
                    split,
                    fractions: Vec::new(),
                    nested: Vec::new(),
                    blocks,
                    each,
                    relative: false,
                    has_rep,
                });
            };
            let (fractions, nested) = match whole {
                Some(whole) => {
                    let fractions = entry_fractions(entries, whole)?;
                    let nested: Vec<Vec<Prepared>> = entries
                        .iter()
                        .zip(&fractions)
                        .map(|(e, f)| {
                            let value = whole.checked_mul(*f).ok_or(Overflow)?;
                            prepare(e.nested.iter().collect(), Some(value))
                        })
                        .collect::<Result<_, _>>()?;
                    (fractions, nested)
                }
                None => {
                    let nested: Vec<Vec<Prepared>> = entries
                        .iter()
                        .map(|e| prepare(e.nested.iter().collect(), None))
                        .collect::<Result<_, _>>()?;
                    (Vec::new(), nested)
                }
            };
            let has_rep = split.dim == DimRef::Rep || nested.iter().flatten().any(|p| p.has_rep);
            Ok(Prepared {
                split,
                fractions,
                nested,
                blocks: Vec::new(),
                each: Vec::new(),
                relative: whole.is_none(),
                has_rep,
            })
        })
        .collect::<Result<_, _>>()?;
    // Time splits apply coarse before fine, so a month split beside a quarter split
    // splits each quarter; other splits keep their written order.
    Ok(reorder(out))
}

/// Keep non-time splits where they were written and order the time splits among the
/// positions time splits occupy, coarse first.
fn reorder(sorted: Vec<Prepared<'_>>) -> Vec<Prepared<'_>> {
    let mut time: Vec<Prepared> = Vec::new();
    let mut other: Vec<(usize, Prepared)> = Vec::new();
    for p in sorted {
        if matches!(p.split.dim, DimRef::Time(_)) {
            time.push(p);
        } else {
            let written = p.split.span.start();
            other.push((written, p));
        }
    }
    time.sort_by_key(|p| match p.split.dim {
        DimRef::Time(t) => t as u8,
        _ => 0,
    });
    let mut time_positions: Vec<usize> = time.iter().map(|p| p.split.span.start()).collect();
    time_positions.sort_unstable();
    let mut slots: Vec<(usize, Prepared)> = other;
    slots.extend(time_positions.into_iter().zip(time));
    slots.sort_by_key(|(pos, _)| *pos);
    slots.into_iter().map(|(_, p)| p).collect()
}

fn allocate_goal(
    model: &Model,
    policy: &Policy,
    detail: Detail,
    goal: &Goal,
    caches: &mut Caches,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<GoalAllocation> {
    let target = goal.target.as_ref()?;
    let period = goal.period?;
    let unit = rounding_unit(policy, &target.unit);
    let overflow = |diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidValue,
                goal.name_span,
                format!("allocating goal `{}` overflows exact arithmetic", goal.name),
            )
            .with_label("values too large")
            .with_help("amounts must stay below 7.9 × 10²⁸ even after division into cells"),
        );
    };
    // Every value in the allocation is at most the target, so a target that fits as a
    // count of rounding units (with room to spare for the noise of the 28th digit) fits
    // everywhere: the walk cannot overflow with any sink, and `check` and `compile` agree.
    let to_units = Units::new(unit);
    let target_units = match to_units.inverse {
        Some(inverse) => target.value.checked_mul(inverse),
        None => target.value.checked_div(unit),
    };
    if target_units.is_none_or(|n| n.abs().max(target.value.abs()) >= MAX_UNITS) {
        let (message, help) = if unit < Decimal::ONE {
            (
                format!(
                    "goal `{}` is too large to round: {} {} is at least 10²⁸ rounding units of {}",
                    goal.name,
                    target.value.normalize(),
                    target.unit,
                    unit.normalize()
                ),
                format!(
                    "a target must stay below 10²⁸ rounding units: set a coarser unit in planck.toml ([policy.rounding] {} = \"1\") or lower the target",
                    target.unit
                ),
            )
        } else {
            (
                format!(
                    "goal `{}` is too large to allocate: {} {} is not below 10²⁸",
                    goal.name,
                    target.value.normalize(),
                    target.unit
                ),
                "a target must stay below 10²⁸".to_string(),
            )
        };
        diagnostics.push(
            Diagnostic::new(Code::InvalidValue, target.span, message)
                .with_label("too large")
                .with_help(help),
        );
        return None;
    }
    if !target.value.checked_rem(unit).is_some_and(|r| r.is_zero()) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidValue,
                target.span,
                format!(
                    "the target {} is finer than the rounding unit {} of `{}`",
                    target.value.normalize(),
                    unit.normalize(),
                    target.unit
                ),
            )
            .with_label("not a multiple of the rounding unit")
            .with_help(format!(
                "round the target, or set a finer unit in planck.toml: [policy.rounding] {} = \"…\"",
                target.unit
            )),
        );
        return None;
    }
    let Ok(prepared) = prepare(goal.splits.iter().collect(), Some(target.value)) else {
        overflow(diagnostics);
        return None;
    };
    let queue: Vec<&Prepared> = prepared.iter().collect();
    let start = Start {
        model,
        to_units,
        value: target.value,
        queue: &queue,
        period,
    };
    let walked = match detail {
        Detail::Cells => walk(CellStore::new(to_units), start, caches),
        // Controlled rounding may move cells, and the rep totals with them: a goal split
        // by time is walked to its leaves, adding up its time buckets, and walked again
        // to its cells (which are then dropped) only if those show that some may move.
        Detail::RepTotals if splits_time(&prepared) => {
            match walk(TimeTotals::new(to_units), start, caches) {
                Ok(None) => walk(CellStore::new(to_units), start, caches).map(|a| {
                    a.map(|mut a| {
                        a.cells = Vec::new();
                        a.coords = Vec::new();
                        a.detail = Detail::RepTotals;
                        a
                    })
                }),
                walked => walked,
            }
        }
        Detail::RepTotals => walk(RoundedTotals, start, caches),
        Detail::ExactRepTotals => walk(ExactTotals::default(), start, caches),
    };
    let walked = walked.and_then(|a| a.ok_or(Overflow));
    if walked.is_err() {
        overflow(diagnostics);
    }
    walked.ok()
}

/// Whether some split, nested or not, is a time split: only then can cells lie in
/// different time buckets.
fn splits_time(prepared: &[Prepared<'_>]) -> bool {
    prepared.iter().any(|p| {
        matches!(p.split.dim, DimRef::Time(_))
            || p.nested.iter().any(|n| splits_time(n))
            || splits_time(&p.each)
            || p.blocks.iter().any(|(_, b)| splits_time(b))
    })
}

/// The total of weights that [`proportional`] divides by, and whether each weight was
/// first divided by their count (when their plain sum does not fit).
#[derive(Clone, Copy)]
struct WeightTotal {
    total: Decimal,
    scaled: bool,
}

/// The total of `count` weights (see [`WeightTotal`]).
fn weight_total(
    weights: impl Iterator<Item = Decimal> + Clone,
    count: usize,
) -> Result<WeightTotal, Overflow> {
    let n = Decimal::from(count.max(1));
    let sum = |scaled: bool| {
        weights.clone().try_fold(Decimal::ZERO, |total, w| {
            total.checked_add(if scaled { w.checked_div(n)? } else { w })
        })
    };
    match sum(false) {
        Some(total) => Ok(WeightTotal {
            total,
            scaled: false,
        }),
        None => Ok(WeightTotal {
            total: sum(true).ok_or(Overflow)?,
            scaled: true,
        }),
    }
}

/// `value` shared in proportion to `weights` (never negative; equal shares when all are
/// zero): one division for the node, then a multiplication per child.
///
/// No share is ever larger than `value`, so the allocation overflows only if the target
/// itself is too large (which `allocate_goal` refuses before walking): weights whose sum
/// does not fit are first divided by their count, and when `value` over a tiny total does
/// not fit, each share is `value` times its weight's fraction of the total instead.
fn proportional(
    value: Decimal,
    weights: impl Iterator<Item = Decimal> + Clone,
    count: usize,
) -> Result<Vec<Decimal>, Overflow> {
    let total = weight_total(weights.clone(), count)?;
    proportional_of(value, weights, count, total)
}

/// [`proportional`] with the weights' total already known (a scope's reps are weighed
/// once, and their total is kept with them).
fn proportional_of(
    value: Decimal,
    weights: impl Iterator<Item = Decimal>,
    count: usize,
    WeightTotal { total, scaled }: WeightTotal,
) -> Result<Vec<Decimal>, Overflow> {
    let n = Decimal::from(count.max(1));
    if total.is_zero() {
        let each = value.checked_div(n).ok_or(Overflow)?;
        return Ok(vec![each; count]);
    }
    let weight = |w: Decimal| if scaled { w.checked_div(n) } else { Some(w) };
    let scale = if total == Decimal::ONE {
        Some(value)
    } else {
        value.checked_div(total)
    };
    let share = |w: Decimal| match scale {
        Some(scale) => scale.checked_mul(weight(w)?),
        None => value.checked_mul(weight(w)?.checked_div(total)?),
    };
    let mut shares = Vec::with_capacity(count);
    let mut last = None;
    for w in weights {
        shares.push(apportion::reuse_last(&mut last, w, apportion::same, share).ok_or(Overflow)?);
    }
    Ok(shares)
}

/// Where a walk starts: the goal's target, its splits in the order they apply, and its
/// period.
#[derive(Clone, Copy)]
struct Start<'q, 'm> {
    model: &'m Model,
    to_units: Units,
    value: Decimal,
    queue: &'q [&'q Prepared<'m>],
    period: Period,
}

/// Walk a goal's split tree from its target into `sink`; `None` if the sink could not
/// settle the allocation (see [`Sink::settled`]).
fn walk<S: Sink>(
    sink: S,
    start: Start<'_, '_>,
    caches: &mut Caches,
) -> Result<Option<GoalAllocation>, Overflow> {
    let mut walk = Walk {
        model: start.model,
        caches,
        path: Vec::new(),
        scope: Vec::new(),
        to_units: start.to_units,
        sink,
        totals: RepTotals::default(),
        spare: Vec::new(),
    };
    walk.expand(start.value, start.value, None, start.queue, start.period)?;
    walk.settle_deferred()?;
    walk.sink.finish(start.model, &mut walk.totals)?;
    if !walk.sink.settled() {
        return Ok(None);
    }
    let (cells, coords) = walk.sink.into_cells();
    let (rep_splits, rep_totals, rep_counts) = walk.totals.into_maps();
    Ok(Some(GoalAllocation {
        unit: start.to_units.unit,
        cells,
        coords,
        rep_splits,
        rep_totals,
        rep_counts,
        detail: S::DETAIL,
    }))
}

/// One walk of a goal's split tree, top-down, with the path and user scope of the node
/// being expanded.
struct Walk<'a, 'm, S> {
    model: &'m Model,
    caches: &'a mut Caches,
    path: Vec<MemberRef>,
    scope: Vec<(DimId, MemberId)>,
    to_units: Units,
    sink: S,
    totals: RepTotals,
    /// The buffers of a node's rounded shares, kept when the node is done for the next
    /// node to fill: a deep tree needs one set per level, not one per node.
    spare: Vec<(apportion::Shares, Vec<Decimal>)>,
}

/// One child of a node: its member, its weight among its siblings, its period, and the
/// splits nested in its block.
struct Child<'p, 'm> {
    member: MemberRef,
    weight: Decimal,
    period: Period,
    nested: &'p [Prepared<'m>],
}

/// The children of one node with their exact and rounded values, and those in units
/// when the walk rounds (`shares`, else empty).
struct Leaves<'a, 'p, 'm> {
    children: &'a [Child<'p, 'm>],
    exacts: &'a [Decimal],
    values: &'a [Decimal],
    shares: &'a apportion::Shares,
}

impl<'a, 'p, 'm> Leaves<'a, 'p, 'm> {
    /// Each child with its exact and rounded value.
    fn iter(
        &self,
    ) -> impl ExactSizeIterator<Item = ((&'a Child<'p, 'm>, &'a Decimal), &'a Decimal)> + use<'a, 'p, 'm>
    {
        self.children.iter().zip(self.exacts).zip(self.values)
    }

    fn len(&self) -> usize {
        self.iter().len()
    }

    /// Child `i`'s values in units, as the rounding of the node found them.
    fn in_units(&self, i: usize) -> Option<InUnits> {
        match (self.shares.units.get(i), self.shares.exact.get(i)) {
            (Some(&value), Some(&(floor, frac))) => Some(InUnits { value, floor, frac }),
            _ => None,
        }
    }
}

fn clip(a: Period, b: Period) -> Period {
    Period {
        start: a.start.max(b.start),
        end: a.end.min(b.end),
    }
}

impl<'m, S: Sink> Walk<'_, 'm, S> {
    /// The reps of the current scope with their weights over `period`: effective
    /// capacity, or 1 each.
    fn reps(&mut self, period: Period, by_capacity: bool) -> Rc<RepWeights> {
        let model = self.model;
        let mut scope = std::mem::take(&mut self.caches.rep_scope);
        scope.clear();
        scope.extend(
            self.scope
                .iter()
                .filter(|(d, _)| model.rep_dimensions.contains(d)),
        );
        let cached = self
            .caches
            .reps
            .get(scope.as_slice())
            .and_then(|by_period| by_period.get(&(period, by_capacity)))
            .cloned();
        let reps = match cached {
            Some(reps) => reps,
            None => {
                let reps = Rc::new(self.weigh_reps(&scope, period, by_capacity));
                let by_period = match self.caches.reps.get_mut(scope.as_slice()) {
                    Some(by_period) => by_period,
                    None => self.caches.reps.entry(scope.clone()).or_default(),
                };
                by_period.insert((period, by_capacity), reps.clone());
                reps
            }
        };
        self.caches.rep_scope = scope;
        reps
    }

    /// The reps of `scope` weighed over `period` (see [`Walk::reps`]).
    fn weigh_reps(
        &mut self,
        scope: &[(DimId, MemberId)],
        period: Period,
        by_capacity: bool,
    ) -> RepWeights {
        let model = self.model;
        let reps: Vec<(RepId, Decimal)> = model
            .reps_in_scope(scope)
            .into_iter()
            .map(|r| {
                let weight = if by_capacity {
                    let Caches {
                        monthly, effective, ..
                    } = &mut *self.caches;
                    // The same rep and period come back under every scope that holds the
                    // rep: compute each pair once.
                    *effective.entry((r, period)).or_insert_with(|| {
                        monthly
                            .entry(r)
                            .or_insert_with(|| {
                                let rep = model.rep(r)?;
                                let capacity = rep.capacity.as_ref()?.value;
                                Some((capacity, capacity::factors(model, rep)))
                            })
                            .as_ref()
                            .and_then(|(capacity, factors)| {
                                capacity::over(model, *capacity, factors, &period)
                            })
                            .unwrap_or(Decimal::ZERO)
                    })
                } else {
                    Decimal::ONE
                };
                (r, weight)
            })
            .collect();
        let total = weight_total(reps.iter().map(|(_, w)| *w), reps.len()).ok();
        RepWeights { reps, total }
    }

    fn children<'p>(
        &mut self,
        prep: &'p Prepared<'m>,
        period: Period,
        exact: Decimal,
    ) -> Result<(Vec<Child<'p, 'm>>, Option<WeightTotal>), Overflow> {
        let split = prep.split;
        let no_nested: &'p [Prepared<'m>] = &[];
        // The splits in a member's block, or in `each`.
        let block = |member: MemberRef| -> &'p [Prepared<'m>] {
            prep.blocks
                .iter()
                .find(|(m, _)| *m == member)
                .map_or(prep.each.as_slice(), |(_, b)| b.as_slice())
        };
        let relative;
        let fractions: &[Decimal] = match &split.kind {
            SplitKind::Entries { entries, .. } if prep.relative => {
                relative = entry_fractions(entries, exact)?;
                &relative
            }
            _ => &prep.fractions,
        };
        let mut total = None;
        let children = match (&split.kind, split.dim) {
            (SplitKind::Entries { entries, .. }, dim) => entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let child_period = match (dim, e.member) {
                        (DimRef::Time(t), MemberRef::Time(_, s)) => {
                            let slice = self.model.slices(t).get(s as usize).map(|s| s.period)?;
                            if !slice_in(t, &slice, &period) {
                                return None;
                            }
                            clip(slice, period)
                        }
                        _ => period,
                    };
                    Some(Child {
                        member: e.member,
                        weight: fractions.get(i).copied().unwrap_or(Decimal::ZERO),
                        period: child_period,
                        nested: prep.nested.get(i).map_or(no_nested, Vec::as_slice),
                    })
                })
                .collect(),
            (_, DimRef::Time(t)) => self
                .model
                .slices(t)
                .iter()
                .enumerate()
                .filter(|(_, s)| slice_in(t, &s.period, &period))
                .filter_map(|(i, s)| {
                    let member = MemberRef::time(t, i)?;
                    Some(Child {
                        member,
                        weight: Decimal::ONE,
                        period: clip(s.period, period),
                        nested: block(member),
                    })
                })
                .collect(),
            (kind, DimRef::Rep) => {
                let reps = self.reps(period, matches!(kind, SplitKind::By { .. }));
                total = Some(reps.total.ok_or(Overflow)?);
                reps.reps
                    .iter()
                    .map(|&(r, weight)| Child {
                        member: MemberRef::Rep(r),
                        weight,
                        period,
                        nested: block(MemberRef::Rep(r)),
                    })
                    .collect()
            }
            (kind, DimRef::User(d)) => {
                let Some(dim) = self.model.dimension(d) else {
                    return Ok((Vec::new(), None));
                };
                dim.members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| Child {
                        member: MemberRef::User(d, MemberId(i as u32)),
                        weight: match kind {
                            SplitKind::By { attr, .. } => m
                                .attr(attr)
                                .and_then(|a| a.value.weight())
                                .unwrap_or(Decimal::ZERO),
                            _ => Decimal::ONE,
                        },
                        period,
                        nested: block(MemberRef::User(d, MemberId(i as u32))),
                    })
                    .collect()
            }
        };
        Ok((children, total))
    }

    /// Share out the values the sink took over at whole-scope rep splits.
    fn settle_deferred(&mut self) -> Result<(), Overflow> {
        for ((scope, period, by_capacity), deferred) in self.sink.take_deferred() {
            self.scope = scope;
            let reps = self.reps(period, by_capacity);
            let weights = reps.reps.iter().map(|(_, w)| *w);
            let total = reps.total.ok_or(Overflow)?;
            let shares = proportional_of(deferred.value, weights, reps.reps.len(), total)?;
            for (&(r, _), share) in reps.reps.iter().zip(shares) {
                self.totals.add(r, share, deferred.nodes, deferred.at)?;
            }
        }
        self.scope.clear();
        Ok(())
    }

    fn expand(
        &mut self,
        exact: Decimal,
        rounded: Decimal,
        in_units: Option<InUnits>,
        queue: &[&Prepared<'m>],
        period: Period,
    ) -> Result<(), Overflow> {
        if !S::LEAVES && !queue.iter().any(|p| p.has_rep) {
            return Ok(());
        }
        let Some((first, rest)) = queue.split_first() else {
            return self.sink.leaf(&self.path, period, exact, rounded, in_units);
        };
        let rep_split = first.split.dim == DimRef::Rep;
        if rep_split
            && !matches!(first.split.kind, SplitKind::Entries { .. })
            && self.sink.defer_whole_scope(
                self.model,
                &self.scope,
                period,
                matches!(first.split.kind, SplitKind::By { .. }),
                exact,
                first.split.dim_span,
            )?
        {
            return Ok(());
        }
        let (children, total) = self.children(first, period, exact)?;
        if children.is_empty() {
            // Nothing to split over (reported by the checks): keep the node as a leaf.
            return self.expand(exact, rounded, in_units, &[], period);
        }
        let weights = children.iter().map(|c| c.weight);
        let exacts = match total {
            Some(total) => proportional_of(exact, weights, children.len(), total)?,
            None => proportional(exact, weights, children.len())?,
        };
        // The rounded shares, in units and as decimals, with each exact value as a
        // count of units (which a leaf's sink reads rather than convert again).
        let (mut shares, mut shared) = self.spare.pop().unwrap_or_default();
        shared.clear();
        if S::ROUNDED {
            let to_units = self.to_units;
            apportion::apportion_units(rounded, &exacts, |e| to_units.split(e), &mut shares)
                .ok_or(Overflow)?;
            let unit = to_units.unit;
            let mut last = None;
            let of_units = |u| apportion::of_units(u, unit);
            for &u in &shares.units {
                let value = apportion::reuse_last(&mut last, u, |a, b| a == b, of_units);
                shared.push(value.ok_or(Overflow)?);
            }
        } else {
            shares.units.clear();
            shares.exact.clear();
        }
        // Without rounding, each child's value is its exact value.
        let values = if S::ROUNDED { &shared } else { &exacts };
        if rep_split {
            for (child, &value) in children.iter().zip(values) {
                if let MemberRef::Rep(r) = child.member {
                    self.totals.add(r, value, 1, first.split.dim_span)?;
                }
            }
            // Below a rep split nothing splits reps again: the totals are complete.
            if !S::LEAVES {
                self.spare.push((shares, shared));
                return Ok(());
            }
        }
        self.sink.open(exact, rounded)?;
        let leaves = Leaves {
            children: &children,
            exacts: &exacts,
            values,
            shares: &shares,
        };
        // Children with nothing left to split are leaves, handed to the sink together.
        if S::LEAVES && rest.is_empty() && children.iter().all(|c| c.nested.is_empty()) {
            self.sink.leaves(&mut self.path, &leaves)?;
            self.sink.close();
            self.spare.push((shares, shared));
            return Ok(());
        }
        for (i, ((child, &child_exact), &child_rounded)) in leaves.iter().enumerate() {
            let in_units = leaves.in_units(i);
            self.path.push(child.member);
            // A child with nothing left to split is a leaf: handed to the sink here, as
            // `expand` would, without a call per cell.
            if rest.is_empty() && child.nested.is_empty() {
                let result = if S::LEAVES {
                    let (period, path) = (child.period, &self.path);
                    self.sink
                        .leaf(path, period, child_exact, child_rounded, in_units)
                } else {
                    Ok(())
                };
                self.path.pop();
                result?;
                continue;
            }
            let scoped = match child.member {
                MemberRef::User(d, m) => {
                    self.scope.push((d, m));
                    true
                }
                _ => false,
            };
            let result = if child.nested.is_empty() {
                self.expand(child_exact, child_rounded, in_units, rest, child.period)
            } else {
                let mut next: Vec<&Prepared> = rest.to_vec();
                next.extend(child.nested.iter());
                self.expand(child_exact, child_rounded, in_units, &next, child.period)
            };
            if scoped {
                self.scope.pop();
            }
            self.path.pop();
            result?;
        }
        self.sink.close();
        self.spare.push((shares, shared));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_largest_target_is_ten_to_the_28() {
        assert_eq!(Ok(MAX_UNITS), Decimal::from_str("1e28"));
    }

    #[test]
    fn moving_the_point_counts_units_as_multiplying_does() {
        let values = [
            "0",
            "1",
            "0.005",
            "123.45",
            "-7.5",
            "33333.333333333333333333333333",
            "0.0000000000000000000000000001",
            "7922816251426433759354395033",
            "79228162514264337593543950.335",
            "1234567890123456789.123456789",
        ];
        for unit in [
            "1",
            "0.1",
            "0.01",
            "0.001",
            "0.0000000000000000000000000001",
        ] {
            let unit = Decimal::from_str(unit).unwrap();
            let units = Units::new(unit);
            assert!(units.places.is_some());
            let inverse = units.inverse.unwrap();
            for v in values {
                let x = Decimal::from_str(v).unwrap();
                let by_multiplying = x.checked_mul(inverse);
                assert_eq!(units.count(x), by_multiplying, "{v} in units of {unit}");
                let split = by_multiplying.and_then(apportion::split_units);
                assert_eq!(units.split(x), split, "{v} in units of {unit}");
            }
        }
        // 28-digit mantissas that do not fit once multiplied by 10ᵏ: the point still
        // moves, with the same result as the product.
        for (v, unit) in [
            ("3333.3333333333333333333333333", "0.01"),
            ("7922816251426433759354395033.5", "0.1"),
            ("-7922816251426433759354395.0335", "0.001"),
            ("0.9999999999999999999999999999", "0.01"),
        ] {
            let units = Units::new(Decimal::from_str(unit).unwrap());
            let x = Decimal::from_str(v).unwrap();
            let product = x.checked_mul(units.inverse.unwrap()).unwrap();
            assert_eq!(
                units.split(x),
                apportion::split_units(product),
                "{v} in {unit}"
            );
        }
        // A unit that is not a power of ten divides.
        let units = Units::new(Decimal::from_str("0.05").unwrap());
        assert_eq!(units.places, None);
        assert_eq!(units.count(Decimal::from(3)), Some(Decimal::from(60)));
    }

    proptest::proptest! {
        #[test]
        fn moving_the_point_splits_as_multiplying_does(
            mantissa in -(1i128 << 96) + 1..(1i128 << 96),
            scale in 0u32..=28,
            places in 0u32..=28,
        ) {
            let x = Decimal::from_i128_with_scale(mantissa, scale);
            let unit = Decimal::from_i128_with_scale(1, places);
            let units = Units::new(unit);
            proptest::prop_assert_eq!(units.places, Some(places));
            let inverse = units.inverse.unwrap();
            let by_multiplying = x.checked_mul(inverse).and_then(apportion::split_units);
            proptest::prop_assert_eq!(units.split(x), by_multiplying);
        }
    }

    #[test]
    fn shares_never_exceed_the_value_shared() {
        let huge = Decimal::from_i128_with_scale(5 * 10i128.pow(28), 0);
        let tiny = Decimal::new(1, 27);
        let million = Decimal::from(1_000_000);
        // Weights whose sum does not fit, and weights so small that the value over their
        // total does not fit: the shares are still in proportion.
        for weights in [[huge, huge], [tiny, tiny]] {
            let shares = proportional(million, weights.iter().copied(), 2).ok();
            assert_eq!(shares, Some(vec![Decimal::from(500_000); 2]));
        }
        let zero = proportional(million, [Decimal::ZERO; 4].into_iter(), 4).ok();
        assert_eq!(zero, Some(vec![Decimal::from(250_000); 4]));
    }
}
