//! Progress as of a date: actuals to date, expected to date, attainment, and a forecast
//! from the weighted pipeline, for each goal and each of its allocated cells.
//!
//! - An actual row *fits* a cell when its period lies inside the cell's and it names the
//!   cell's member on every dimension the cell is split on (it may name more). A row that
//!   fits no single cell (a quarterly figure against monthly cells) still counts for the
//!   goal; a row that meets no cell at all is reported.
//! - Expected to date: each cell's value times the elapsed share of its period (days from
//!   its start through `as_of`, inclusive, over its days); the goal's is each time total
//!   (the cells of one period added up) times its elapsed share.
//! - A goal linked to a funnel and without `actuals` of its own takes the funnel's won
//!   deals as its actual rows: those in the goal's unit, closing inside its period and by
//!   `as_of`, each a row of its close date. A goal with `actuals` counts only those.
//! - A row or deal is placed by the members it names and, for its rep (a deal's owner),
//!   the members the rep's team or the rep itself is tied to on the dimensions it does
//!   not name: a deal of a rep in `region east` is in `east`.
//! - Pipeline: the open deals of the goal's funnel, in the goal's unit, closing after
//!   `as_of` and inside the goal's period. Forecast = actuals + Σ amount × p, with a band
//!   of ± √Σ amount² × p × (1 − p).
//! - What fits no leaf cell (a row coarser than the cells, a deal without a member of a
//!   dimension the goal is split on) counts for the goal and is kept apart as unplaced,
//!   so that the goal's actual (and pipeline) is the sum of its cells' plus the unplaced.
//!
//! Invariant: exact decimals; the square root is the only inexact operation, and it is
//! computed on decimals too. A sum beyond the largest decimal is `None`, never saturated.

use crate::alloc::{Allocation, GoalAllocation};
use crate::hash::{Map, Set};
use crate::model::{
    Deal, DealFigures, DealId, DealState, DimRef, Goal, GoalId, MemberRef, Model, RepId,
};
use crate::period::Period;
use crate::pipeline::{self, FunnelStats};
use chrono::NaiveDate;
use rust_decimal::{Decimal, MathematicalOps};
use std::borrow::Cow;

#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// By goal index; `None` for a goal that was not allocated to cells.
    pub goals: Vec<Option<GoalProgress>>,
    /// Each funnel's derived numbers, by funnel index.
    pub funnels: Vec<Option<FunnelStats>>,
}

/// Progress numbers of a goal or a cell. A sum beyond the largest decimal is `None`
/// (and reported by the checks), never a saturated or zero value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbers {
    pub actual: Option<Decimal>,
    pub expected_to_date: Option<Decimal>,
    /// Weighted pipeline closing in the rest of the period.
    pub pipeline: Option<Decimal>,
    /// Σ amount² × p × (1 − p) of that pipeline.
    spread: Spread,
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers {
            actual: Some(Decimal::ZERO),
            expected_to_date: None,
            pipeline: Some(Decimal::ZERO),
            spread: Spread::default(),
        }
    }
}

impl Numbers {
    /// Actuals to date plus the weighted pipeline.
    pub fn forecast(&self) -> Option<Decimal> {
        self.actual?.checked_add(self.pipeline?)
    }

    /// The forecast's uncertainty: ± √Σ amount² × p × (1 − p).
    pub fn band(&self) -> Option<Decimal> {
        self.spread.root()
    }

    /// The low end of the forecast range: forecast − band, but never below the actuals.
    /// Open deals can only add to what is booked (losing them all leaves the actuals),
    /// so a band wider than the pipeline stops there rather than going negative.
    pub fn low(&self) -> Option<Decimal> {
        low_end(self.forecast()?, self.band()?, self.actual?)
    }

    /// The high end of the forecast range, forecast + band.
    pub fn high(&self) -> Option<Decimal> {
        self.forecast()?.checked_add(self.band()?)
    }

    /// Actuals to date ÷ the value; `None` for a zero value.
    pub fn attainment(&self, value: Decimal) -> Option<Decimal> {
        (!value.is_zero())
            .then(|| self.actual?.checked_div(value))
            .flatten()
    }

