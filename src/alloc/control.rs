//! Controlled rounding: the time totals across all other dimensions.
//!
//! Top-down largest remainder keeps every node of the split tree within one rounding unit
//! of its exact value. A reader also adds cells up *across* the tree: every cell of Q1,
//! over all regions, reps and products. Those totals form a second family of sets, the
//! time buckets: for each time grain (half, quarter, month, week) and each of its slices,
//! the cells whose period lies inside the slice. Both families are laminar (any two sets
//! are disjoint or one holds the other), so the rounding is an integral flow: units flow
//! from the goal down the split tree into the cells, and from the cells up the time
//! buckets back to the goal's total. Every arc has the bounds of its exact value (its
//! floor and ceiling in units, equal when the exact value is a whole number of units),
//! the exact values are a fractional flow within those bounds, and a network with
//! integral bounds that has a fractional flow has an integral one.
//!
//! The largest-remainder result already keeps every tree arc and every cell within its
//! bounds; only bucket totals can be off. If none is, nothing moves. Otherwise each bucket
//! outside its bounds is clamped to them, which leaves units over at some buckets and
//! missing at others, and a maximum flow (Dinic: shortest augmenting paths first, so few
//! cells move) routes them back through the residual network: down a tree node that was
//! rounded up, up one rounded down, out of a cell that was rounded up and into one rounded
//! down. Each cell that moves moves by one unit, to the other side of its exact value.
//!
//! Grains that do not nest (a week that crosses a month end, when both are split) cannot
//! both be controlled: grains are taken coarse to fine, and a grain is kept only if each
//! of its buckets lies inside one bucket of every coarser grain kept.
//!
//! The network has a node per inner node of the split tree and per bucket, and an arc per
//! (tree node, bucket) pair among the cells directly below the node; cells never become
//! nodes, so its size follows the tree, not the cells. Everything is in input order, so
//! the result is deterministic.

use super::sum::Total;
use super::{Cell, InUnits, Leaves, Overflow, Units};
use crate::alloc::sink::RepTotals;
use crate::model::{MemberRef, Model};
use crate::period::{Period, TimeDim};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// No node: the parent of the root, or of a cell of a goal with no split.
const NO_NODE: u32 = u32::MAX;
/// A cell's exact value is not a whole number of units.
const FRACTIONAL: u8 = 1;
/// A cell was rounded up (its value is above its exact value's floor).
const UP: u8 = 2;

/// An inner node of the split tree: its parent, and its value and bounds in units.
struct Node {
    parent: u32,
    lo: i128,
    hi: i128,
    value: i128,
}

/// The cells of one period: their exact sum, and their rounded sum in units.
struct PeriodSum {
    period: Period,
    exact: Total,
    rounded: i128,
}

/// Two bits per cell ([`FRACTIONAL`] and [`UP`]): a quarter of a byte each.
#[derive(Default)]
struct Flags {
    bits: Vec<u8>,
    len: usize,
}

impl Flags {
    fn push(&mut self, flags: u8) {
        if self.len.is_multiple_of(4) {
            self.bits.push(0);
        }
        if let Some(byte) = self.bits.last_mut() {
            *byte |= flags << ((self.len % 4) * 2);
        }
        self.len += 1;
    }

    fn get(&self, i: usize) -> u8 {
        self.bits.get(i / 4).map_or(0, |b| (b >> ((i % 4) * 2)) & 3)
    }

    fn set(&mut self, i: usize, flags: u8) {
        if let Some(b) = self.bits.get_mut(i / 4) {
            let shift = (i % 4) * 2;
            *b = (*b & !(3 << shift)) | (flags << shift);
        }
    }
}

/// The shape of the split tree, recorded during the walk (see `sink::CellStore`).
pub(super) struct Tree {
    units: Units,
    nodes: Vec<Node>,
    /// The nodes open on the walk's path.
    stack: Vec<u32>,
    /// Runs of cells one after another with the same node: (node, first, end). A node's
    /// cells usually come together, so this is far shorter than a node per cell.
    runs: Vec<(u32, u32, u32)>,
    /// Each cell's [`FRACTIONAL`] and [`UP`] flags.
    flags: Flags,
    periods: ByPeriod<PeriodSum>,
}

impl Tree {
    pub fn new(units: Units) -> Tree {
        Tree {
            units,
            nodes: Vec::new(),
            stack: Vec::new(),
            runs: Vec::new(),
            flags: Flags::default(),
            periods: ByPeriod::default(),
        }
    }

