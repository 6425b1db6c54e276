//! Where a walk of a goal's split tree puts what it finds.
//!
//! There is one walk (`Walk` in the parent module); a [`Detail`] picks the sink it runs
//! with. Every walk adds up each rep's total ([`RepTotals`]); the sink says how far the
//! walk must go, whether values are rounded, and what happens at a leaf and at a
//! whole-scope rep split.

use super::control::{self, Tree};
use super::{Cell, Detail, InUnits, Overflow, RepMap, RepsKey, Units};
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
#[derive(Default)]
pub(super) struct RepTotals {
    pub splits: RepMap<Span>,
    pub totals: RepMap<Decimal>,
    pub counts: RepMap<u32>,
}

impl RepTotals {
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
        self.splits.entry(rep).or_insert(at);
        let total = self.totals.entry(rep).or_default();
        *total = total.checked_add(value).ok_or(Overflow)?;
        *self.counts.entry(rep).or_default() += values;
        Ok(())
    }
}

/// Every cell, rounded ([`Detail::Cells`]), and the shape of the split tree above them,
/// which the controlled rounding of the time totals needs (see `control.rs`).
pub(super) struct CellStore {
    cells: Vec<Cell>,
    /// The coordinates of all cells, one after another: one allocation for millions of
    /// cells instead of one each.
    coords: Vec<MemberRef>,
    tree: Tree,
}

impl CellStore {
    pub fn new(units: Units) -> CellStore {
        CellStore {
            cells: Vec::new(),
            coords: Vec::new(),
            tree: Tree::new(units),
        }
    }
}

impl Sink for CellStore {
    const LEAVES: bool = true;
    const ROUNDED: bool = true;
    const DETAIL: Detail = Detail::Cells;

    fn leaf(
        &mut self,
        path: &[MemberRef],
        period: Period,
        exact: Decimal,
        value: Decimal,
        in_units: Option<InUnits>,
    ) -> Result<(), Overflow> {
        let coords_start = u32::try_from(self.coords.len()).map_err(|_| Overflow)?;
        self.tree.leaf(period, exact, value, in_units)?;
        self.coords.extend_from_slice(path);
        self.cells.push(Cell {
            coords_start,
            coords_len: path.len() as u32,
            period,
            value,
        });
        Ok(())
    }

    fn open(&mut self, exact: Decimal, rounded: Decimal) -> Result<(), Overflow> {
        self.tree.open(exact, rounded)
    }

    fn close(&mut self) {
        self.tree.close();
    }

    fn finish(&mut self, model: &Model, totals: &mut RepTotals) -> Result<(), Overflow> {
        control::control(&mut self.tree, model, &mut self.cells, &self.coords, totals)
    }

    fn into_cells(self) -> (Vec<Cell>, Vec<MemberRef>) {
        (self.cells, self.coords)
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
/// on the scope and the period, so the value reaching each (scope, period) is added up
/// here and shared out once, at the end of the walk, rather than once per node.
///
/// The values are kept in the order their (scope, period) was first reached, so they are
/// shared out, and added to each rep's total, in the same order on every run: exact sums
/// round their 28th digit, so a different order could give a different last digit.
#[derive(Default)]
pub(super) struct ExactTotals {
    pending: Vec<(RepsKey, Deferred)>,
    /// Where each scope's values are in `pending`.
    index: Map<Vec<(DimId, MemberId)>, PendingAt>,
}

/// Where a scope's held-back values are in `ExactTotals::pending`, by period and
/// whether by capacity.
type PendingAt = Map<(Period, bool), usize>;

impl Sink for ExactTotals {
    const LEAVES: bool = false;
    const ROUNDED: bool = false;
    const DETAIL: Detail = Detail::ExactRepTotals;

    fn defer_whole_scope(
        &mut self,
        scope: &[(DimId, MemberId)],
        period: Period,
        by_capacity: bool,
        value: Decimal,
        at: Span,
    ) -> Result<bool, Overflow> {
        let by_period = match self.index.get_mut(scope) {
            Some(by_period) => by_period,
            None => self.index.entry(scope.to_vec()).or_default(),
        };
        let next = self.pending.len();
        let at_index = *by_period.entry((period, by_capacity)).or_insert(next);
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