    /// Pipeline ÷ what is still to reach; `None` when nothing is.
    pub fn coverage(&self, value: Decimal) -> Option<Decimal> {
        let remaining = value.checked_sub(self.actual?)?;
        (remaining > Decimal::ZERO)
            .then(|| self.pipeline?.checked_div(remaining))
            .flatten()
    }

    /// Whether a ratio to `value` (the goal's target or the cell's value) could not be
    /// represented: the attainment, what is still to reach, or the coverage. `cell` says
    /// which the numbers are of.
    pub fn ratio_too_large(&self, value: Decimal, cell: bool) -> Option<TooLarge> {
        let (actual, pipeline) = (self.actual?, self.pipeline?);
        if !value.is_zero() && actual.checked_div(value).is_none() {
            return Some(TooLarge::Attainment { cell });
        }
        let Some(remaining) = value.checked_sub(actual) else {
            return Some(TooLarge::Remaining { cell });
        };
        (remaining > Decimal::ZERO && pipeline.checked_div(remaining).is_none())
            .then_some(TooLarge::Coverage { cell })
    }

    fn add_actual(&mut self, amount: Decimal) {
        self.actual = self.actual.and_then(|a| a.checked_add(amount));
    }

    fn add_deal(&mut self, deal: &mut Weighing) {
        // p ≤ 1, so the weighted amount is never larger than the amount.
        self.pipeline = self
            .pipeline
            .and_then(|sum| sum.checked_add(deal.weighted?));
        self.spread.add(deal);
    }

    /// Whether a sum or the forecast range could not be represented.
    pub fn too_large(&self) -> Option<TooLarge> {
        if self.actual.is_none() {
            Some(TooLarge::Actual)
        } else if self.pipeline.is_none() {
            Some(TooLarge::Pipeline)
        } else {
            // `low` and `high` as one: the band (a square root) is computed once.
            let ends = self
                .forecast()
                .zip(self.band())
                .and_then(|(forecast, band)| {
                    low_end(forecast, band, self.actual?)?;
                    forecast.checked_add(band)
                });
            ends.is_none().then_some(TooLarge::Forecast)
        }
    }
}

/// The low end of a forecast range, `forecast − band` no lower than `actual`; `None`
/// beyond the largest decimal.
pub fn low_end(forecast: Decimal, band: Decimal, actual: Decimal) -> Option<Decimal> {
    Some(forecast.checked_sub(band)?.max(actual))
}

/// Which progress number is beyond the largest decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    Actual,
    Pipeline,
    /// The forecast or an end of its range (actuals + pipeline ± band).
    Forecast,
    /// Expected to date. The cells' values are not negative and add up to the goal's
    /// target, below 10²⁸, and each is taken times a share of at most one, so this
    /// cannot happen; it is kept so that a sum is never saturated.
    Expected,
    /// Actuals ÷ the target (or a cell's value).
    Attainment {
        cell: bool,
    },
    /// The target (or a cell's value) − actuals, for hugely negative actuals.
    Remaining {
        cell: bool,
    },
    /// Weighted pipeline ÷ what is still to reach.
    Coverage {
        cell: bool,
    },
}

/// Σ amount² × p × (1 − p), kept as `scale² × sum`. An amount near the largest decimal
/// has a square far beyond it, so each amount is divided by `scale` — a power of ten at
/// least as large as every amount so far, making the division exact — before squaring,
/// and the square root is multiplied back. Each term is then at most ¼ (about 16 for
/// amounts above 10²⁸), and the band is right for any amount a decimal holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spread {
    scale: Decimal,
    /// `None` once a term or the sum could not be represented.
    sum: Option<Decimal>,
}

impl Default for Spread {
    fn default() -> Spread {
        Spread {
            scale: Decimal::ONE,
            sum: Some(Decimal::ZERO),
        }
    }
}

/// One open deal as the goal, its cell and its unplaced part add it up: the weighted
/// amount is computed once, and the spread's term once per scale (the goal and its cells
/// mostly share one), each exactly as it would be computed for every sum on its own.
struct Weighing {
    amount: Decimal,
    p: Decimal,
    /// amount × p; `None` beyond the largest decimal.
    weighted: Option<Decimal>,
    /// The last spread term computed, with the scale it was computed for.
    term: Option<(Decimal, Option<Decimal>)>,
}

