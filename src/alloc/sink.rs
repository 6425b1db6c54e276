//! Where a walk of a goal's split tree puts what it finds.
//!
//! There is one walk (`Walk` in the parent module); a [`Detail`] picks the sink it runs
//! with. Every walk adds up each rep's total ([`RepTotals`]); the sink says how far the
//! walk must go, whether values are rounded, and what happens at a leaf and at a
//! whole-scope rep split.

use super::control::{self, ByPeriod, PeriodUnits, Tree};
use super::{Cell, Detail, InUnits, Leaves, Overflow, RepMap, RepsKey, Units};
use crate::hash::Map;
use crate::model::{DimId, MemberId, MemberRef, Model, RepId};
use crate::period::Period;
use crate::source::Span;
use rust_decimal::Decimal;

/// What a walk does with the values it computes; see the module documentation.
pub(super) trait Sink {
    /// Whether the walk goes down to every leaf. If not, only rep totals are wanted: the
    /// walk skips subtrees without a rep split and stops below each rep split.
    const LEAVES: bool;
    /// Whether the walk rounds values top-down. If not, every value is exact.
    const ROUNDED: bool;
    /// What the allocation holds when this sink is done.
    const DETAIL: Detail;

    /// A leaf reached: the members on its path, its period, and its exact and rounded
    /// values (also in units, when the walk has them). Never called when [`Sink::LEAVES`]
    /// is false: the walk stops above the leaves.
    fn leaf(
        &mut self,
        _path: &[MemberRef],
        _period: Period,
        _exact: Decimal,
        _value: Decimal,
        _in_units: Option<InUnits>,
    ) -> Result<(), Overflow> {
        Ok(())
    }

    /// The children of the node last opened, every one a leaf: `path` holds the members
    /// above them. Each is handed to [`Sink::leaf`] unless the sink takes them at once.
    fn leaves(
        &mut self,
        path: &mut Vec<MemberRef>,
        leaves: &Leaves<'_, '_, '_>,
    ) -> Result<(), Overflow> {
        for (i, ((child, &exact), &value)) in leaves.iter().enumerate() {
            path.push(child.member);
            let result = self.leaf(path, child.period, exact, value, leaves.in_units(i));
            path.pop();
            result?;
        }
        Ok(())
    }

    /// A node about to be split into children, with its exact and rounded values; every
    /// leaf and node reached until the matching [`Sink::close`] lies below it.
    fn open(&mut self, _exact: Decimal, _rounded: Decimal) -> Result<(), Overflow> {
        Ok(())
    }

    /// The node last opened has all its children.
    fn close(&mut self) {}

    /// The walk is done: adjust what was kept (the rep totals among it) before it is
    /// handed out.
    fn finish(&mut self, _model: &Model, _totals: &mut RepTotals) -> Result<(), Overflow> {
        Ok(())
    }

    /// A whole-scope rep split (`split rep even` or `by capacity`) reached with the
    /// exact value `value`, in `scope` over `period`. True if the sink takes the value
    /// over, so the walk does not share it out here.
    fn defer_whole_scope(
        &mut self,
        _model: &Model,
        _scope: &[(DimId, MemberId)],
        _period: Period,
        _by_capacity: bool,
        _value: Decimal,
        _at: Span,
    ) -> Result<bool, Overflow> {
        Ok(false)
    }

    /// The values taken over by [`Sink::defer_whole_scope`], for the walk to share out
    /// once it is done.
    fn take_deferred(&mut self) -> Vec<(RepsKey, Deferred)> {
        Vec::new()
    }

    /// Whether what the walk computed is the allocation; false when the sink could not
    /// tell, and the goal must be walked again with [`CellStore`].
    fn settled(&self) -> bool {
        true
    }

    /// The cells stored, and their coordinates one after another.
    fn into_cells(self) -> (Vec<Cell>, Vec<MemberRef>);
}

/// The value gathered for one whole-scope rep split: its sum, how many nodes it came
/// from, and where the split is written.
pub(super) struct Deferred {
    pub value: Decimal,
    pub nodes: u32,
    pub at: Span,
}

/// Each rep's total allocation, how many values it sums (a rounded total is within that
/// many units of the exact one), and the `split rep` that first gave the rep a value.
///
/// They are kept by rep index during the walk, which adds to them once per rep value
/// (millions of times in a large plan), and become maps ([`RepTotals::into_maps`]) once
/// it is done.
#[derive(Default)]
pub(super) struct RepTotals {
    by_rep: Vec<RepTotal>,
    /// The reps with an entry in `by_rep`, in the order they got it.
    reps: Vec<RepId>,
}