    pub fn open(&mut self, exact: Decimal, rounded: Decimal) -> Result<(), Overflow> {
        let (lo, frac) = self.units.split(exact).ok_or(Overflow)?;
        let (value, _) = self.units.split(rounded).ok_or(Overflow)?;
        let index = u32::try_from(self.nodes.len()).map_err(|_| Overflow)?;
        self.nodes.push(Node {
            parent: self.stack.last().copied().unwrap_or(NO_NODE),
            lo,
            hi: lo + i128::from(frac != 0),
            value,
        });
        self.stack.push(index);
        Ok(())
    }

    pub fn close(&mut self) {
        self.stack.pop();
    }

    pub fn leaf(
        &mut self,
        period: Period,
        exact: Decimal,
        value: Decimal,
        in_units: Option<InUnits>,
    ) -> Result<(), Overflow> {
        let cell = u32::try_from(self.flags.len).map_err(|_| Overflow)?;
        self.run(cell, cell.checked_add(1).ok_or(Overflow)?);
        self.cell(period, exact, value, in_units)
    }

    /// [`Tree::leaf`] for each child of the node last opened, every one a leaf.
    pub fn leaves(&mut self, leaves: &Leaves<'_, '_, '_>) -> Result<(), Overflow> {
        let first = u32::try_from(self.flags.len).map_err(|_| Overflow)?;
        let n = u32::try_from(leaves.len()).map_err(|_| Overflow)?;
        self.run(first, first.checked_add(n).ok_or(Overflow)?);
        for (i, ((child, &exact), &value)) in leaves.iter().enumerate() {
            self.cell(child.period, exact, value, leaves.in_units(i))?;
        }
        Ok(())
    }

    /// Cells `first..end`, stored next, are children of the node open last.
    fn run(&mut self, first: u32, end: u32) {
        if first == end {
            return;
        }
        let node = self.stack.last().copied().unwrap_or(NO_NODE);
        match self.runs.last_mut() {
            Some((n, _, last_end)) if *n == node && *last_end == first => *last_end = end,
            _ => self.runs.push((node, first, end)),
        }
    }

    /// A cell's flags, and its values added to its period's totals.
    #[inline]
    fn cell(
        &mut self,
        period: Period,
        exact: Decimal,
        value: Decimal,
        in_units: Option<InUnits>,
    ) -> Result<(), Overflow> {
        let InUnits {
            value: value_units,
            floor,
            frac,
        } = self
            .units
            .leaf_units(in_units, exact, value)
            .ok_or(Overflow)?;
        // A value that is not a whole number of units lies at least 10⁻¹⁸ units from one,
        // so the value rounded from it is above it exactly when it was rounded up (above
        // the floor). A whole number of units stays as it is.
        let flags = match (frac != 0, value_units > floor) {
            (false, _) => 0,
            (true, false) => FRACTIONAL,
            (true, true) => FRACTIONAL | UP,
        };
        self.flags.push(flags);
        let sum = self.periods.entry(period, |period| PeriodSum {
            period,
            exact: Total::ZERO,
            rounded: 0,
        })?;
        sum.exact.add(exact).ok_or(Overflow)?;
        sum.rounded = sum.rounded.checked_add(value_units).ok_or(Overflow)?;
        Ok(())
    }
}

/// Totals kept per period, in the order their periods are first seen. The period looked
/// up last is remembered: the cells of a node usually share it.
pub(super) struct ByPeriod<T> {
    totals: Vec<T>,
    index: crate::hash::Map<Period, u32>,
    last: Option<(Period, u32)>,
}

impl<T> Default for ByPeriod<T> {
    fn default() -> ByPeriod<T> {
        ByPeriod {
            totals: Vec::new(),
            index: crate::hash::Map::default(),
            last: None,
        }
    }
}

impl<T> ByPeriod<T> {
    /// The totals of `period`, made by `new` when the period is first seen.
    pub fn entry(
        &mut self,
        period: Period,
        new: impl FnOnce(Period) -> T,
    ) -> Result<&mut T, Overflow> {
        let index = match self.last {
            Some((p, i)) if p == period => i,
            _ => {
                let next = u32::try_from(self.totals.len()).map_err(|_| Overflow)?;
                let i = *self.index.entry(period).or_insert(next);
                if i == next {
                    self.totals.push(new(period));
                }
                self.last = Some((period, i));
                i
            }
        };
        self.totals.get_mut(index as usize).ok_or(Overflow)
    }
}

impl<T> std::ops::Deref for ByPeriod<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.totals
    }
}