impl Weighing {
    fn new(amount: Decimal, p: Decimal) -> Weighing {
        Weighing {
            amount,
            p,
            weighted: amount.checked_mul(p),
            term: None,
        }
    }

    /// (|amount| ÷ scale)² × p × (1 − p).
    fn term(&mut self, scale: Decimal) -> Option<Decimal> {
        if let Some((s, t)) = self.term
            && s == scale
        {
            return t;
        }
        let p = self.p;
        let t = self
            .amount
            .abs()
            .checked_div(scale)
            .and_then(|x| x.checked_mul(x))
            .and_then(|x2| x2.checked_mul(p))
            .and_then(|x| x.checked_mul(Decimal::ONE.checked_sub(p)?));
        self.term = Some((scale, t));
        t
    }
}

impl Spread {
    fn add(&mut self, deal: &mut Weighing) {
        let amount = deal.amount.abs();
        let mut sum = self.sum;
        // Widen the scale by tens; the sum so far shrinks by a hundred each time. 10²⁸ is
        // the largest power of ten a decimal holds, so the loop ends there.
        while amount > self.scale {
            let Some(wider) = self.scale.checked_mul(Decimal::TEN) else {
                break;
            };
            self.scale = wider;
            sum = sum.and_then(|s| s.checked_div(Decimal::ONE_HUNDRED));
        }
        let term = deal.term(self.scale);
        self.sum = sum.zip(term).and_then(|(s, t)| s.checked_add(t));
    }

    fn root(&self) -> Option<Decimal> {
        self.sum?.sqrt()?.checked_mul(self.scale)
    }
}

#[derive(Debug, Clone, Default)]
pub struct GoalProgress {
    pub numbers: Numbers,
    /// Per cell, in the order of the allocation's cells.
    pub cells: Vec<Numbers>,
    /// Actual rows that meet no cell of the goal.
    /// Each actual row that meets no cell, and the rows summed into it.
    pub unmatched: Vec<(crate::source::Span, Option<crate::model::Summed>)>,
    /// The parts of the goal's actual and weighted pipeline that fit no leaf cell: the
    /// goal's `actual` is its cells' plus `unplaced.actual`, and likewise the pipeline.
    pub unplaced: Numbers,
    /// Each open deal of the pipeline that fits no cell because it names no member of
    /// some dimension the goal's cells are split on there: the deal and those dimensions,
    /// in the order the goal splits on them.
    pub unplaced_deals: Vec<(DealId, Vec<DimRef>)>,
    /// A number of the goal or a cell beyond the largest decimal that needs the target
    /// or the cells' values: expected to date, attainment, what is left, coverage.
    pub too_large: Option<TooLarge>,
}

/// The share of `period` elapsed by the end of `as_of`.
fn elapsed(period: &Period, as_of: NaiveDate) -> Decimal {
    if as_of < period.start {
        Decimal::ZERO
    } else if as_of >= period.end {
        Decimal::ONE
    } else {
        let done = (as_of - period.start).num_days() + 1;
        Decimal::from(done) / Decimal::from(period.days())
    }
}

/// A cell's non-time members, sorted: the key it is found by.
fn key<'a>(coords: impl IntoIterator<Item = &'a MemberRef>) -> Vec<MemberRef> {
    let mut k: Vec<MemberRef> = coords
        .into_iter()
        .copied()
        .filter(|m| !matches!(m, MemberRef::Time(..)))
        .collect();
    k.sort_unstable();
    k
}

/// Call `f` with every subset of a row's or deal's members, each sorted like [`key`].
/// Rows name a few members, so there are few subsets; beyond 12 only the whole set is
/// tried. The subsets are built in one reused buffer: a million deals make no
/// allocation here.
fn for_each_subset(names: &[MemberRef], mut f: impl FnMut(&[MemberRef])) {
    let mut sorted: DealMembers = names
        .iter()
        .copied()
        .filter(|m| !matches!(m, MemberRef::Time(..)))
        .collect();
    sorted.sort_unstable();
    if sorted.len() > 12 {
        f(&sorted);
        return;
    }
    let mut subset = DealMembers::new();
    for mask in 0u32..1 << sorted.len() {
        subset.clear();
        // Pushed one by one: an extend from a filter knows no length and is slower here.
        for (i, m) in sorted.iter().enumerate() {
            if mask & (1 << i) != 0 {
                subset.push(*m);
            }
        }
        f(&subset);
    }
}