/// One rep's entry in [`RepTotals`]: each part is `None` until set.
#[derive(Clone, Copy, Default)]
struct RepTotal {
    split: Option<Span>,
    total: Option<Decimal>,
    count: Option<u32>,
}

impl RepTotals {
    /// The entry of `rep`, made if it has none.
    #[inline(always)]
    fn entry(&mut self, rep: RepId) -> Result<&mut RepTotal, Overflow> {
        let index = rep.index();
        if index >= self.by_rep.len() {
            self.by_rep.resize(index + 1, RepTotal::default());
        }
        let entry = self.by_rep.get_mut(index).ok_or(Overflow)?;
        if entry.split.is_none() && entry.total.is_none() && entry.count.is_none() {
            self.reps.push(rep);
        }
        Ok(entry)
    }

    /// Add `value`, which sums `values` values, to the total of `rep`. Inlined: it runs
    /// once per rep value.
    #[inline(always)]
    pub fn add(
        &mut self,
        rep: RepId,
        value: Decimal,
        values: u32,
        at: Span,
    ) -> Result<(), Overflow> {
        let entry = self.entry(rep)?;
        entry.split.get_or_insert(at);
        let total = entry.total.get_or_insert(Decimal::ZERO);
        *total = total.checked_add(value).ok_or(Overflow)?;
        *entry.count.get_or_insert(0) += values;
        Ok(())
    }

    /// Move the total of `rep` by `delta` (a cell moved by controlled rounding).
    pub fn adjust(&mut self, rep: RepId, delta: Decimal) -> Result<(), Overflow> {
        let total = self.entry(rep)?.total.get_or_insert(Decimal::ZERO);
        *total = total.checked_add(delta).ok_or(Overflow)?;
        Ok(())
    }

    /// The first split, total and count of every rep that has them.
    pub fn into_maps(self) -> (RepMap<Span>, RepMap<Decimal>, RepMap<u32>) {
        let mut splits = RepMap::default();
        let mut totals = RepMap::default();
        let mut counts = RepMap::default();
        for rep in self.reps {
            let Some(entry) = self.by_rep.get(rep.index()) else {
                continue;
            };
            if let Some(split) = entry.split {
                splits.insert(rep, split);
            }
            if let Some(total) = entry.total {
                totals.insert(rep, total);
            }
            if let Some(count) = entry.count {
                counts.insert(rep, count);
            }
        }
        (splits, totals, counts)
    }
}

/// Every cell, rounded ([`Detail::Cells`]), and the shape of the split tree above them,
/// which the controlled rounding of the time totals needs (see `control.rs`).
pub(super) struct CellStore {
    cells: Vec<Cell>,
    /// The members above each run's last, one run after another: one allocation for
    /// millions of cells instead of one each, and one entry per run instead of per cell.
    coords: Vec<MemberRef>,
    /// Where the members above the last of the run being stored start in `coords`.
    head_start: u32,
    /// Whether a node was opened or closed since the last cell: only then can the
    /// members above the last differ from the cell before's (the cells between are
    /// children of one node, or that node's leaves with nothing to split).
    new_run: bool,
    /// How many coordinates the cells' paths hold in all: [`TimeTotals`] counts the same,
    /// so that both fail where one does.
    path_coords: u64,
    tree: Tree,
}

impl CellStore {
    pub fn new(units: Units) -> CellStore {
        CellStore {
            cells: Vec::new(),
            coords: Vec::new(),
            head_start: 0,
            new_run: true,
            path_coords: 0,
            tree: Tree::new(units),
        }
    }
}

impl CellStore {
    /// Store `head`, the members above the last of the cell stored next, if a run begins
    /// with that cell (else they are those of the run's cells before it).
    fn run_head(&mut self, head: &[MemberRef]) -> Result<(), Overflow> {
        if self.new_run {
            self.new_run = false;
            self.head_start = u32::try_from(self.coords.len()).map_err(|_| Overflow)?;
            self.coords.extend_from_slice(head);
        }
        debug_assert_eq!(
            self.coords.get(self.head_start as usize..),
            Some(head),
            "a cell's members above its last changed with no node opened or closed"
        );
        Ok(())
    }
}

impl Sink for CellStore {
    const LEAVES: bool = true;
    const ROUNDED: bool = true;
    const DETAIL: Detail = Detail::Cells;