/// A time bucket: its parent bucket, and its exact and rounded totals.
struct Bucket {
    parent: usize,
    exact: Decimal,
    rounded: i128,
}

/// The time buckets of a goal's cells: bucket 0 is the whole goal; `of_period` gives the
/// smallest bucket holding each period (by index in `Tree::periods`).
struct Buckets {
    buckets: Vec<Bucket>,
    of_period: Vec<usize>,
}

const GRAINS: [TimeDim; 4] = [
    TimeDim::Half,
    TimeDim::Quarter,
    TimeDim::Month,
    TimeDim::Week,
];

/// The time buckets of cells over `periods`, without their totals: each bucket's parent
/// (bucket 0, the whole goal, is its own), and the smallest bucket holding each period.
/// Every grain that nests in the coarser grains kept has a bucket per slice holding a
/// period; buckets come after their parents.
fn bucket_tree<'p>(
    model: &Model,
    periods: impl Iterator<Item = &'p Period> + Clone,
) -> (Vec<usize>, Vec<usize>) {
    let mut parents = vec![0usize];
    // The smallest bucket so far holding each period.
    let mut of_period = vec![0usize; periods.clone().count()];
    for grain in GRAINS {
        let slices = model.slices(grain);
        let slice_of: Vec<Option<usize>> = periods
            .clone()
            .map(|p| {
                slices
                    .iter()
                    .position(|s| s.period.start <= p.start && p.end <= s.period.end)
            })
            .collect();
        // Each slice's bucket must lie inside one bucket of the grains kept so far: all
        // its periods must have the same smallest bucket. (A kept bucket it meets is then
        // that bucket or holds it, or is disjoint from it: the family stays laminar.)
        let mut parent_of: HashMap<usize, usize> = HashMap::new();
        let nests = slice_of.iter().zip(&of_period).all(|(slice, &holder)| {
            let Some(slice) = slice else { return true };
            *parent_of.entry(*slice).or_insert(holder) == holder
        });
        if !nests || parent_of.is_empty() {
            continue;
        }
        let mut bucket_of: HashMap<usize, usize> = HashMap::new();
        for (p, slice) in slice_of.iter().enumerate() {
            let Some(slice) = slice else { continue };
            let Some(holder) = of_period.get_mut(p) else {
                continue;
            };
            let next = parents.len();
            let b = *bucket_of.entry(*slice).or_insert(next);
            if b == next {
                parents.push(*holder);
            }
            *holder = b;
        }
    }
    (parents, of_period)
}

/// Each bucket's total of the values of its periods: each period's value added to its
/// smallest bucket in period order, then each bucket to its parent, finest first.
fn bucket_sums<T: Copy>(
    parents: &[usize],
    of_period: &[usize],
    values: impl Iterator<Item = T>,
    zero: T,
    add: impl Fn(T, T) -> Option<T>,
) -> Option<Vec<T>> {
    let mut sums = vec![zero; parents.len()];
    for (value, &b) in values.zip(of_period) {
        let sum = sums.get_mut(b)?;
        *sum = add(*sum, value)?;
    }
    for b in (1..parents.len()).rev() {
        let (value, parent) = (*sums.get(b)?, *parents.get(b)?);
        let up = sums.get_mut(parent)?;
        *up = add(*up, value)?;
    }
    Some(sums)
}

/// The buckets of every grain that nests in the coarser grains kept.
fn buckets(model: &Model, periods: &[PeriodSum]) -> Result<Buckets, Overflow> {
    let (parents, of_period) = bucket_tree(model, periods.iter().map(|p| &p.period));
    let exact = periods.iter().map(|p| p.exact.value());
    let exact = bucket_sums(
        &parents,
        &of_period,
        exact,
        Decimal::ZERO,
        Decimal::checked_add,
    );
    let rounded = periods.iter().map(|p| p.rounded);
    let rounded = bucket_sums(&parents, &of_period, rounded, 0, i128::checked_add);
    let (exact, rounded) = exact.zip(rounded).ok_or(Overflow)?;
    let buckets = parents
        .into_iter()
        .zip(exact.into_iter().zip(rounded))
        .map(|(parent, (exact, rounded))| Bucket {
            parent,
            exact,
            rounded,
        })
        .collect();
    Ok(Buckets { buckets, of_period })
}

/// The cells of one period as [`settled`] reads them: their exact total as a count of
/// 10⁻¹⁸ rounding units (each cell's exact value counted to 18 places, see
/// `apportion::split_units`), and their rounded total in units.
pub(super) struct PeriodUnits {
    pub period: Period,
    pub exact: i128,
    pub rounded: i128,
}