/// Whether `names` contradict no member of a cell (on the dimensions both carry).
fn compatible(names: &[MemberRef], cell: &[MemberRef]) -> bool {
    names
        .iter()
        .all(|n| cell.iter().all(|c| c.dim() != n.dim() || c == n))
}

/// The distinct member combinations of a goal's cells (its "shapes", time left out),
/// each with the span of time its cells cover, indexed by member — to decide quickly
/// whether a coarse row (one naming fewer dimensions than the cells) meets any cell.
struct Shapes {
    shapes: Vec<(Vec<MemberRef>, Period)>,
    /// Shapes naming a member.
    with: Map<MemberRef, Vec<usize>>,
    /// Shapes not split on a dimension at all (for each dimension some shape is split on).
    without: Map<DimRef, Vec<usize>>,
    dims: Set<DimRef>,
}

impl Shapes {
    fn new(alloc: &GoalAllocation) -> Shapes {
        let mut by_key: Map<Vec<MemberRef>, usize> = Map::default();
        let mut shapes: Vec<(Vec<MemberRef>, Period)> = Vec::new();
        for cell in &alloc.cells {
            let k = key(alloc.coords(cell));
            match by_key.get(&k) {
                Some(&i) => {
                    let span = &mut shapes[i].1;
                    span.start = span.start.min(cell.period.start);
                    span.end = span.end.max(cell.period.end);
                }
                None => {
                    by_key.insert(k.clone(), shapes.len());
                    shapes.push((k, cell.period));
                }
            }
        }
        let mut with: Map<MemberRef, Vec<usize>> = Map::default();
        let dims: Set<DimRef> = shapes
            .iter()
            .flat_map(|(k, _)| k.iter().map(|m| m.dim()))
            .collect();
        let mut without: Map<DimRef, Vec<usize>> = Map::default();
        for (i, (k, _)) in shapes.iter().enumerate() {
            for m in k {
                with.entry(*m).or_default().push(i);
            }
            for d in &dims {
                if !k.iter().any(|m| m.dim() == *d) {
                    without.entry(*d).or_default().push(i);
                }
            }
        }
        Shapes {
            shapes,
            with,
            without,
            dims,
        }
    }

    /// Whether some cell's shape agrees with `names` and its time overlaps `period`.
    fn meets(&self, names: &[MemberRef], period: &Period) -> bool {
        // Members of dimensions no cell is split on constrain nothing.
        let names: Vec<MemberRef> = names
            .iter()
            .copied()
            .filter(|m| !matches!(m, MemberRef::Time(..)) && self.dims.contains(&m.dim()))
            .collect();
        let empty = Vec::new();
        // The candidates of the most selective member; every shape if none.
        let candidates = names
            .iter()
            .map(|m| {
                let with = self.with.get(m).unwrap_or(&empty);
                let without = self.without.get(&m.dim()).unwrap_or(&empty);
                (with.len() + without.len(), with, without)
            })
            .min_by_key(|(n, _, _)| *n);
        let check = |i: usize| {
            self.shapes
                .get(i)
                .is_some_and(|(k, span)| span.overlaps(period) && compatible(&names, k))
        };
        match candidates {
            Some((_, with, without)) => with.iter().chain(without).any(|&i| check(i)),
            None => (0..self.shapes.len()).any(check),
        }
    }

    /// The dimensions that cells of a shape agreeing with `names`, and covering `date`,
    /// are split on and `names` names no member of: why a deal fits no cell. Empty when
    /// no such cell exists (the deal names a member the goal has no cell for). The
    /// shapes agreeing with a set of names are found once per set (`memo`), as the
    /// distinct pairs of their time span and dimensions, which are few.
    fn missing(&self, names: &[MemberRef], date: NaiveDate, memo: &mut ShapeMemo) -> Set<DimRef> {
        let named: Set<DimRef> = names.iter().map(|m| m.dim()).collect();
        let names: Vec<MemberRef> = key(names)
            .into_iter()
            .filter(|m| self.dims.contains(&m.dim()))
            .collect();
        let agreeing = memo.entry(names).or_insert_with_key(|names| {
            let distinct: Set<(Period, Vec<DimRef>)> = self
                .shapes
                .iter()
                .filter(|(k, _)| compatible(names, k))
                .map(|(k, span)| (*span, k.iter().map(|m| m.dim()).collect()))
                .collect();
            distinct.into_iter().collect()
        });
        agreeing
            .iter()
            .filter(|(span, _)| span.contains_date(date))
            .flat_map(|(_, dims)| dims.iter().copied())
            .filter(|d| !named.contains(d))
            .collect()
    }
}