    #[inline]
    fn leaf(
        &mut self,
        path: &[MemberRef],
        period: Period,
        exact: Decimal,
        value: Decimal,
        in_units: Option<InUnits>,
    ) -> Result<(), Overflow> {
        // The limits of every coordinate stored apart, as `TimeTotals` counts them.
        u32::try_from(self.path_coords).map_err(|_| Overflow)?;
        u32::try_from(self.cells.len()).map_err(|_| Overflow)?;
        self.path_coords += path.len() as u64;
        self.tree.leaf(period, exact, value, in_units)?;
        let (last, head) = match path.split_last() {
            Some((last, head)) => (Some(*last), head),
            None => (None, &[][..]),
        };
        self.run_head(head)?;
        self.cells.push(Cell {
            head_start: self.head_start,
            head_len: head.len() as u32,
            last,
            period,
            value,
        });
        Ok(())
    }

    /// [`CellStore::leaf`] for each child, with the checks and the run made once: the
    /// children of one node are one run, whose members above the last are `path`.
    fn leaves(
        &mut self,
        path: &mut Vec<MemberRef>,
        leaves: &Leaves<'_, '_, '_>,
    ) -> Result<(), Overflow> {
        let Some(before_last) = leaves.len().checked_sub(1) else {
            return Ok(());
        };
        // The limits `leaf` checks before each cell, checked before the last.
        let per_cell = path.len() as u64 + 1;
        u32::try_from(self.path_coords + before_last as u64 * per_cell).map_err(|_| Overflow)?;
        u32::try_from(self.cells.len() + before_last).map_err(|_| Overflow)?;
        self.path_coords += (before_last as u64 + 1) * per_cell;
        self.tree.leaves(leaves)?;
        self.run_head(path)?;
        let (head_start, head_len) = (self.head_start, path.len() as u32);
        self.cells
            .extend(leaves.iter().map(|((child, _), &value)| Cell {
                head_start,
                head_len,
                last: Some(child.member),
                period: child.period,
                value,
            }));
        Ok(())
    }

    fn open(&mut self, exact: Decimal, rounded: Decimal) -> Result<(), Overflow> {
        self.new_run = true;
        self.tree.open(exact, rounded)
    }

    fn close(&mut self) {
        self.new_run = true;
        self.tree.close();
    }

    fn finish(&mut self, model: &Model, totals: &mut RepTotals) -> Result<(), Overflow> {
        control::control(&mut self.tree, model, &mut self.cells, &self.coords, totals)
    }

    fn into_cells(self) -> (Vec<Cell>, Vec<MemberRef>) {
        (self.cells, self.coords)
    }
}

/// Only the rep totals of a goal split by time, rounded as the cells would be
/// ([`Detail::RepTotals`]).
///
/// The walk goes to every leaf, as for [`CellStore`], but keeps no cell: each leaf's
/// values in units are added to its period's totals, from which [`control::settled`]
/// decides whether controlled rounding would move any cell (and a rep total with it). If
/// it certainly would not, the rep totals of the walk are the allocation's; otherwise
/// the goal is walked again with [`CellStore`].
pub(super) struct TimeTotals {
    units: Units,
    periods: ByPeriod<PeriodUnits>,
    /// How many leaves, and how many coordinates [`CellStore`] would have stored: the
    /// same limits apply.
    cells: u64,
    coords: u64,
    /// The sum of every leaf's exact value's absolute value in units, rounded up.
    magnitude: i128,
    /// Whether some node was split (without one, there is nothing to control).
    split: bool,
    /// Whether a total was too large to keep in [`PeriodUnits`].
    too_large: bool,
    settled: bool,
}

impl TimeTotals {
    pub fn new(units: Units) -> TimeTotals {
        TimeTotals {
            units,
            periods: ByPeriod::default(),
            cells: 0,
            coords: 0,
            magnitude: 0,
            split: false,
            too_large: false,
            settled: false,
        }
    }
}

impl Sink for TimeTotals {
    const LEAVES: bool = true;
    const ROUNDED: bool = true;
    const DETAIL: Detail = Detail::RepTotals;

    fn leaf(
        &mut self,
        path: &[MemberRef],
        period: Period,
        exact: Decimal,
        value: Decimal,
        in_units: Option<InUnits>,
    ) -> Result<(), Overflow> {
        // The limits of `CellStore`, so that this sink fails where that one does.
        u32::try_from(self.coords).map_err(|_| Overflow)?;
        u32::try_from(self.cells).map_err(|_| Overflow)?;
        self.coords += path.len() as u64;
        self.cells += 1;
        let InUnits {
            value: value_units,
            floor,
            frac,
        } = self
            .units
            .leaf_units(in_units, exact, value)
            .ok_or(Overflow)?;
        let sum = self.periods.entry(period, |period| PeriodUnits {
            period,
            exact: 0,
            rounded: 0,
        })?;
        sum.rounded = sum.rounded.checked_add(value_units).ok_or(Overflow)?;
        let exact = floor
            .checked_mul(control::ONE)
            .and_then(|f| f.checked_add(frac))
            .and_then(|e| sum.exact.checked_add(e));
        let magnitude = floor
            .checked_abs()
            .and_then(|f| self.magnitude.checked_add(f + 1));
        match exact.zip(magnitude) {
            Some((exact, magnitude)) => {
                sum.exact = exact;
                self.magnitude = magnitude;
            }
            None => self.too_large = true,
        }
        Ok(())
    }