/// 10¹⁸: one rounding unit counted in the units of [`PeriodUnits::exact`].
pub(super) const ONE: i128 = 1_000_000_000_000_000_000;

/// Whether [`control`] would leave every cell as it is, decided without the cells: true
/// only if every time bucket's rounded total certainly lies within the bounds that
/// `control` computes, false when it may not (the cells are then needed after all).
///
/// `control` adds up the cells' exact values as decimals, which round their 28th digit,
/// and reads each bucket's bounds from that sum to 18 places of a unit; the totals here
/// count each cell to 18 places first. The two differ by less than `margin` below: at
/// most `cells` roundings of half a 10⁻¹⁸ unit, and fewer than `8 × cells + 16` decimal
/// additions (cells into periods, periods into buckets, buckets into their parents), each
/// off by less than 10⁻²⁷ of `magnitude` (in units, at least the sum of every cell's
/// absolute value, which bounds every partial sum). A total farther than the margin from
/// a whole number of units has that number's floor and ceiling as bounds on either sum;
/// one within it of a whole number `k` may have `k` alone, or `k` and a neighbour, so a
/// rounded total of exactly `k` is within bounds either way, and any other may not be.
pub(super) fn settled(model: &Model, periods: &[PeriodUnits], cells: u64, magnitude: i128) -> bool {
    if periods.len() < 2 {
        return true;
    }
    let (parents, of_period) = bucket_tree(model, periods.iter().map(|p| &p.period));
    let exact = periods.iter().map(|p| p.exact);
    let rounded = periods.iter().map(|p| p.rounded);
    let (Some(exact), Some(rounded)) = (
        bucket_sums(&parents, &of_period, exact, 0, i128::checked_add),
        bucket_sums(&parents, &of_period, rounded, 0, i128::checked_add),
    ) else {
        return false;
    };
    let cells = i128::from(cells);
    let margin = (cells * 8 + 16)
        .checked_mul(magnitude / 1_000_000_000 + 1)
        .and_then(|m| m.checked_add(cells + 1));
    let Some(margin) = margin.filter(|m| *m < ONE / 4) else {
        return false;
    };
    exact
        .iter()
        .zip(&rounded)
        .skip(1)
        .all(|(&exact, &rounded)| {
            let (floor, rest) = (exact.div_euclid(ONE), exact.rem_euclid(ONE));
            if rest > margin && rest < ONE - margin {
                floor <= rounded && rounded <= floor + 1
            } else {
                rounded == if rest <= margin { floor } else { floor + 1 }
            }
        })
}