/// The shapes agreeing with a set of names: their time spans and dimensions.
type ShapeMemo = Map<Vec<MemberRef>, Vec<(Period, Vec<DimRef>)>>;

/// The members a row or deal is placed by: those it names, followed by, for each rep it
/// names, the members the rep's team (or the rep itself) is tied to on dimensions it
/// names no member of. Borrowed when it names no rep.
pub fn with_rep_members<'a>(model: &Model, names: &'a [MemberRef]) -> Cow<'a, [MemberRef]> {
    if !names.iter().any(|m| matches!(m, MemberRef::Rep(_))) {
        return Cow::Borrowed(names);
    }
    // Room for every member at once: a list growing as it is pushed to is copied.
    let tied: usize = names
        .iter()
        .filter_map(|m| match m {
            MemberRef::Rep(r) => model.rep(*r).map(|rep| rep.coords.len()),
            _ => None,
        })
        .sum();
    let mut out = Vec::with_capacity(names.len() + tied);
    out.extend_from_slice(names);
    for name in names {
        let MemberRef::Rep(r) = name else { continue };
        add_rep_members(model, *r, &mut out);
    }
    Cow::Owned(out)
}

/// Add to `out` the members rep `r`'s team (or the rep itself) is tied to on dimensions
/// `out` names no member of.
fn add_rep_members<V>(model: &Model, r: RepId, out: &mut V)
where
    V: AsRef<[MemberRef]> + Extend<MemberRef>,
{
    for c in model.rep(r).map_or(&[][..], |rep| rep.coords.as_slice()) {
        if !out
            .as_ref()
            .iter()
            .any(|m| matches!(m, MemberRef::User(d, _) if *d == c.dim))
        {
            out.extend([MemberRef::User(c.dim, c.member)]);
        }
    }
}

/// A deal's members (see [`deal_members`]): a few, kept inline.
pub type DealMembers = smallvec::SmallVec<[MemberRef; 4]>;

/// The members a deal is placed by: its coordinates, its owner, and the members its
/// owner implies (see [`with_rep_members`]).
pub fn deal_members(model: &Model, deal: &Deal) -> DealMembers {
    let mut names: DealMembers = deal
        .coords
        .iter()
        .map(|c| MemberRef::User(c.dim, c.member))
        .collect();
    if let Some(r) = deal.owner {
        names.push(MemberRef::Rep(r));
        add_rep_members(model, r, &mut names);
    }
    names
}

/// An actual row, written or taken from a won deal, as progress places it.
struct Row<'a> {
    coords: Cow<'a, [MemberRef]>,
    period: Period,
    amount: Decimal,
    span: crate::source::Span,
    summed: Option<crate::model::Summed>,
    /// The cells a won deal's kind agrees with; found from `coords` for other rows.
    cells: Option<&'a [usize]>,
}

struct Open<'k> {
    id: DealId,
    kind: &'k KindToGoal,
    close: NaiveDate,
    amount: Decimal,
    p: Decimal,
}

/// What a goal makes of every deal of one kind (see `Deals::figures`).
struct KindToGoal {
    /// In the goal's funnel, with a stage that resolved, and won.
    won: bool,
    /// In the goal's funnel and open.
    open: bool,
    counted: Counted,
    /// The probability to close of an open deal.
    p: Option<Decimal>,
    members: DealMembers,
    /// The cells whose members agree with the deals', whatever their period; empty
    /// unless the deals are won or open.
    cells: Vec<usize>,
}

/// How a deal counts toward a goal.
#[derive(Clone, Copy)]
enum Counted {
    /// Its amount, which is in the goal's unit.
    Amount,
    /// One deal, toward a count goal.
    One,
    /// Not at all: an amount in another unit, or none.
    Not,
}