    fn open(&mut self, _exact: Decimal, _rounded: Decimal) -> Result<(), Overflow> {
        self.split = true;
        Ok(())
    }

    fn finish(&mut self, model: &Model, _totals: &mut RepTotals) -> Result<(), Overflow> {
        self.settled = !self.split
            || (!self.too_large
                && control::settled(model, &self.periods, self.cells, self.magnitude));
        Ok(())
    }

    fn settled(&self) -> bool {
        self.settled
    }

    fn into_cells(self) -> (Vec<Cell>, Vec<MemberRef>) {
        (Vec::new(), Vec::new())
    }
}

/// Only the rep totals, rounded as the cells would be ([`Detail::RepTotals`]).
pub(super) struct RoundedTotals;

impl Sink for RoundedTotals {
    const LEAVES: bool = false;
    const ROUNDED: bool = true;
    const DETAIL: Detail = Detail::RepTotals;

    fn into_cells(self) -> (Vec<Cell>, Vec<MemberRef>) {
        (Vec::new(), Vec::new())
    }
}

/// Only the exact rep totals, without rounding ([`Detail::ExactRepTotals`]).
///
/// Exact shares of a whole-scope rep split are proportional to weights that depend only
/// on the reps of the scope and the period, so the value reaching each (scope, period)
/// is added up here and shared out once, at the end of the walk, rather than once per
/// node. Scopes that differ only in members of dimensions that place no rep (the
/// products of one region) hold the same reps and are added up together, as are the
/// values of one split statement: each rep's total then sums as many values as before,
/// and the first split that gives the rep a value is the same.
///
/// The values are kept in the order their (scope, period) was first reached, so they are
/// shared out, and added to each rep's total, in the same order on every run: exact sums
/// round their 28th digit, so a different order could give a different last digit.
#[derive(Default)]
pub(super) struct ExactTotals {
    pending: Vec<(RepsKey, Deferred)>,
    /// Where each scope's values are in `pending`.
    index: Map<Vec<(DimId, MemberId)>, PendingAt>,
    /// The scope being looked up in `index`, reused from one look-up to the next.
    rep_scope: Vec<(DimId, MemberId)>,
}

/// Where a scope's held-back values are in `ExactTotals::pending`, by period, whether by
/// capacity, and the split statement.
type PendingAt = Map<(Period, bool, Span), usize>;

impl Sink for ExactTotals {
    const LEAVES: bool = false;
    const ROUNDED: bool = false;
    const DETAIL: Detail = Detail::ExactRepTotals;

    fn defer_whole_scope(
        &mut self,
        model: &Model,
        scope: &[(DimId, MemberId)],
        period: Period,
        by_capacity: bool,
        value: Decimal,
        at: Span,
    ) -> Result<bool, Overflow> {
        let rep_scope = &mut self.rep_scope;
        rep_scope.clear();
        rep_scope.extend(
            scope
                .iter()
                .filter(|(d, _)| model.rep_dimensions.contains(d)),
        );
        let scope = rep_scope.as_slice();
        let by_period = match self.index.get_mut(scope) {
            Some(by_period) => by_period,
            None => self.index.entry(scope.to_vec()).or_default(),
        };
        let next = self.pending.len();
        let at_index = *by_period.entry((period, by_capacity, at)).or_insert(next);
        if at_index == next {
            let deferred = Deferred {
                value: Decimal::ZERO,
                nodes: 0,
                at,
            };
            self.pending
                .push(((scope.to_vec(), period, by_capacity), deferred));
        }
        let Some((_, slot)) = self.pending.get_mut(at_index) else {
            return Err(Overflow);
        };
        slot.value = slot.value.checked_add(value).ok_or(Overflow)?;
        slot.nodes += 1;
        Ok(true)
    }

    fn take_deferred(&mut self) -> Vec<(RepsKey, Deferred)> {
        self.index.clear();
        std::mem::take(&mut self.pending)
    }

    fn into_cells(self) -> (Vec<Cell>, Vec<MemberRef>) {
        (Vec::new(), Vec::new())
    }
}