/// Bring every time bucket within one unit of its exact total (see the module
/// documentation), moving cells by a unit each and the rep totals with them.
pub(super) fn control(
    tree: &mut Tree,
    model: &Model,
    cells: &mut [Cell],
    coords: &[MemberRef],
    totals: &mut RepTotals,
) -> Result<(), Overflow> {
    if tree.nodes.is_empty() || tree.periods.len() < 2 {
        return Ok(());
    }
    let Buckets { buckets, of_period } = buckets(model, &tree.periods)?;
    let mut bounds = Vec::with_capacity(buckets.len());
    for b in &buckets {
        let (lo, frac) = tree.units.split(b.exact).ok_or(Overflow)?;
        bounds.push((lo, lo + i128::from(frac != 0)));
    }
    let off = buckets
        .iter()
        .zip(&bounds)
        .skip(1)
        .any(|(b, &(lo, hi))| b.rounded < lo || b.rounded > hi);
    if !off {
        return Ok(());
    }
    // The network: tree nodes first, then buckets, then the source and the sink.
    let n_nodes = tree.nodes.len();
    let bucket_node = |b: usize| n_nodes + b;
    let source = n_nodes + buckets.len();
    let sink = source + 1;
    let mut net = Network::new(sink + 1);
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.parent == NO_NODE {
            continue;
        }
        let up = node.hi.saturating_sub(node.value).max(0);
        let down = node.value.saturating_sub(node.lo).max(0);
        if up > 0 || down > 0 {
            net.arc(node.parent as usize, i, up, down);
        }
    }
    // Each period's bucket, by period: cells are looked up by their period.
    let bucket_of: HashMap<Period, usize> = tree
        .periods
        .iter()
        .zip(&of_period)
        .map(|(p, &b)| (p.period, b))
        .collect();
    // Cells next to each other mostly share a period: remember the last one looked up.
    let last = std::cell::Cell::new(None::<(Period, usize)>);
    let cell_bucket = |cell: &Cell| match last.get() {
        Some((p, b)) if p == cell.period => b,
        _ => {
            let b = bucket_of.get(&cell.period).copied().unwrap_or(0);
            last.set(Some((cell.period, b)));
            b
        }
    };
    // (node, bucket) → cells that can go up, cells that can go down.
    let mut groups: HashMap<(u32, usize), (i128, i128)> = HashMap::new();
    let mut order: Vec<(u32, usize)> = Vec::new();
    // Cells of one node and bucket come together: count them up before one look-up.
    let mut add = |key: (u32, usize), (can_rise, can_fall): (i128, i128)| {
        let entry = groups.entry(key).or_insert_with(|| {
            order.push(key);
            (0, 0)
        });
        entry.0 += can_rise;
        entry.1 += can_fall;
    };
    for &(node, first, end) in &tree.runs {
        if node == NO_NODE {
            continue;
        }
        let (first, end) = (first as usize, end as usize);
        let Some(run) = cells.get(first..end) else {
            continue;
        };
        let mut current: Option<(usize, (i128, i128))> = None;
        for (i, cell) in run.iter().enumerate() {
            let flags = tree.flags.get(first + i);
            if flags == 0 {
                continue;
            }
            let bucket = cell_bucket(cell);
            let counts = match &mut current {
                Some((b, counts)) if *b == bucket => counts,
                _ => {
                    if let Some((b, counts)) = current.take() {
                        add((node, b), counts);
                    }
                    &mut current.insert((bucket, (0, 0))).1
                }
            };
            if flags & UP != 0 {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
        if let Some((b, counts)) = current {
            add((node, b), counts);
        }
    }
    let mut group_arcs = Vec::with_capacity(order.len());
    for key in &order {
        let Some(&(up, down)) = groups.get(key) else {
            continue;
        };
        group_arcs.push((*key, net.arc(key.0 as usize, bucket_node(key.1), up, down)));
    }
    let mut excess = vec![0i128; buckets.len()];
    for (b, (bucket, &(lo, hi))) in buckets.iter().zip(&bounds).enumerate().skip(1) {
        let clamped = bucket.rounded.clamp(lo, hi);
        let moved = bucket.rounded - clamped;
        if let Some(e) = excess.get_mut(b) {
            *e += moved;
        }
        if let Some(e) = excess.get_mut(bucket.parent) {
            *e -= moved;
        }
        let (up, down) = (hi - clamped, clamped - lo);
        if up > 0 || down > 0 {
            net.arc(bucket_node(b), bucket_node(bucket.parent), up, down);
        }
    }
    for (b, &e) in excess.iter().enumerate() {
        if e > 0 {
            net.arc(source, bucket_node(b), e, 0);
        } else if e < 0 {
            net.arc(bucket_node(b), sink, -e, 0);
        }
    }
    net.max_flow(source, sink);
    // Move the cells: each group's net flow is how many of its cells go up (or down).
    // Each node's moves, by bucket: a few per node.
    let mut moves: HashMap<u32, Vec<(usize, i128)>> = HashMap::new();
    for ((node, bucket), arc) in group_arcs {
        let moved = net.flow(arc);
        if moved != 0 {
            moves.entry(node).or_default().push((bucket, moved));
        }
    }
    let unit = tree.units.unit;
    for &(node, first, end) in &tree.runs {
        let Some(left) = moves.get_mut(&node) else {
            continue;
        };
        for i in first as usize..end as usize {
            if left.iter().all(|(_, m)| *m == 0) {
                break;
            }
            let Some(cell) = cells.get_mut(i) else {
                break;
            };
            let bucket = cell_bucket(cell);
            let Some((_, moved)) = left.iter_mut().find(|(b, _)| *b == bucket) else {
                continue;
            };
            let flags = tree.flags.get(i);
            let delta = if *moved > 0 && flags == FRACTIONAL {
                tree.flags.set(i, FRACTIONAL | UP);
                *moved -= 1;
                unit
            } else if *moved < 0 && flags & UP != 0 {
                tree.flags.set(i, flags & !UP);
                *moved += 1;
                -unit
            } else {
                continue;
            };
            cell.value = cell.value.checked_add(delta).ok_or(Overflow)?;
            let start = cell.head_start as usize;
            let head = coords
                .get(start..start + cell.head_len as usize)
                .unwrap_or(&[]);
            for m in head.iter().chain(&cell.last) {
                if let MemberRef::Rep(r) = m {
                    totals.adjust(*r, delta)?;
                }
            }
        }
    }
    Ok(())
}

/// A flow network for Dinic's algorithm: arcs in pairs (an arc and its reverse), each
/// with its residual capacity.
struct Network {
    heads: Vec<u32>,
    caps: Vec<i128>,
    /// The capacity each arc started with, to read its flow back.
    initial: Vec<i128>,
    adjacency: Vec<Vec<u32>>,
}

impl Network {
    fn new(nodes: usize) -> Network {
        Network {
            heads: Vec::new(),
            caps: Vec::new(),
            initial: Vec::new(),
            adjacency: vec![Vec::new(); nodes],
        }
    }

    /// An arc from `from` to `to` that can carry `forward` more units, and give back
    /// `back` units it carries; returns its index.
    fn arc(&mut self, from: usize, to: usize, forward: i128, back: i128) -> usize {
        let index = self.heads.len();
        self.heads.push(to as u32);
        self.caps.push(forward);
        self.initial.push(forward);
        self.heads.push(from as u32);
        self.caps.push(back);
        self.initial.push(back);
        if let Some(out) = self.adjacency.get_mut(from) {
            out.push(index as u32);
        }
        if let Some(out) = self.adjacency.get_mut(to) {
            out.push(index as u32 + 1);
        }
        index
    }

    /// The units an arc carries beyond what it started with (negative: fewer).
    fn flow(&self, arc: usize) -> i128 {
        self.initial.get(arc).copied().unwrap_or(0) - self.caps.get(arc).copied().unwrap_or(0)
    }

    fn max_flow(&mut self, source: usize, sink: usize) {
        let n = self.adjacency.len();
        let mut level = vec![u32::MAX; n];
        let mut next = vec![0usize; n];
        let mut queue = std::collections::VecDeque::new();
        loop {
            level.fill(u32::MAX);
            if let Some(l) = level.get_mut(source) {
                *l = 0;
            }
            queue.clear();
            queue.push_back(source);
            while let Some(u) = queue.pop_front() {
                let lu = level.get(u).copied().unwrap_or(u32::MAX);
                for &a in self.adjacency.get(u).map_or(&[][..], Vec::as_slice) {
                    let a = a as usize;
                    let v = self.heads.get(a).copied().unwrap_or(0) as usize;
                    if self.caps.get(a).copied().unwrap_or(0) > 0 && level.get(v) == Some(&u32::MAX)
                    {
                        if let Some(l) = level.get_mut(v) {
                            *l = lu + 1;
                        }
                        queue.push_back(v);
                    }
                }
            }
            if level.get(sink) == Some(&u32::MAX) {
                return;
            }
            next.fill(0);
            while self.augment(source, sink, &level, &mut next) {}
        }
    }

    /// Find one path from `source` to `sink` along the levels and push its bottleneck
    /// through it; false when there is none left.
    fn augment(&mut self, source: usize, sink: usize, level: &[u32], next: &mut [usize]) -> bool {
        let mut path: Vec<usize> = Vec::new();
        let mut u = source;
        while u != sink {
            let out = self.adjacency.get(u).map_or(&[][..], Vec::as_slice);
            let lu = level.get(u).copied().unwrap_or(u32::MAX);
            let mut found = None;
            while let Some(&a) = next.get(u).and_then(|&i| out.get(i)) {
                let a = a as usize;
                let v = self.heads.get(a).copied().unwrap_or(0) as usize;
                if self.caps.get(a).copied().unwrap_or(0) > 0
                    && level.get(v).copied() == Some(lu.wrapping_add(1))
                {
                    found = Some((a, v));
                    break;
                }
                if let Some(i) = next.get_mut(u) {
                    *i += 1;
                }
            }
            match found {
                Some((a, v)) => {
                    path.push(a);
                    u = v;
                }
                None => {
                    // A dead end: retreat one arc and skip it from now on.
                    let Some(a) = path.pop() else { return false };
                    u = self.heads.get(a ^ 1).copied().unwrap_or(0) as usize;
                    if let Some(i) = next.get_mut(u) {
                        *i += 1;
                    }
                }
            }
        }
        let push = path
            .iter()
            .map(|&a| self.caps.get(a).copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        for &a in &path {
            if let Some(c) = self.caps.get_mut(a) {
                *c -= push;
            }
            if let Some(c) = self.caps.get_mut(a ^ 1) {
                *c += push;
            }
        }
        push > 0
    }
}