impl KindToGoal {
    fn new(
        model: &Model,
        goal: &Goal,
        d: &Deal,
        counts: bool,
        funnels: &[Option<FunnelStats>],
        agreeing: &dyn Fn(&[MemberRef], &mut Vec<usize>),
    ) -> KindToGoal {
        let in_funnel = goal.funnel.is_some() && d.funnel == goal.funnel;
        let state = pipeline::state(model, d);
        let won = in_funnel && !d.stage_invalid && state == DealState::Won;
        let open = in_funnel && state == DealState::Open;
        let counted = match d.amount.as_ref() {
            Some(a) if goal.target.as_ref().is_some_and(|t| a.unit == t.unit) => Counted::Amount,
            _ if counts => Counted::One,
            _ => Counted::Not,
        };
        let members = deal_members(model, d);
        let mut cells = Vec::new();
        if won || open {
            agreeing(&members, &mut cells);
        }
        KindToGoal {
            won,
            open,
            counted,
            p: if open {
                pipeline::probability(model, d, funnels)
            } else {
                None
            },
            members,
            cells,
        }
    }

    /// What a deal of this kind counts toward the goal.
    fn amount(&self, deal: &DealFigures) -> Option<Decimal> {
        match self.counted {
            Counted::Amount => deal.amount(),
            Counted::One => Some(Decimal::ONE),
            Counted::Not => None,
        }
    }
}

/// The dimensions a goal splits on, in the order its splits name them (outer first).
fn split_order(splits: &[crate::model::Split], out: &mut Vec<DimRef>) {
    for s in splits {
        if !out.contains(&s.dim) {
            out.push(s.dim);
        }
    }
    for s in splits {
        for nested in s.nested() {
            split_order(nested, out);
        }
    }
}

fn goal_progress(
    model: &Model,
    goal_id: GoalId,
    goal: &Goal,
    alloc: &GoalAllocation,
    funnels: &[Option<FunnelStats>],
) -> Option<GoalProgress> {
    let target = goal.target.as_ref()?;
    let period = goal.period?;
    let as_of = model.plan.as_of;
    let mut has_actuals = false;
    let mut rows: Vec<Row<'_>> = Vec::new();
    for a in model.actuals.iter().filter(|a| a.goal == goal_id) {
        has_actuals = true;
        rows.extend(a.rows.iter().map(|r| Row {
            coords: with_rep_members(model, &r.coords),
            period: r.period,
            amount: r.amount,
            span: r.span,
            summed: r.summed,
            cells: None,
        }));
    }
    // A count goal (`40 customers`, not a currency) counts a deal as one whatever its
    // amount, as the funnel's capacity counts deals won; otherwise a deal counts its
    // amount in the goal's unit.
    let counts = !crate::model::is_currency(&target.unit);

    // Cells by their non-time members, so a row or deal finds the cells it names with a
    // few lookups (one per subset of its members) instead of a scan of every cell.
    let mut index: Map<Vec<MemberRef>, Vec<usize>> = Map::default();
    for (i, cell) in alloc.cells.iter().enumerate() {
        index.entry(key(alloc.coords(cell))).or_default().push(i);
    }
    // The cells whose members agree with `names`, whatever their period: one lookup per
    // subset of the names, the cells of each in order.
    let agreeing = |names: &[MemberRef], found: &mut Vec<usize>| {
        found.clear();
        for_each_subset(names, |subset| {
            if let Some(cells) = index.get(subset) {
                found.extend_from_slice(cells);
            }
        });
    };
    // Fills `found` with the cells of `candidates` whose period passes `fits`.
    let fitting = |candidates: &[usize],
                   fits: &dyn Fn(&crate::alloc::Cell) -> bool,
                   found: &mut Vec<usize>| {
        found.clear();
        found.extend(
            candidates
                .iter()
                .copied()
                .filter(|&i| alloc.cells.get(i).is_some_and(fits)),
        );
    };

    // What the goal makes of each kind of deal (they share all but their amount, close
    // date and row), decided at the first deal of the kind: a million deals are a few
    // hundred kinds.
    let mut kinds: Vec<Option<KindToGoal>> = Vec::new();
    if goal.funnel.is_some() {
        kinds.resize_with(model.deals.kinds(), || None);
        for (i, figures) in model.deals.figures().enumerate() {
            if let Some(slot) = kinds.get_mut(figures.kind)
                && slot.is_none()
                && let Some(d) = model.deals.get(i)
            {
                *slot = Some(KindToGoal::new(model, goal, &d, counts, funnels, &agreeing));
            }
        }
    }
    let kind_of = |kind: usize| kinds.get(kind).and_then(Option::as_ref);

    // Without actuals of its own, the goal's actuals are its funnel's won deals.
    if !has_actuals {
        for figures in model.deals.figures() {
            let Some(kind) = kind_of(figures.kind).filter(|k| k.won) else {
                continue;
            };
            let (Some(amount), Some(close)) = (kind.amount(&figures), figures.close()) else {
                continue;
            };
            if !period.contains_date(close) || as_of.is_some_and(|a| close > a) {
                continue;
            }
            rows.push(Row {
                coords: Cow::Borrowed(&kind.members),
                period: Period {
                    start: close,
                    end: close,
                },
                amount,
                span: figures.span(),
                summed: None,
                cells: Some(&kind.cells),
            });
        }
    }
    let to_date = |p: &Period| as_of.is_none_or(|d| p.start <= d);
    // Read as they are added up below, not collected: a list of a million open deals
    // would be the largest thing a run holds.
    let deals = model
        .deals
        .figures()
        .enumerate()
        .filter_map(|(i, figures)| {
            let kind = kind_of(figures.kind).filter(|k| k.open)?;
            let amount = kind.amount(&figures)?;
            let close = figures.close()?;
            if !period.contains_date(close) || as_of.is_some_and(|a| close <= a) {
                return None;
            }
            Some(Open {
                id: DealId(i as u32),
                kind,
                close,
                amount,
                p: kind.p?,
            })
        });

    let mut fits = Vec::new();

    let shapes = Shapes::new(alloc);
    let mut numbers = Numbers::default();
    let mut unplaced = Numbers::default();
    let mut cells = vec![Numbers::default(); alloc.cells.len()];
    let mut unmatched = Vec::new();
    let mut candidates = Vec::new();
    for row in &rows {
        let row_cells = match row.cells {
            Some(cells) => cells,
            None => {
                agreeing(&row.coords, &mut candidates);
                &candidates
            }
        };
        fitting(
            row_cells,
            &|cell| cell.period.contains(&row.period),
            &mut fits,
        );
        // A row that fits no single cell may still be a coarser total of several; one
        // that meets no cell at all is reported and left out of the goal's numbers.
        // A won deal is never left out: what fits no cell is unplaced.
        let meets = !fits.is_empty() || shapes.meets(&row.coords, &row.period);
        if !meets && has_actuals {
            unmatched.push((row.span, row.summed));
            continue;
        }
        if !to_date(&row.period) {
            continue;
        }
        numbers.add_actual(row.amount);
        if fits.is_empty() {
            unplaced.add_actual(row.amount);
        }
        for &i in &fits {
            cells[i].add_actual(row.amount);
        }
    }
    let mut order = Vec::new();
    split_order(&goal.splits, &mut order);
    let mut unplaced_deals = Vec::new();
    let mut memo = ShapeMemo::default();
    for d in deals {
        let mut weighing = Weighing::new(d.amount, d.p);
        numbers.add_deal(&mut weighing);
        fitting(
            &d.kind.cells,
            &|cell| cell.period.contains_date(d.close),
            &mut fits,
        );
        if fits.is_empty() {
            unplaced.add_deal(&mut weighing);
            let missing = shapes.missing(&d.kind.members, d.close, &mut memo);
            if !missing.is_empty() {
                let dims = order
                    .iter()
                    .copied()
                    .filter(|x| missing.contains(x))
                    .collect();
                unplaced_deals.push((d.id, dims));
            }
        }
        for &i in &fits {
            cells[i].add_deal(&mut weighing);
        }
    }
    let mut expected = Some(Decimal::ZERO);
    if let Some(as_of) = as_of {
        // The goal's expected to date comes from its time totals (the cells of each
        // period added up first), which the allocation keeps within a rounding unit of
        // their exact values: a quarter that is 12 % of the target counts as exactly that.
        let mut totals: Map<Period, Option<Decimal>> = Map::default();
        for (cell, n) in alloc.cells.iter().zip(&mut cells) {
            n.expected_to_date = cell.value.checked_mul(elapsed(&cell.period, as_of));
            let total = totals.entry(cell.period).or_insert(Some(Decimal::ZERO));
            *total = total.and_then(|t| t.checked_add(cell.value));
        }
        let mut totals: Vec<(Period, Option<Decimal>)> = totals.into_iter().collect();
        totals.sort_unstable_by_key(|(p, _)| *p);
        for (period, total) in totals {
            let e = total.and_then(|t| t.checked_mul(elapsed(&period, as_of)));
            expected = expected.zip(e).and_then(|(sum, e)| sum.checked_add(e));
        }
    }
    numbers.expected_to_date = as_of.and(expected);
    let expected_too_large = as_of.is_some()
        && (expected.is_none() || cells.iter().any(|n| n.expected_to_date.is_none()));
    let too_large = if expected_too_large {
        Some(TooLarge::Expected)
    } else {
        numbers.ratio_too_large(target.value, false).or_else(|| {
            cells
                .iter()
                .zip(&alloc.cells)
                .find_map(|(n, cell)| n.ratio_too_large(cell.value, true))
        })
    };
    Some(GoalProgress {
        numbers,
        cells,
        unmatched,
        unplaced,
        unplaced_deals,
        too_large,
    })
}

/// Progress of every goal with actuals or deals (allocated to cells).
pub fn progress(model: &Model, allocation: &Allocation) -> Progress {
    let funnels: Vec<Option<FunnelStats>> = model.funnels.iter().map(pipeline::stats).collect();
    let goals = model
        .goals
        .iter()
        .enumerate()
        .zip(&allocation.goals)
        .map(|((i, goal), alloc)| {
            let id = GoalId(i as u32);
            // Only goals with something to measure: actuals, or deals in their funnel.
            if !needs_cells(model, id) {
                return None;
            }
            let alloc = alloc
                .as_ref()
                .filter(|a| a.detail == crate::alloc::Detail::Cells)?;
            goal_progress(model, id, goal, alloc, &funnels)
        })
        .collect();
    Progress { goals, funnels }
}

/// Whether a goal needs its cells for progress: it has actuals, or a funnel with deals
/// (open ones for its pipeline, won ones for its actuals when it has none of its own).
pub fn needs_cells(model: &Model, goal: GoalId) -> bool {
    model.actuals.iter().any(|a| a.goal == goal)
        || model
            .goal(goal)
            .and_then(|g| g.funnel)
            .is_some_and(|f| model.deals.iter().any(|d| d.funnel == Some(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deal weighed once and added to sums of different scales gives each sum what a
    /// deal weighed for that sum alone gives.
    #[test]
    fn one_weighing_serves_sums_of_different_scales() {
        let big = || Weighing::new(Decimal::new(123_456, 0), Decimal::new(4, 1));
        let deal = || Weighing::new(Decimal::new(1_000, 0), Decimal::new(5, 1));

        let (mut goal, mut cell) = (Numbers::default(), Numbers::default());
        goal.add_deal(&mut big());
        let mut shared = deal();
        goal.add_deal(&mut shared);
        cell.add_deal(&mut shared);
        goal.add_deal(&mut shared);

        let (mut goal_apart, mut cell_apart) = (Numbers::default(), Numbers::default());
        goal_apart.add_deal(&mut big());
        goal_apart.add_deal(&mut deal());
        cell_apart.add_deal(&mut deal());
        goal_apart.add_deal(&mut deal());

        assert_eq!(goal, goal_apart);
        assert_eq!(cell, cell_apart);
        assert_eq!(goal.spread.scale, Decimal::new(1_000_000, 0));
        assert_eq!(cell.spread.scale, Decimal::new(1_000, 0));
        assert_eq!(cell.pipeline, Some(Decimal::new(500, 0)));
        assert_eq!(goal.pipeline, Some(Decimal::new(503_824, 1)));
        assert_eq!(cell.band(), Some(Decimal::new(500, 0)));
    }
}
