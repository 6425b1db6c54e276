//! The report model: everything a report shows, built once from a compilation and read
//! by every back end. The numbers are `planck compile`'s own: goal and cell progress
//! through the same rounding (`emit::compile::progress_out`), funnels and deals through
//! the same output types. The few numbers `compile` does not print are computed here and
//! nowhere else: roll-up sums of cells, statuses, utilisation, the timeline, the share of
//! entries reaching each funnel stage, and pipeline sums by stage and grade.

use crate::Compilation;
use crate::alloc::GoalAllocation;
use crate::capacity;
use crate::config::Policy;
use crate::diagnostic::Code;
use crate::emit::compile::{
    DealOut, Dec, FunnelOut, PeriodOut, ProgressOut, RATIO_PLACES, deals_out, funnel_numbers,
    funnels_out, progress_out,
};
use crate::emit::json::JsonDiagnostic;
use crate::model::{DimRef, Goal, MemberRef, Model, Owner, Split, SplitKind, TeamId};
use crate::period::{Period, TimeDim};
use crate::progress::{GoalProgress, Numbers};
use rust_decimal::{Decimal, MathematicalOps};
use serde::Serialize;
use std::collections::HashMap;

/// A goal's (or a group's) standing as of the plan's `as_of`.
///
/// With `pace` = expected to date × `policy.pace_tolerance`: **on track** when actuals
/// reach the pace; **at risk** when they do not, but actuals plus the weighted pipeline
/// still to close (the forecast) do; **off track** when even the forecast stays below
/// the pace. No status before anything is expected (nothing elapsed, or no `as_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Status {
    pub fn text(self) -> &'static str {
        match self {
            Status::OnTrack => "on track",
            Status::AtRisk => "at risk",
            Status::OffTrack => "off track",
        }
    }
}

/// The status of actuals against what was expected, as [`Status`] defines it.
pub fn status(
    actual: Option<Decimal>,
    expected: Option<Decimal>,
    forecast: Option<Decimal>,
    pace_tolerance: Decimal,
) -> Option<Status> {
    let (actual, expected) = (actual?, expected?);
    if expected <= Decimal::ZERO {
        return None;
    }
    // A pace beyond the largest decimal is above every actual.
    let Some(pace) = expected.checked_mul(pace_tolerance) else {
        return Some(Status::OffTrack);
    };
    Some(if actual >= pace {
        Status::OnTrack
    } else if forecast.is_some_and(|f| f >= pace) {
        Status::AtRisk
    } else {
        Status::OffTrack
    })
}

/// What a roll-up groups cells by: a dimension (user, rep or time), or the rep's team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum By {
    Dim(DimRef),
    Team,
}

/// The `--by` names: user dimensions, `rep`, `team`, `half`, `quarter`, `month`, `week`.
pub fn parse_by(model: &Model, names: &[String]) -> Result<Vec<By>, String> {
    let mut out = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let by = if name == "rep" {
            By::Dim(DimRef::Rep)
        } else if name == "team" {
            By::Team
        } else if let Some(t) = TimeDim::from_name(name) {
            By::Dim(DimRef::Time(t))
        } else if let Some(i) = model.dimensions.iter().position(|d| d.name == name) {
            By::Dim(DimRef::User(crate::model::DimId(i as u32)))
        } else {
            let known: Vec<&str> = model
                .dimensions
                .iter()
                .map(|d| d.name.as_str())
                .chain(["rep", "team", "half", "quarter", "month", "week"])
                .collect();
            let hint = crate::suggest::did_you_mean(name, known.iter().copied()).map_or_else(
                || format!("; the plan's dimensions are: {}", known.join(", ")),
                |b| format!("; did you mean `{b}`?"),
            );
            return Err(format!("`--by {name}`: no dimension named `{name}`{hint}"));
        };
        if out.contains(&by) {
            let mut once: Vec<&str> = Vec::new();
            for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                if !once.contains(&n) {
                    once.push(n);
                }
            }
            return Err(format!(
                "`--by {}` names `{name}` twice; name each dimension once: `--by {}`",
                names.join(","),
                once.join(",")
            ));
        }
        out.push(by);
    }
    if out.is_empty() {
        return Err("`--by` needs at least one dimension, e.g. `--by region,quarter`".into());
    }
    Ok(out)
}

#[derive(Serialize)]
pub struct Report<'m> {
    pub version: u32,
    pub plan: PlanInfo<'m>,
    pub policy: PolicyInfo,
    pub goals: Vec<GoalReport<'m>>,
    pub funnels: Vec<FunnelReport<'m>>,
    pub pipeline: PipelineReport<'m>,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
    /// The columns of the flat table (CSV): every dimension some goal is split on.
    #[serde(skip)]
    pub columns: Vec<DimRef>,
    #[serde(skip)]
    pub model: &'m Model,
    #[serde(skip)]
    cells: Vec<GoalCells<'m>>,
    /// The rows of the flat table when `--by` asks for groups instead of cells.
    #[serde(skip)]
    pub by: Option<Vec<By>>,
}

#[derive(Debug, Serialize)]
pub struct PlanInfo<'m> {
    pub name: Option<&'m str>,
    pub period: Option<PeriodOut>,
    pub currency: Option<&'m str>,
    pub as_of: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PolicyInfo {
    pub pace_tolerance: Dec,
    pub min_coverage: Dec,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

/// One letter of SMART: passed, or failed with the codes that failed it.
#[derive(Debug, Serialize)]
pub struct SmartLetter {
    pub letter: char,
    pub passed: bool,
    pub codes: Vec<&'static str>,
}

/// A member of a group: the dimension's name, the member's name and label.
#[derive(Debug, Clone, Serialize)]
pub struct MemberOut {
    pub dimension: String,
    /// `None` for cells that lie in no single member (not split on it, or a time slice
    /// coarser than the dimension's).
    pub name: Option<String>,
    pub label: Option<String>,
}

impl MemberOut {
    /// The label, else the name, else "—".
    pub fn shown(&self) -> &str {
        self.label
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or("—")
    }
}

/// The numbers of a goal or of a group of its cells.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub target: Dec,
    /// Weighted pipeline closing after `as_of` inside the period.
    pub pipeline: Option<Dec>,
    #[serde(flatten)]
    pub progress: Option<ProgressOut>,
    pub status: Option<Status>,
}

impl Figures {
    pub fn actual(&self) -> Option<Decimal> {
        self.progress.as_ref()?.actual.map(|d| d.0)
    }
    pub fn expected(&self) -> Option<Decimal> {
        self.progress.as_ref()?.expected_to_date.map(|d| d.0)
    }
    pub fn attainment(&self) -> Option<Decimal> {
        self.progress.as_ref()?.attainment.map(|d| d.0)
    }
    pub fn forecast(&self) -> Option<Decimal> {
        self.progress.as_ref()?.forecast.map(|d| d.0)
    }
    pub fn low(&self) -> Option<Decimal> {
        self.progress.as_ref()?.forecast_low.map(|d| d.0)
    }
    pub fn high(&self) -> Option<Decimal> {
        self.progress.as_ref()?.forecast_high.map(|d| d.0)
    }
    pub fn coverage(&self) -> Option<Decimal> {
        self.progress.as_ref()?.coverage.map(|d| d.0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub members: Vec<MemberOut>,
    /// From the first cell's start to the last cell's end.
    pub period: Option<PeriodOut>,
    /// How many cells the row sums.
    pub cells: usize,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Serialize)]
pub struct Rollup {
    /// The dimensions grouped by (`team` for reps' teams).
    pub by: Vec<String>,
    pub rows: Vec<Row>,
}

/// A split in the decomposition tree, with its entries.
#[derive(Debug, Serialize)]
pub struct TreeSplit {
    pub dimension: String,
    /// `shares`, `even`, or `by ATTRIBUTE`.
    pub how: String,
    /// The members, each with its share and the sum of the cells under it; empty for a
    /// rep split without listed reps (see the per-rep table).
    pub entries: Vec<TreeEntry>,
    /// Reps covered by a rep split that lists none.
    pub reps: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct TreeEntry {
    pub name: String,
    pub label: Option<String>,
    /// As written: `40%`, `1M`, `rest`; `None` for `even` or `by`.
    pub share: Option<String>,
    pub value: Dec,
    pub splits: Vec<TreeSplit>,
    #[serde(skip)]
    node: usize,
}

#[derive(Debug, Serialize)]
pub struct RepRow {
    pub name: String,
    pub label: Option<String>,
    pub team: Option<String>,
    pub team_label: Option<String>,
    pub quota: Dec,
    /// Effective capacity over the goal's period, in the goal's unit.
    pub capacity: Option<Dec>,
    /// Quota ÷ capacity.
    pub utilisation: Option<Dec>,
    pub actual: Option<Dec>,
    pub pipeline: Option<Dec>,
}

/// A point of the cumulative timeline: by the end of `date`, the cumulative target and,
/// for slices ended by `as_of`, the cumulative actuals of the cells.
#[derive(Debug, Serialize)]
pub struct TimePoint {
    pub slice: String,
    pub date: String,
    pub target: Dec,
    pub actual: Option<Dec>,
}

#[derive(Debug, Serialize)]
pub struct GoalFunnel {
    pub name: String,
    pub capacity: Option<Dec>,
    pub entries_needed: Option<Dec>,
}

#[derive(Debug, Serialize)]
pub struct GoalReport<'m> {
    pub name: &'m str,
    pub label: Option<&'m str>,
    pub owner: Option<String>,
    pub unit: &'m str,
    pub period: Option<PeriodOut>,
    pub baseline: Option<Dec>,
    /// False when the goal, or what its numbers depend on, has errors: it has no cells, and no numbers beyond its target.
    pub allocated: bool,
    pub smart: Vec<SmartLetter>,
    pub total: Figures,
    /// Actuals to date that fit no single cell (counted for the goal, not in the groups).
    pub not_in_cells: Option<Dec>,
    /// With progress: the parts of the goal's actual and weighted pipeline that fit no
    /// leaf cell (a coarser row, a deal lacking a member of a dimension split on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unplaced_actual: Option<Dec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unplaced_pipeline: Option<Dec>,
    pub tree: Vec<TreeSplit>,
    pub rollups: Vec<Rollup>,
    pub reps: Vec<RepRow>,
    pub funnel: Option<GoalFunnel>,
    pub timeline: Vec<TimePoint>,
}

#[derive(Debug, Serialize)]
pub struct FunnelReport<'m> {
    #[serde(flatten)]
    pub funnel: FunnelOut<'m>,
    /// The share of entries that reaches each stage (the product of the conversions
    /// before it).
    pub reach: Vec<Option<Dec>>,
}

#[derive(Debug, Serialize)]
pub struct StageGradeRow {
    pub funnel: Option<String>,
    pub stage: Option<String>,
    pub grade: Option<String>,
    pub unit: Option<String>,
    pub deals: usize,
    pub amount: Dec,
    pub weighted: Option<Dec>,
}

#[derive(Debug, Serialize)]
pub struct PipelineReport<'m> {
    pub deals: Vec<DealOut<'m>>,
    /// Open deals by funnel, stage, grade and unit.
    pub by_stage_grade: Vec<StageGradeRow>,
    /// Open deals whose close date is before `as_of`.
    pub stale: Vec<&'m str>,
}

/// A goal's cells and their progress, for the flat table.
#[derive(Debug)]
struct GoalCells<'m> {
    goal: &'m Goal,
    alloc: &'m GoalAllocation,
    progress: Option<&'m GoalProgress>,
}

/// One row of the flat table: a cell, or a group of cells with `--by`.
pub struct FlatRow<'a> {
    pub goal: &'a str,
    /// The member name in each of [`Report::column_names`], if any.
    pub members: Vec<Option<&'a str>>,
    pub period: Option<Period>,
    pub target: Decimal,
    pub actual: Option<Decimal>,
    pub expected: Option<Decimal>,
    pub forecast: Option<Decimal>,
    /// The member column in which alone this row's goal, members and period differ from
    /// the row before (given in the same call), if they differ in one alone: a run of
    /// cells that differ only in their rep, or product. A writer may keep the rest of
    /// the row's text.
    pub varying: Option<usize>,
}

fn dim_name(model: &Model, d: DimRef) -> String {
    match d {
        DimRef::User(id) => model
            .dimension(id)
            .map_or_else(String::new, |d| d.name.clone()),
        DimRef::Rep => "rep".into(),
        DimRef::Time(t) => t.name().into(),
    }
}

fn by_name(model: &Model, by: By) -> String {
    match by {
        By::Dim(d) => dim_name(model, d),
        By::Team => "team".into(),
    }
}

/// A cell's group on one [`By`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Member(MemberRef),
    Team(TeamId),
}

fn member_of(model: &Model, key: Option<Key>, dimension: String) -> MemberOut {
    let (name, label) = match key {
        None => (None, None),
        Some(Key::Team(t)) => match model.teams.get(t.index()) {
            Some(t) => (Some(t.name.clone()), t.label.clone()),
            None => (None, None),
        },
        Some(Key::Member(m)) => match member_names(model, m) {
            Some((n, l)) => (Some(n.to_string()), l.map(str::to_string)),
            None => (None, None),
        },
    };
    MemberOut {
        dimension,
        name,
        label,
    }
}

fn member_names(model: &Model, m: MemberRef) -> Option<(&str, Option<&str>)> {
    match m {
        MemberRef::User(d, i) => {
            let m = model.dimension(d)?.members.get(i.index())?;
            Some((m.name.as_str(), m.label.as_deref()))
        }
        MemberRef::Rep(r) => {
            let r = model.rep(r)?;
            Some((r.name.as_str(), r.label.as_deref()))
        }
        MemberRef::Time(t, i) => Some((model.slices(t).get(i as usize)?.name.as_str(), None)),
    }
}

/// Whether two lists of members are the same. The cells of a run share the list of
/// their members above the last (see `alloc::Cell`), so the address usually tells.
#[inline]
fn same_members(a: &[MemberRef], b: &[MemberRef]) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// The group of a cell on `by` is its member on that dimension, else the time slice
/// holding its period, or its rep's team; `None` when there is none. This is the key the
/// first of `coords` that has one gives: the first of a slice, else of what follows it,
/// is the first of the whole.
fn key_in(model: &Model, by: By, coords: &[MemberRef]) -> Option<Key> {
    match by {
        By::Team => coords.iter().find_map(|m| match m {
            MemberRef::Rep(r) => model.rep(*r).map(|r| Key::Team(r.team)),
            _ => None,
        }),
        By::Dim(d) => coords
            .iter()
            .find(|m| match (m, d) {
                (MemberRef::User(md, _), DimRef::User(dd)) => *md == dd,
                (MemberRef::Rep(_), DimRef::Rep) => true,
                (MemberRef::Time(mt, _), DimRef::Time(t)) => *mt == t,
                _ => false,
            })
            .map(|m| Key::Member(*m)),
    }
}

/// A time key from the period alone: the slice holding it (for a cell whose path does
/// not name a slice of that time dimension).
fn key_by_period(model: &Model, by: By, period: &Period) -> Option<Key> {
    let By::Dim(DimRef::Time(t)) = by else {
        return None;
    };
    let slices = model.slices(t);
    let i = slices.partition_point(|s| s.period.end < period.start);
    slices
        .get(i)
        .filter(|s| s.period.contains(period))
        .and_then(|_| Some(Key::Member(MemberRef::time(t, i)?)))
}

fn add(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    a?.checked_add(b?)
}

/// An exact sum of cell values. Cells are multiples of their goal's rounding unit, so
/// each is an integer number of `10^-places`: those are added as integers, which costs a
/// fraction of a decimal addition, and anything else (a value of a finer scale) as a
/// decimal. Millions of cells are summed this way once per roll-up.
#[derive(Debug, Clone, Copy)]
struct Sum {
    units: i128,
    places: u32,
    rest: Decimal,
}

impl Sum {
    fn new(places: u32) -> Sum {
        Sum {
            units: 0,
            places,
            rest: Decimal::ZERO,
        }
    }

    /// Add a value; one of the goal's places (every cell's) takes an integer addition
    /// here, anything else the slower path.
    #[inline(always)]
    fn add(&mut self, value: Decimal) {
        if value.scale() == self.places
            && let Some(units) = self.units.checked_add(value.mantissa())
        {
            self.units = units;
            return;
        }
        self.add_other(value);
    }

    #[cold]
    #[inline(never)]
    fn add_other(&mut self, value: Decimal) {
        let scale = value.scale();
        if scale < self.places
            && let Some(units) = 10i128
                .checked_pow(self.places - scale)
                .and_then(|f| value.mantissa().checked_mul(f))
                .and_then(|v| self.units.checked_add(v))
        {
            self.units = units;
            return;
        }
        self.rest = self.rest.checked_add(value).unwrap_or(self.rest);
    }

    /// Add another sum of the same places.
    fn merge(&mut self, other: &Sum) {
        match self.units.checked_add(other.units) {
            Some(units) if self.places == other.places => self.units = units,
            _ => {
                // Only the integer part: the rest is added below.
                let units = Sum {
                    rest: Decimal::ZERO,
                    ..*other
                };
                self.rest = self.rest.checked_add(units.value()).unwrap_or(self.rest);
            }
        }
        if !other.rest.is_zero() {
            self.rest = self.rest.checked_add(other.rest).unwrap_or(self.rest);
        }
    }

    /// The sum. It fits a decimal: a goal's cells sum to its target, which is below
    /// 10^28 rounding units.
    fn value(&self) -> Decimal {
        Decimal::try_from_i128_with_scale(self.units, self.places)
            .ok()
            .and_then(|d| d.checked_add(self.rest))
            .unwrap_or(self.rest)
    }
}

/// The numbers of a cell's progress that groups and the flat table add up, as
/// `compile` prints them ([`progress_out`]'s rounding), without the ratios and the
/// forecast band's ends that `compile` prints beside them.
struct CellProgress<'a> {
    numbers: &'a Numbers,
    actual: Option<Decimal>,
    expected: Option<Decimal>,
    forecast: Option<Decimal>,
}

impl CellProgress<'_> {
    fn of(numbers: &Numbers, places: u32) -> CellProgress<'_> {
        CellProgress {
            numbers,
            actual: numbers.actual,
            expected: numbers.expected_to_date.map(|v| v.round_dp(places)),
            forecast: numbers.forecast().map(|v| v.round_dp(places)),
        }
    }
}

/// Sums over a group of cells. Amounts are the sums of the cells' numbers as `compile`
/// prints them (rounded to the goal's places), so a group equals the sum of its cells.
#[derive(Debug, Clone)]
struct Acc {
    target: Sum,
    actual: Option<Decimal>,
    expected: Option<Decimal>,
    pipeline: Option<Decimal>,
    forecast: Option<Decimal>,
    band_squared: Option<Decimal>,
    period: Option<Period>,
    cells: usize,
}

impl Acc {
    fn new(places: u32, progress: bool) -> Acc {
        let zero = progress.then_some(Decimal::ZERO);
        Acc {
            target: Sum::new(places),
            actual: zero,
            expected: zero,
            pipeline: zero,
            forecast: zero,
            band_squared: zero,
            period: None,
            cells: 0,
        }
    }

    fn add_cell(&mut self, value: Decimal, period: Period, cell: Option<&CellProgress<'_>>) {
        self.target.add(value);
        self.cells += 1;
        self.widen(period);
        if let Some(cell) = cell {
            let n = cell.numbers;
            self.actual = add(self.actual, cell.actual);
            self.expected = add(self.expected, cell.expected);
            self.pipeline = add(self.pipeline, n.pipeline);
            self.forecast = add(self.forecast, cell.forecast);
            let squared = n.band().and_then(|b| b.checked_mul(b));
            self.band_squared = add(self.band_squared, squared);
        }
    }

    /// Widen the group's period to hold `period`.
    fn widen(&mut self, period: Period) {
        self.period = Some(match self.period {
            None => period,
            Some(p) => Period {
                start: p.start.min(period.start),
                end: p.end.max(period.end),
            },
        });
    }

    /// Add `cells` cells of `period` without progress, whose values sum to `sum`.
    fn add_cells(&mut self, sum: &Sum, cells: usize, period: Period) {
        self.target.merge(sum);
        self.cells += cells;
        self.widen(period);
    }

    /// Add a group of cells without progress (target, period and count only): integer
    /// sums, so the order groups are added in cannot change a digit.
    fn merge_targets(&mut self, other: &Acc) {
        self.target.merge(&other.target);
        self.cells += other.cells;
        self.period = match (self.period, other.period) {
            (Some(p), Some(q)) => Some(Period {
                start: p.start.min(q.start),
                end: p.end.max(q.end),
            }),
            (p, q) => p.or(q),
        };
    }

    fn figures(&self, places: u32, policy: &Policy) -> Figures {
        let target = self.target.value();
        let progress = self.actual.is_some().then(|| {
            let band = self.band_squared.and_then(|s| s.sqrt());
            let round = |v: Option<Decimal>| v.map(|v| Dec(v.round_dp(places)));
            let attainment = (!target.is_zero())
                .then(|| self.actual?.checked_div(target))
                .flatten();
            let remaining = self.actual.and_then(|a| target.checked_sub(a));
            let coverage = remaining
                .filter(|r| *r > Decimal::ZERO)
                .and_then(|r| self.pipeline?.checked_div(r));
            ProgressOut {
                actual: self.actual.map(Dec),
                expected_to_date: round(self.expected),
                attainment: attainment.map(|a| Dec(a.round_dp(RATIO_PLACES))),
                forecast: round(self.forecast),
                forecast_low: round(
                    self.forecast
                        .zip(band)
                        .zip(self.actual)
                        .and_then(|((f, b), a)| crate::progress::low_end(f, b, a)),
                ),
                forecast_high: round(self.forecast.zip(band).and_then(|(f, b)| f.checked_add(b))),
                coverage: coverage.map(|c| Dec(c.round_dp(RATIO_PLACES))),
            }
        });
        let status = progress.as_ref().and_then(|p| {
            status(
                p.actual.map(|d| d.0),
                p.expected_to_date.map(|d| d.0),
                p.forecast.map(|d| d.0),
                policy.pace_tolerance,
            )
        });
        Figures {
            target: Dec(target),
            pipeline: self.pipeline.map(|p| Dec(p.round_dp(places))),
            progress,
            status,
        }
    }
}

type FastMap<K, V> = crate::hash::Map<K, V>;

/// The groups of one grouping as they are summed: a group is found by a dense index
/// when the grouping has one dimension (a member's, rep's, slice's or team's number),
/// else by a hash of its key, after a check of the last cell's group.
struct Groups {
    /// The grouping's dimensions, as indices into the distinct dimensions of all the
    /// groupings (whose keys are found once per cell).
    by: Vec<usize>,
    /// Dropped when some cell lies in no single slice of one of its time dimensions.
    whole: bool,
    dropped: bool,
    places: u32,
    with_progress: bool,
    accs: Vec<(Vec<Option<Key>>, Acc)>,
    dense: Vec<u32>,
    map: FastMap<Vec<Option<Key>>, usize>,
    last: Option<usize>,
}

impl Groups {
    fn push(&mut self, key: &[Option<Key>]) -> usize {
        self.accs
            .push((key.to_vec(), Acc::new(self.places, self.with_progress)));
        self.accs.len() - 1
    }

    /// The group of a cell (or bucket) with `keys` on the distinct dimensions (`is_time`
    /// for each); `None` once the grouping is dropped. `key` is room for a key of several
    /// dimensions.
    fn of(
        &mut self,
        keys: &[Option<Key>],
        is_time: &[bool],
        key: &mut Vec<Option<Key>>,
    ) -> Option<&mut Acc> {
        if self.dropped {
            return None;
        }
        let lost = self
            .by
            .iter()
            .any(|&b| keys.get(b).is_some_and(Option::is_none) && is_time.get(b) == Some(&true));
        if self.whole && lost {
            self.dropped = true;
            return None;
        }
        match self.by.as_slice() {
            [one] => self.dense(keys.get(*one).copied().flatten()),
            many => {
                key.clear();
                key.extend(many.iter().map(|&b| keys.get(b).copied().flatten()));
                self.hashed(key)
            }
        }
    }

    /// The group of a one-dimension key, by its member's (or team's) number.
    fn dense(&mut self, one: Option<Key>) -> Option<&mut Acc> {
        let slot = slot_of(one);
        let index = match self.dense.get(slot) {
            Some(&i) if i != u32::MAX => i as usize,
            _ => {
                if self.dense.len() <= slot {
                    self.dense.resize(slot + 1, u32::MAX);
                }
                let new = self.push(&[one]);
                if let Some(d) = self.dense.get_mut(slot) {
                    *d = u32::try_from(new).unwrap_or(u32::MAX);
                }
                new
            }
        };
        self.accs.get_mut(index).map(|(_, acc)| acc)
    }

    /// The group of a key of several dimensions.
    fn hashed(&mut self, key: &[Option<Key>]) -> Option<&mut Acc> {
        let same = self
            .last
            .and_then(|l| self.accs.get(l))
            .is_some_and(|(k, _)| k.as_slice() == key);
        let index = match (same, self.last) {
            (true, Some(l)) => l,
            _ => match self.map.get(key) {
                Some(&i) => i,
                None => {
                    let new = self.push(key);
                    self.map.insert(key.to_vec(), new);
                    new
                }
            },
        };
        self.last = Some(index);
        self.accs.get_mut(index).map(|(_, acc)| acc)
    }
}

/// A key's number among the keys of its dimension: 0 for none, else one more than its
/// member's (or team's) index.
fn slot_of(key: Option<Key>) -> usize {
    match key {
        None => 0,
        Some(Key::Team(t)) => 1 + t.index(),
        Some(Key::Member(MemberRef::User(_, m))) => 1 + m.index(),
        Some(Key::Member(MemberRef::Rep(r))) => 1 + r.index(),
        Some(Key::Member(MemberRef::Time(_, i))) => 1 + i as usize,
    }
}

/// How many numbers [`slot_of`] gives the keys of `by`.
fn slots(model: &Model, by: By) -> usize {
    1 + match by {
        By::Team => model.teams.len(),
        By::Dim(DimRef::User(d)) => model.dimension(d).map_or(0, |d| d.members.len()),
        By::Dim(DimRef::Rep) => model.reps.len(),
        By::Dim(DimRef::Time(t)) => model.slices(t).len(),
    }
}

/// Cells with the same key on every dimension grouped by, summed once: a goal of
/// millions of cells has far fewer such buckets (a rep's cells differ only in product
/// and month), and each grouping then adds up buckets instead of cells. A bucket is
/// found by its keys' numbers in mixed radix, in a table when there are few enough.
struct Buckets {
    strides: Vec<u64>,
    table: Vec<u32>,
    map: FastMap<u64, u32>,
    accs: Vec<(Vec<Option<Key>>, Acc)>,
}

impl Buckets {
    /// Room for every combination of keys, or `None` when their numbers overflow. The
    /// table is used when it is small, also against the `cells` to be summed (a goal of
    /// a few cells in a plan of many reps would fill megabytes for nothing).
    fn new(model: &Model, distinct: &[By], cells: usize) -> Option<Buckets> {
        let mut strides = Vec::with_capacity(distinct.len());
        let mut size = 1u64;
        for by in distinct {
            strides.push(size);
            size = size.checked_mul(u64::try_from(slots(model, *by)).ok()?)?;
        }
        let small = size <= 1 << 21 && size <= (cells as u64).saturating_mul(8).max(1024);
        let table = if small {
            vec![u32::MAX; usize::try_from(size).ok()?]
        } else {
            Vec::new()
        };
        Some(Buckets {
            strides,
            table,
            map: FastMap::default(),
            accs: Vec::new(),
        })
    }

    /// The number of a bucket: its keys' numbers in mixed radix.
    #[cfg(test)]
    fn code(&self, keys: &[Option<Key>]) -> u64 {
        keys.iter()
            .zip(&self.strides)
            .map(|(k, s)| slot_of(*k) as u64 * s)
            .sum()
    }

    #[cfg(test)]
    fn add(&mut self, keys: &[Option<Key>], value: Decimal, period: Period, places: u32) {
        let code = self.code(keys);
        let index = self.find(code, places, || keys.to_vec());
        if let Some((_, acc)) = self.accs.get_mut(index) {
            acc.add_cell(value, period, None);
        }
    }

    /// The index of the bucket numbered `code`, added when new.
    fn find(&mut self, code: u64, places: u32, keys: impl FnOnce() -> Vec<Option<Key>>) -> usize {
        let found = if self.table.is_empty() {
            self.map.get(&code).copied()
        } else {
            self.table
                .get(code as usize)
                .copied()
                .filter(|&i| i != u32::MAX)
        };
        match found {
            Some(i) => i as usize,
            None => {
                let new = self.accs.len();
                self.accs.push((keys(), Acc::new(places, false)));
                let n = u32::try_from(new).unwrap_or(u32::MAX);
                match self.table.get_mut(code as usize) {
                    Some(slot) => *slot = n,
                    None => {
                        self.map.insert(code, n);
                    }
                }
                new
            }
        }
    }
}

/// The keys of a run of cells that differ only in their last coordinate: those the
/// other coordinates give, and those the period gives.
#[derive(Default)]
struct KeyRun {
    head: Option<Vec<MemberRef>>,
    head_keys: Vec<Option<Key>>,
    period: Option<Period>,
    period_keys: Vec<Option<Key>>,
}

impl KeyRun {
    /// Each of `distinct`'s key for a cell, into `keys` (see [`key_in`]), from what the
    /// run already found and the cell's last coordinate.
    fn keys(
        &mut self,
        model: &Model,
        distinct: &[By],
        coords: crate::alloc::Coords<'_>,
        period: &Period,
        keys: &mut [Option<Key>],
    ) {
        let head = coords.head();
        let last = coords.last().map_or(&[][..], std::slice::from_ref);
        if self.head.as_deref() != Some(head) {
            self.head = Some(head.to_vec());
            self.head_keys.clear();
            self.head_keys
                .extend(distinct.iter().map(|by| key_in(model, *by, head)));
        }
        if self.period != Some(*period) {
            self.period = Some(*period);
            self.period_keys.clear();
            self.period_keys
                .extend(distinct.iter().map(|by| key_by_period(model, *by, period)));
        }
        let found = self.head_keys.iter().zip(&self.period_keys);
        for ((k, by), (in_head, by_period)) in keys.iter_mut().zip(distinct).zip(found) {
            *k = in_head.or_else(|| key_in(model, *by, last)).or(*by_period);
        }
    }
}

/// The bucket numbers of the cells of a run: the keys the run's shared coordinates
/// give, and their part of the number, are found once per run; the rest of a cell's
/// number comes from its last coordinate ([`RunCodes::last_part`]) and its period
/// ([`RunCodes::period_part`]). Each key is the one [`KeyRun::keys`] finds.
#[derive(Default)]
struct RunCodes {
    head_keys: Vec<Option<Key>>,
    head_code: u64,
    /// The dimensions the run's head gives no key, with their strides.
    open: Vec<(By, u64)>,
    /// The period whose keys `period_parts` holds.
    period: Option<Period>,
    /// The part of the number each of `open` takes from `period`.
    period_parts: Vec<u64>,
}

impl RunCodes {
    /// Start a run whose cells share `head`.
    fn start(&mut self, model: &Model, distinct: &[By], strides: &[u64], head: &[MemberRef]) {
        self.head_keys.clear();
        self.head_keys
            .extend(distinct.iter().map(|by| key_in(model, *by, head)));
        self.head_code = self
            .head_keys
            .iter()
            .zip(strides)
            .map(|(k, s)| slot_of(*k) as u64 * s)
            .sum();
        self.open.clear();
        self.open.extend(
            self.head_keys
                .iter()
                .zip(distinct.iter().zip(strides))
                .filter(|(k, _)| k.is_none())
                .map(|(_, (by, stride))| (*by, *stride)),
        );
        self.period = None;
    }

    /// The part of the bucket number (see [`Buckets`]) that a cell's `last` coordinate
    /// gives, and which of [`RunCodes::open`] it gives no key (those its period gives).
    fn last_part(&self, model: &Model, last: &[MemberRef]) -> (u64, Vec<usize>) {
        let mut part = 0;
        let mut by_period = Vec::new();
        for (i, (by, stride)) in self.open.iter().enumerate() {
            match key_in(model, *by, last) {
                Some(key) => part += slot_of(Some(key)) as u64 * stride,
                None => by_period.push(i),
            }
        }
        (part, by_period)
    }

    /// The part of the bucket number that `period` gives on the dimensions `by_period`
    /// of [`RunCodes::open`].
    fn period_part(&mut self, model: &Model, by_period: &[usize], period: &Period) -> u64 {
        if self.period != Some(*period) {
            self.period = Some(*period);
            self.period_parts.clear();
            self.period_parts.extend(
                self.open
                    .iter()
                    .map(|(by, stride)| slot_of(key_by_period(model, *by, period)) as u64 * stride),
            );
        }
        by_period
            .iter()
            .filter_map(|&i| self.period_parts.get(i))
            .sum()
    }

    /// The keys of the run's cell with `last` coordinate and `period`.
    fn keys(
        &self,
        model: &Model,
        distinct: &[By],
        last: &[MemberRef],
        period: &Period,
    ) -> Vec<Option<Key>> {
        self.head_keys
            .iter()
            .zip(distinct)
            .map(|(in_head, by)| {
                in_head
                    .or_else(|| key_in(model, *by, last))
                    .or_else(|| key_by_period(model, *by, period))
            })
            .collect()
    }
}

/// Sum the decomposition tree's `nodes` (see [`sum_cells`]) and group a goal's cells by
/// each of `groupings` (the dimensions of one grouping taken together); rows in member
/// order, groups without a member last. A grouping marked `whole` is dropped (`None`)
/// when some cell lies in no single slice of one of its time dimensions (a quarterly
/// cell has no month).
fn group(
    model: &Model,
    cells: &GoalCells<'_>,
    nodes: &[Vec<MemberRef>],
    groupings: &[(Vec<By>, bool)],
    policy: &Policy,
) -> (Vec<Decimal>, Vec<Option<Vec<Row>>>) {
    let places = cells.alloc.unit.normalize().scale();
    let with_progress = cells.progress.is_some();
    // Each dimension grouped by is looked up once per cell, however many groupings
    // hold it.
    let mut distinct: Vec<By> = Vec::new();
    let mut states: Vec<Groups> = groupings
        .iter()
        .map(|(by, whole)| Groups {
            by: by
                .iter()
                .map(|b| match distinct.iter().position(|d| d == b) {
                    Some(i) => i,
                    None => {
                        distinct.push(*b);
                        distinct.len() - 1
                    }
                })
                .collect(),
            whole: *whole,
            dropped: false,
            places,
            with_progress,
            accs: Vec::new(),
            dense: Vec::new(),
            map: FastMap::default(),
            last: None,
        })
        .collect();
    let is_time: Vec<bool> = distinct
        .iter()
        .map(|b| matches!(b, By::Dim(DimRef::Time(_))))
        .collect();
    let mut keys: Vec<Option<Key>> = vec![None; distinct.len()];
    let mut key: Vec<Option<Key>> = Vec::new();
    // Without progress a group is only a sum of targets: sum the cells into buckets
    // first, then the buckets into groups.
    let mut buckets = if with_progress {
        None
    } else {
        Buckets::new(model, &distinct, cells.alloc.cells.len())
    };
    // Without progress one pass over the cells sums the tree and the buckets.
    let sums = sum_cells(
        model,
        cells.alloc,
        nodes,
        buckets.as_mut().map(|b| (b, distinct.as_slice())),
    );
    if buckets.is_none() {
        let mut run = KeyRun::default();
        for (i, cell) in cells.alloc.cells.iter().enumerate() {
            let coords = cells.alloc.coords(cell);
            run.keys(model, &distinct, coords, &cell.period, &mut keys);
            let progress = cells
                .progress
                .and_then(|p| p.cells.get(i))
                .map(|n| CellProgress::of(n, places));
            for groups in states.iter_mut() {
                if let Some(acc) = groups.of(&keys, &is_time, &mut key) {
                    acc.add_cell(cell.value, cell.period, progress.as_ref());
                }
            }
        }
    }
    for (keys, bucket) in buckets.iter().flat_map(|b| &b.accs) {
        for groups in states.iter_mut() {
            if let Some(acc) = groups.of(keys, &is_time, &mut key) {
                acc.merge_targets(bucket);
            }
        }
    }
    let rows = states
        .into_iter()
        .zip(groupings)
        .map(|(groups, (by, _))| {
            if groups.dropped {
                return None;
            }
            let mut rows = groups.accs;
            rows.sort_by_cached_key(|(k, _)| {
                k.iter().map(|k| (k.is_none(), *k)).collect::<Vec<_>>()
            });
            Some(
                rows.into_iter()
                    .map(|(k, acc)| Row {
                        members: k
                            .iter()
                            .zip(by)
                            .map(|(k, b)| member_of(model, *k, by_name(model, *b)))
                            .collect(),
                        period: acc.period.map(PeriodOut),
                        cells: acc.cells,
                        figures: acc.figures(places, policy),
                    })
                    .collect(),
            )
        })
        .collect();
    (sums, rows)
}

/// The dimensions a goal splits on, in the order first met (outer splits first).
fn split_dims(splits: &[Split], out: &mut Vec<DimRef>) {
    for s in splits {
        if !out.contains(&s.dim) {
            out.push(s.dim);
        }
    }
    for s in splits {
        for nested in s.nested() {
            split_dims(nested, out);
        }
    }
}

/// The default roll-ups: one per dimension split on (the team for reps, who have their
/// own table), then half and week when split on, quarter and month always — a time
/// roll-up is dropped when some cell lies in no single slice of it.
fn default_rollups(goal: &Goal) -> Vec<By> {
    let mut dims = Vec::new();
    split_dims(&goal.splits, &mut dims);
    let mut out: Vec<By> = Vec::new();
    for d in &dims {
        let by = match d {
            DimRef::Rep => By::Team,
            DimRef::User(_) => By::Dim(*d),
            DimRef::Time(_) => continue,
        };
        if !out.contains(&by) {
            out.push(by);
        }
    }
    for t in [
        TimeDim::Half,
        TimeDim::Quarter,
        TimeDim::Month,
        TimeDim::Week,
    ] {
        if dims.contains(&DimRef::Time(t)) || matches!(t, TimeDim::Quarter | TimeDim::Month) {
            out.push(By::Dim(DimRef::Time(t)));
        }
    }
    out
}

/// The decomposition tree of a goal's splits. Each entry gets a node id, whose members
/// on the path from the goal [`sum_cells`] looks for in the cells.
fn tree_splits(
    model: &Model,
    splits: &[Split],
    path: &[MemberRef],
    period: Option<Period>,
    nodes: &mut Vec<Vec<MemberRef>>,
) -> Vec<TreeSplit> {
    let mut out = Vec::new();
    for s in splits {
        let mut entries: Vec<(MemberRef, Option<String>, &[Split])> = Vec::new();
        let how = match &s.kind {
            SplitKind::Even => "even".to_string(),
            SplitKind::By { attr, .. } => format!("by {attr}"),
            SplitKind::Entries { entries: es, .. } => {
                for e in es {
                    let share = match e.share {
                        crate::model::Share::Percent(p) => Some(crate::fmt_num::percent(p)),
                        crate::model::Share::Amount(a) => Some(crate::fmt_num::amount(a)),
                        crate::model::Share::Rest => Some("rest".into()),
                        crate::model::Share::Invalid => None,
                    };
                    entries.push((e.member, share, &e.nested));
                }
                "shares".to_string()
            }
        };
        if !matches!(s.kind, SplitKind::Entries { .. }) {
            match s.dim {
                DimRef::User(d) => {
                    let n = model.dimension(d).map_or(0, |d| d.members.len());
                    for i in 0..n {
                        let m = MemberRef::User(d, crate::model::MemberId(i as u32));
                        entries.push((m, None, &[]));
                    }
                }
                DimRef::Time(t) => {
                    for (i, slice) in model.slices(t).iter().enumerate() {
                        // Only the slices inside the part being split.
                        let in_goal =
                            period.is_none_or(|p| crate::period::slice_in(t, &slice.period, &p));
                        let inside = in_goal
                            && path.iter().all(|m| match m {
                                MemberRef::Time(pt, pi) => model
                                    .slices(*pt)
                                    .get(*pi as usize)
                                    .is_some_and(|p| p.period.contains(&slice.period)),
                                _ => true,
                            });
                        if inside && let Some(member) = MemberRef::time(t, i) {
                            entries.push((member, None, &[]));
                        }
                    }
                }
                DimRef::Rep => {}
            }
        }
        let reps = (s.dim == DimRef::Rep && entries.is_empty()).then(|| {
            let scope: Vec<(crate::model::DimId, crate::model::MemberId)> = path
                .iter()
                .filter_map(|m| match m {
                    MemberRef::User(d, i) => Some((*d, *i)),
                    _ => None,
                })
                .collect();
            model.reps_in_scope(&scope).len()
        });
        let entries = entries
            .into_iter()
            .map(|(m, share, nested)| {
                let mut p = path.to_vec();
                p.push(m);
                let node = nodes.len();
                nodes.push(p.clone());
                let (name, label) = member_names(model, m).unwrap_or(("", None));
                TreeEntry {
                    name: name.to_string(),
                    label: label.map(str::to_string),
                    share,
                    value: Dec(Decimal::ZERO),
                    splits: tree_splits(model, nested, &p, period, nodes),
                    node,
                }
            })
            .collect();
        out.push(TreeSplit {
            dimension: dim_name(model, s.dim),
            how,
            entries,
            reps,
        });
    }
    out
}

/// Tree nodes by the last member on their path, indexed directly by the member's numbers
/// (hashing millions of coordinates would cost more than the sums).
#[derive(Default)]
struct NodesByMember {
    user: Vec<Vec<Vec<usize>>>,
    rep: Vec<Vec<usize>>,
    time: [Vec<Vec<usize>>; 4],
}

fn slot<T: Default>(v: &mut Vec<T>, i: usize) -> Option<&mut T> {
    if v.len() <= i {
        v.resize_with(i + 1, T::default);
    }
    v.get_mut(i)
}

impl NodesByMember {
    fn add(&mut self, m: MemberRef, node: usize) {
        let nodes = match m {
            MemberRef::User(d, i) => {
                slot(&mut self.user, d.index()).and_then(|v| slot(v, i.index()))
            }
            MemberRef::Rep(r) => slot(&mut self.rep, r.index()),
            MemberRef::Time(t, i) => self
                .time
                .get_mut(t as usize)
                .and_then(|v| slot(v, i as usize)),
        };
        if let Some(nodes) = nodes {
            nodes.push(node);
        }
    }

    fn get(&self, m: &MemberRef) -> Option<&Vec<usize>> {
        match *m {
            MemberRef::User(d, i) => self.user.get(d.index())?.get(i.index()),
            MemberRef::Rep(r) => self.rep.get(r.index()),
            MemberRef::Time(t, i) => self.time.get(t as usize)?.get(i as usize),
        }
    }
}

/// What the cells at one place of their runs share with those at the same place of the
/// runs before: their last coordinate, hence their bucket's part of the number and the
/// tree nodes that coordinate finds.
struct Position {
    last: Option<MemberRef>,
    /// The bucket number's part from `last` (see [`RunCodes::last_part`]).
    last_part: u64,
    /// Which of the distinct lists of dimensions whose key the period gives (see
    /// [`CellGroup`]) is this position's.
    by_period: usize,
    /// Tree nodes found by `last` that every such cell holds (one member on the path):
    /// the cells' sum is added to them when the position changes or the pass ends.
    direct: Vec<usize>,
    pending: Sum,
    /// Tree nodes found by `last` whose path above it each cell is checked for.
    checked: Vec<usize>,
}

/// Add a position's pending sum to its direct tree nodes.
fn flush(p: &mut Position, sums: &mut [Sum]) {
    for &i in &p.direct {
        if let Some(node) = sums.get_mut(i) {
            node.merge(&p.pending);
        }
    }
    p.pending = Sum::new(p.pending.places);
}

/// Consecutive cells of a run that fall in one bucket (the reps of one team), summed
/// before their bucket is looked up: they share the head, the last coordinate's part of
/// the bucket number, the dimensions whose key the period gives, and the period.
struct CellGroup {
    /// The last coordinate of the first cell, for the bucket's keys.
    last: Option<MemberRef>,
    last_part: u64,
    by_period: usize,
    period: Period,
    sum: Sum,
    cells: usize,
}

impl CellGroup {
    /// Add the cells summed to their bucket.
    fn flush(
        &mut self,
        buckets: &mut Buckets,
        distinct: &[By],
        codes: &mut RunCodes,
        kinds: &[Vec<usize>],
        model: &Model,
    ) {
        if self.cells == 0 {
            return;
        }
        let by_period = kinds.get(self.by_period).map_or(&[][..], Vec::as_slice);
        let code =
            codes.head_code + self.last_part + codes.period_part(model, by_period, &self.period);
        let keys = || codes.keys(model, distinct, self.last.as_slice(), &self.period);
        let index = buckets.find(code, self.sum.places, keys);
        if let Some((_, acc)) = buckets.accs.get_mut(index) {
            acc.add_cells(&self.sum, self.cells, self.period);
        }
        self.sum = Sum::new(self.sum.places);
        self.cells = 0;
    }
}

/// One pass over a goal's cells: the sum of each tree node (the cells holding every
/// member on its path) and, given `buckets`, each bucket's sum. Cells come in runs that
/// differ only in their last coordinate (the reps of one region, product and month) and
/// share the rest, the run's head: what the head gives (its bucket keys, the nodes its
/// members find) is found once per run, what the last coordinate gives once for each
/// place in the run while the cell at that place in the run before had the same, and
/// consecutive cells of one bucket are added up before it is looked up. Nodes are
/// indexed by their last member, so a run costs one lookup per coordinate.
fn sum_cells(
    model: &Model,
    alloc: &GoalAllocation,
    nodes: &[Vec<MemberRef>],
    mut buckets: Option<(&mut Buckets, &[By])>,
) -> Vec<Decimal> {
    let mut by_last = NodesByMember::default();
    for (i, path) in nodes.iter().enumerate() {
        if let Some(last) = path.last() {
            by_last.add(*last, i);
        }
    }
    let places = alloc.unit.normalize().scale();
    let mut sums = vec![Sum::new(places); nodes.len()];
    // Whether the members of node `i`'s path other than its last, which a cell holds
    // when the node was found by it, are all in `coords`.
    let holds = |i: usize, head: &[MemberRef], last: Option<&MemberRef>| {
        nodes.get(i).is_some_and(|p| {
            let above = p.split_last().map_or(&[][..], |(_, above)| above);
            above.iter().all(|pm| last == Some(pm) || head.contains(pm))
        })
    };
    let mut positions: Vec<Position> = Vec::new();
    // The distinct lists of dimensions whose key the period gives, one per kind of last
    // coordinate: a position holds its list's number, which cells compare.
    let mut kinds: Vec<Vec<usize>> = Vec::new();
    let mut codes = RunCodes::default();
    let mut next = RunCodes::default();
    let mut group: Option<CellGroup> = None;
    // The nodes found by a run's head: those whose path lies within it take the run's
    // sum at its end, the others are checked for each cell.
    let mut head: Option<&[MemberRef]> = None;
    let mut whole: Vec<usize> = Vec::new();
    let mut checked: Vec<usize> = Vec::new();
    let mut run_sum = Sum::new(places);
    let mut place = 0;
    for cell in &alloc.cells {
        let coords = alloc.coords(cell);
        let (first, last) = (coords.head(), coords.last().copied());
        if !head.is_some_and(|h| same_members(h, first)) {
            for &i in &whole {
                if let Some(node) = sums.get_mut(i) {
                    node.merge(&run_sum);
                }
            }
            run_sum = Sum::new(places);
            place = 0;
            whole.clear();
            checked.clear();
            for m in first {
                for &i in by_last.get(m).into_iter().flatten() {
                    if holds(i, first, None) {
                        whole.push(i);
                    } else {
                        checked.push(i);
                    }
                }
            }
            if let Some((b, distinct)) = &mut buckets {
                if let Some(mut g) = group.take() {
                    g.flush(b, distinct, &mut codes, &kinds, model);
                }
                next.start(model, distinct, &b.strides, first);
                // A position's part of the bucket number is of the dimensions the head
                // gives no key.
                if head.is_none() || next.open != codes.open {
                    for p in &mut positions {
                        flush(p, &mut sums);
                    }
                    positions.clear();
                    kinds.clear();
                }
                std::mem::swap(&mut codes, &mut next);
            }
            head = Some(first);
        }
        if positions.get(place).is_none_or(|p| p.last != last) {
            if let Some(p) = positions.get_mut(place) {
                flush(p, &mut sums);
            }
            let found = last
                .iter()
                .flat_map(|m| by_last.get(m).into_iter().flatten());
            let (direct, checked): (Vec<usize>, Vec<usize>) = found
                .copied()
                .partition(|&i| nodes.get(i).is_some_and(|p| p.len() <= 1));
            let (last_part, by_period) = match &buckets {
                Some(_) => codes.last_part(model, last.as_slice()),
                None => (0, Vec::new()),
            };
            let by_period = match kinds.iter().position(|k| *k == by_period) {
                Some(i) => i,
                None => {
                    kinds.push(by_period);
                    kinds.len() - 1
                }
            };
            let p = Position {
                last,
                last_part,
                by_period,
                direct,
                pending: Sum::new(places),
                checked,
            };
            match positions.get_mut(place) {
                Some(slot) => *slot = p,
                None => positions.push(p),
            }
        }
        place += 1;
        let Some(p) = positions.get_mut(place - 1) else {
            continue;
        };
        if !whole.is_empty() {
            run_sum.add(cell.value);
        }
        if !p.direct.is_empty() {
            p.pending.add(cell.value);
        }
        for &i in checked.iter().chain(&p.checked) {
            if holds(i, coords.head(), coords.last())
                && let Some(node) = sums.get_mut(i)
            {
                node.add(cell.value);
            }
        }
        if let Some((b, distinct)) = &mut buckets {
            let g = match &mut group {
                Some(g)
                    if g.last_part == p.last_part
                        && g.by_period == p.by_period
                        && g.period == cell.period =>
                {
                    g
                }
                _ => {
                    if let Some(g) = &mut group {
                        g.flush(b, distinct, &mut codes, &kinds, model);
                    }
                    group.insert(CellGroup {
                        last,
                        last_part: p.last_part,
                        by_period: p.by_period,
                        period: cell.period,
                        sum: Sum::new(places),
                        cells: 0,
                    })
                }
            };
            g.sum.add(cell.value);
            g.cells += 1;
        }
    }
    for &i in &whole {
        if let Some(node) = sums.get_mut(i) {
            node.merge(&run_sum);
        }
    }
    for p in &mut positions {
        flush(p, &mut sums);
    }
    if let (Some((b, distinct)), Some(g)) = (&mut buckets, &mut group) {
        g.flush(b, distinct, &mut codes, &kinds, model);
    }
    sums.iter().map(Sum::value).collect()
}

fn fill_tree(splits: &mut [TreeSplit], sums: &[Decimal]) {
    for s in splits {
        for e in &mut s.entries {
            e.value = Dec(sums.get(e.node).copied().unwrap_or_default());
            fill_tree(&mut e.splits, sums);
        }
    }
}

/// The SMART letters of a goal: each fails with the codes of that letter reported inside
/// the goal (or, for `missing-period`, on the plan).
fn smart(c: &Compilation, goal: &Goal) -> Vec<SmartLetter> {
    ['S', 'M', 'A', 'R', 'T']
        .into_iter()
        .map(|letter| {
            let mut codes: Vec<&'static str> = c
                .diagnostics
                .iter()
                .filter(|d| d.code.smart() == Some(letter))
                .filter(|d| {
                    d.code == Code::MissingPeriod
                        || (d.span.file == goal.span.file
                            && goal.span.start() <= d.span.start()
                            && d.span.end() <= goal.span.end())
                })
                .map(|d| d.code.as_str())
                .collect();
            codes.dedup();
            SmartLetter {
                letter,
                passed: codes.is_empty(),
                codes,
            }
        })
        .collect()
}

fn owner_name(model: &Model, owner: &Option<Owner>) -> Option<String> {
    Some(match owner.as_ref()? {
        Owner::Text(t) => t.clone(),
        Owner::Rep(r) => {
            let r = model.rep(*r)?;
            r.label.clone().unwrap_or_else(|| r.name.clone())
        }
        Owner::Team(t) => {
            let t = model.teams.get(t.index())?;
            t.label.clone().unwrap_or_else(|| t.name.clone())
        }
    })
}

/// Build the report of a compilation. `by` replaces the default roll-ups.
pub fn build<'m>(c: &'m Compilation, policy: &Policy, by: Option<Vec<By>>) -> Report<'m> {
    build_with(c, policy, by, true)
}

/// Build only what the flat table of cells reads (the CSV report without `--by`): the
/// goals' totals, cells and columns, without roll-ups, trees or rep tables, which would
/// each take a pass over every cell.
pub fn build_flat<'m>(c: &'m Compilation, policy: &Policy) -> Report<'m> {
    build_with(c, policy, None, false)
}

fn build_with<'m>(
    c: &'m Compilation,
    policy: &Policy,
    by: Option<Vec<By>>,
    rollups: bool,
) -> Report<'m> {
    let model = &c.model;
    let mut columns: Vec<DimRef> = Vec::new();
    let mut goals = Vec::new();
    let mut cells = Vec::new();
    for (i, goal) in model.goals.iter().enumerate() {
        split_dims(&goal.splits, &mut columns);
        let alloc = c
            .allocation
            .goals
            .get(i)
            .and_then(Option::as_ref)
            .filter(|a| a.detail == crate::alloc::Detail::Cells);
        let progress = c.progress.goals.get(i).and_then(Option::as_ref);
        let target = goal.target.as_ref().map_or(Decimal::ZERO, |t| t.value);
        let places = alloc.map_or(2, |a| a.unit.normalize().scale());
        let total_progress = progress.map(|p| progress_out(&p.numbers, target, places));
        let total = Figures {
            target: Dec(target),
            pipeline: progress.and_then(|p| p.numbers.pipeline.map(|v| Dec(v.round_dp(places)))),
            status: total_progress.as_ref().and_then(|p| {
                status(
                    p.actual.map(|d| d.0),
                    p.expected_to_date.map(|d| d.0),
                    p.forecast.map(|d| d.0),
                    policy.pace_tolerance,
                )
            }),
            progress: total_progress,
        };
        let mut nodes = Vec::new();
        let mut tree = tree_splits(model, &goal.splits, &[], goal.period, &mut nodes);
        let mut report = GoalReport {
            name: &goal.name,
            label: goal.label.as_deref(),
            owner: owner_name(model, &goal.owner),
            unit: goal.target.as_ref().map_or("", |t| t.unit.as_str()),
            period: goal.period.map(PeriodOut),
            baseline: goal.baseline.as_ref().map(|(a, _)| Dec(a.value)),
            allocated: alloc.is_some(),
            smart: smart(c, goal),
            total,
            not_in_cells: None,
            unplaced_actual: progress.and_then(|p| p.unplaced.actual.map(Dec)),
            unplaced_pipeline: progress
                .and_then(|p| p.unplaced.pipeline.map(|v| Dec(v.round_dp(places)))),
            tree: Vec::new(),
            rollups: Vec::new(),
            reps: Vec::new(),
            funnel: goal
                .funnel
                .and_then(|f| model.funnels.get(f.index()))
                .map(|f| {
                    let numbers = funnel_numbers(model, &c.progress, goal);
                    GoalFunnel {
                        name: f.name.clone(),
                        capacity: numbers.map(|(cap, _)| Dec(cap.round_dp(places))),
                        entries_needed: numbers.and_then(|(_, e)| e).map(|e| Dec(e.round_dp(2))),
                    }
                }),
            timeline: Vec::new(),
        };
        if let Some(alloc) = alloc.filter(|_| !rollups) {
            cells.push(GoalCells {
                goal,
                alloc,
                progress,
            });
        } else if let Some(alloc) = alloc {
            let goal_cells = GoalCells {
                goal,
                alloc,
                progress,
            };
            let mut groupings: Vec<(Vec<By>, bool)> = match &by {
                Some(by) => vec![(by.clone(), false)],
                None => default_rollups(goal)
                    .into_iter()
                    .map(|b| (vec![b], true))
                    .collect(),
            };
            let n_rollups = groupings.len();
            // Per-rep actuals and pipeline need the reps' cells; quotas are the totals.
            let has_reps = !alloc.rep_totals.is_empty() && progress.is_some();
            if has_reps {
                groupings.push((vec![By::Dim(DimRef::Rep)], false));
            }
            // The finest whole time slices, for the timeline: from the roll-ups when they
            // have them, else summed here.
            let mut extra_time = Vec::new();
            for t in [TimeDim::Month, TimeDim::Quarter, TimeDim::Half] {
                let g = (vec![By::Dim(DimRef::Time(t))], true);
                if !groupings.iter().take(n_rollups).any(|x| *x == g) {
                    extra_time.push(t);
                    groupings.push(g);
                }
            }
            let (sums, mut grouped) = group(model, &goal_cells, &nodes, &groupings, policy);
            fill_tree(&mut tree, &sums);
            let timeline_extra = grouped.split_off(n_rollups + usize::from(has_reps));
            let rep_rows = if has_reps {
                grouped.pop().flatten()
            } else {
                None
            };
            report.rollups = grouped
                .into_iter()
                .zip(&groupings)
                .filter_map(|(rows, (by, _))| {
                    Some(Rollup {
                        by: by.iter().map(|b| by_name(model, *b)).collect(),
                        rows: rows?,
                    })
                })
                .collect();
            if !alloc.rep_totals.is_empty() {
                report.reps = rep_table(model, goal, alloc, rep_rows.unwrap_or_default());
            }
            if let Some(p) = progress {
                let in_cells = p
                    .cells
                    .iter()
                    .try_fold(Decimal::ZERO, |s, n| s.checked_add(n.actual?));
                report.not_in_cells = p
                    .numbers
                    .actual
                    .zip(in_cells)
                    .and_then(|(a, s)| a.checked_sub(s))
                    .map(Dec);
            }
            let no_stray = report.not_in_cells.is_none_or(|d| d.0.is_zero());
            // Actuals that fit no cell are missing from every group: a group's status
            // would compare part of its actuals with all of its expectation.
            if !no_stray {
                for row in report.rollups.iter_mut().flat_map(|r| r.rows.iter_mut()) {
                    row.figures.status = None;
                }
            }
            let time_rows = [TimeDim::Month, TimeDim::Quarter, TimeDim::Half]
                .into_iter()
                .find_map(|t| match extra_time.iter().position(|x| *x == t) {
                    Some(i) => timeline_extra.get(i)?.as_deref(),
                    None => report
                        .rollups
                        .iter()
                        .find(|r| {
                            r.by.len() == 1 && r.by.first().map(String::as_str) == Some(t.name())
                        })
                        .map(|r| r.rows.as_slice()),
                });
            if let Some(rows) = time_rows {
                report.timeline = timeline(model, rows, no_stray);
            }
            cells.push(goal_cells);
        }
        report.tree = tree;
        goals.push(report);
    }
    columns.sort_by_key(|d| match d {
        DimRef::User(id) => (0, id.0, 0),
        DimRef::Rep => (1, 0, 0),
        DimRef::Time(t) => (2, 0, *t as u32),
    });
    let funnels = funnels_out(model, &c.progress)
        .into_iter()
        .zip(&model.funnels)
        .map(|(out, f)| {
            let mut reach = Vec::new();
            let mut share = Some(Decimal::ONE);
            for s in &f.stages {
                reach.push(share.map(Dec));
                share = share.zip(s.convert).and_then(|(a, b)| a.checked_mul(b));
            }
            FunnelReport { funnel: out, reach }
        })
        .collect();
    let (errors, warnings) = crate::diagnostic::summary(&c.diagnostics);
    Report {
        version: 1,
        plan: PlanInfo {
            name: model.plan.name.as_deref(),
            period: model.plan.period.map(PeriodOut),
            currency: model.plan.currency.as_deref(),
            as_of: model.plan.as_of.map(|d| d.to_string()),
        },
        policy: PolicyInfo {
            pace_tolerance: Dec(policy.pace_tolerance),
            min_coverage: Dec(policy.min_coverage),
        },
        goals,
        funnels,
        pipeline: pipeline_report(c),
        diagnostics: crate::emit::json::report(&c.sources, &c.diagnostics).diagnostics,
        summary: Summary { errors, warnings },
        columns,
        model,
        cells,
        by,
    }
}

fn rep_table(model: &Model, goal: &Goal, alloc: &GoalAllocation, rows: Vec<Row>) -> Vec<RepRow> {
    let unit = goal.target.as_ref().map(|t| t.unit.as_str());
    let by_rep: HashMap<&str, &Row> = rows
        .iter()
        .filter_map(|r| Some((r.members.first()?.name.as_deref()?, r)))
        .collect();
    model
        .rep_order
        .iter()
        .filter_map(|&id| {
            let quota = *alloc.rep_totals.get(&id)?;
            let rep = model.rep(id)?;
            let capacity = goal
                .period
                .filter(|_| rep.capacity.as_ref().map(|c| c.unit.as_str()) == unit)
                .and_then(|p| capacity::effective(model, rep, &p));
            let row = by_rep.get(rep.name.as_str());
            Some(RepRow {
                name: rep.name.clone(),
                label: rep.label.clone(),
                team: model.teams.get(rep.team.index()).map(|t| t.name.clone()),
                team_label: model
                    .teams
                    .get(rep.team.index())
                    .and_then(|t| t.label.clone()),
                quota: Dec(quota),
                capacity: capacity.map(|c| Dec(c.round_dp(alloc.unit.normalize().scale()))),
                utilisation: capacity
                    .filter(|c| !c.is_zero())
                    .and_then(|c| quota.checked_div(c))
                    .map(|u| Dec(u.round_dp(RATIO_PLACES))),
                actual: row.and_then(|r| r.figures.actual()).map(Dec),
                pipeline: row.and_then(|r| r.figures.pipeline),
            })
        })
        .collect()
}

/// Cumulative target by time slice, and cumulative actuals for the slices ended by
/// `as_of` when every actual fits a cell (`no_stray`).
fn timeline(model: &Model, rows: &[Row], no_stray: bool) -> Vec<TimePoint> {
    let as_of = model.plan.as_of;
    let mut target = Decimal::ZERO;
    let mut actual = Some(Decimal::ZERO);
    rows.iter()
        .filter_map(|r| {
            let period = r.period?.0;
            target = target.checked_add(r.figures.target.0)?;
            actual = add(actual, r.figures.actual());
            let ended = as_of.is_some_and(|d| period.end <= d);
            Some(TimePoint {
                slice: r
                    .members
                    .first()
                    .map(|m| m.shown().to_string())
                    .unwrap_or_default(),
                date: period.end.to_string(),
                target: Dec(target),
                actual: actual.filter(|_| ended && no_stray).map(Dec),
            })
        })
        .collect()
}

fn pipeline_report<'m>(c: &'m Compilation) -> PipelineReport<'m> {
    let model = &c.model;
    let deals = deals_out(model, &c.progress);
    let mut rows: Vec<StageGradeRow> = Vec::new();
    let mut stale = Vec::new();
    for (d, deal) in deals.iter().zip(&model.deals) {
        if !d.open {
            continue;
        }
        if let (Some(close), Some(as_of)) = (deal.close, model.plan.as_of)
            && close < as_of
            && !deal.stage_invalid
        {
            stale.push(d.name);
        }
        let key = (
            d.funnel.map(str::to_string),
            d.stage.map(str::to_string),
            d.grade.map(str::to_string),
            d.unit.map(str::to_string),
        );
        let found = rows
            .iter_mut()
            .find(|r| (&r.funnel, &r.stage, &r.grade, &r.unit) == (&key.0, &key.1, &key.2, &key.3));
        let row = match found {
            Some(r) => r,
            None => {
                rows.push(StageGradeRow {
                    funnel: key.0,
                    stage: key.1,
                    grade: key.2,
                    unit: key.3,
                    deals: 0,
                    amount: Dec(Decimal::ZERO),
                    weighted: Some(Dec(Decimal::ZERO)),
                });
                let last = rows.len() - 1;
                match rows.get_mut(last) {
                    Some(r) => r,
                    None => continue,
                }
            }
        };
        row.deals += 1;
        let amount = d.amount.map_or(Decimal::ZERO, |a| a.0);
        row.amount = Dec(row.amount.0.checked_add(amount).unwrap_or(row.amount.0));
        row.weighted = row
            .weighted
            .zip(d.weighted)
            .and_then(|(a, b)| a.0.checked_add(b.0))
            .map(Dec);
    }
    // By funnel, then stage order, then grade order.
    let stage_index = |r: &StageGradeRow| {
        let f = model
            .funnels
            .iter()
            .position(|f| Some(&f.name) == r.funnel.as_ref());
        let s = f.and_then(|f| model.funnels.get(f)).and_then(|f| {
            f.stages
                .iter()
                .position(|s| Some(&s.name) == r.stage.as_ref())
        });
        let g = model
            .grades
            .iter()
            .position(|g| Some(&g.name) == r.grade.as_ref());
        (f, s, g.map_or(usize::MAX, |g| g))
    };
    rows.sort_by_key(|r| stage_index(r));
    PipelineReport {
        deals,
        by_stage_grade: rows,
        stale,
    }
}

impl<'m> Report<'m> {
    /// Call `f` with each row of the flat table: every cell of every allocated goal, or
    /// with `--by` the groups of each goal. One row is filled in place for all of them,
    /// so millions of cells cost no allocation each.
    pub fn for_each_flat_row<E>(
        &self,
        f: impl FnMut(&FlatRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.for_each_flat_row_in(0..usize::MAX, f)
    }

    /// How many rows the flat table has: every goal's cells, or its `--by` rows.
    pub fn flat_row_count(&self) -> usize {
        if self.by.is_some() {
            self.goals
                .iter()
                .flat_map(|g| &g.rollups)
                .map(|r| r.rows.len())
                .sum()
        } else {
            self.cells.iter().map(|gc| gc.alloc.cells.len()).sum()
        }
    }

    /// [`Report::for_each_flat_row`] for the rows numbered `range` (from zero, over all
    /// goals in order), so that parts of a large table can be formatted apart.
    pub fn for_each_flat_row_in<E>(
        &self,
        range: std::ops::Range<usize>,
        mut f: impl FnMut(&FlatRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut row = FlatRow {
            goal: "",
            members: Vec::new(),
            period: None,
            target: Decimal::ZERO,
            actual: None,
            expected: None,
            forecast: None,
            varying: None,
        };
        if self.by.is_some() {
            let rows = self
                .goals
                .iter()
                .flat_map(|g| g.rollups.iter().flat_map(|r| &r.rows).map(move |r| (g, r)));
            for (g, r) in rows.take(range.end).skip(range.start) {
                row.goal = g.name;
                row.members.clear();
                row.members
                    .extend(r.members.iter().map(|m| m.name.as_deref()));
                row.period = r.period.map(|p| p.0);
                row.target = r.figures.target.0;
                row.actual = r.figures.actual();
                row.expected = r.figures.expected();
                row.forecast = r.figures.forecast();
                f(&row)?;
            }
            return Ok(());
        }
        // A cell names a member only of the dimensions it was split on (the first of its
        // coordinates on each); it is not put into time slices it was not split by.
        let on = |d: &DimRef, m: &MemberRef| m.dim() == *d;
        let name = |m: &MemberRef| member_names(self.model, *m).map(|(n, _)| n);
        // The number of the goal's first row.
        let mut first_row = 0usize;
        for gc in &self.cells {
            let rows = gc.alloc.cells.len();
            let (start, end) = (
                range.start.saturating_sub(first_row).min(rows),
                range.end.saturating_sub(first_row).min(rows),
            );
            first_row += rows;
            let Some(cells) = gc.alloc.cells.get(start..end).filter(|c| !c.is_empty()) else {
                continue;
            };
            let places = gc.alloc.unit.normalize().scale();
            row.goal = &gc.goal.name;
            // Cells come in runs that differ only in their last coordinate: the members
            // the others give are found once per run, and a row of a run after its first
            // only changes the column of its last coordinate.
            let mut head: Option<&[MemberRef]> = None;
            let mut in_head: Vec<Option<Option<&str>>> = Vec::new();
            // The column of the last coordinate of the row before, in the same run, and
            // that coordinate.
            let mut last_column: Option<Option<usize>> = None;
            let mut prev_last: Option<MemberRef> = None;
            for (i, cell) in (start..).zip(cells) {
                let coords = gc.alloc.coords(cell);
                let out = gc
                    .progress
                    .and_then(|p| p.cells.get(i))
                    .map(|n| CellProgress::of(n, places));
                let (first, last) = (coords.head(), coords.last());
                if !head.is_some_and(|h| same_members(h, first)) {
                    head = Some(first);
                    in_head.clear();
                    in_head.extend(
                        self.columns
                            .iter()
                            .map(|d| first.iter().find(|m| on(d, m)).map(name)),
                    );
                    last_column = None;
                }
                // The column the last coordinate fills: the first on its dimension that
                // the head leaves empty (the same as the row before's, in a run, when its
                // last is on the same dimension).
                let column = match (last_column, prev_last, last) {
                    (Some(column), Some(p), Some(m)) if p.dim() == m.dim() => column,
                    _ => last.and_then(|m| {
                        in_head
                            .iter()
                            .zip(&self.columns)
                            .position(|(found, d)| found.is_none() && on(d, m))
                    }),
                };
                prev_last = last.copied();
                match column {
                    Some(k) if last_column == Some(column) && row.period == Some(cell.period) => {
                        if let Some(slot) = row.members.get_mut(k) {
                            *slot = last.and_then(name);
                        }
                        row.varying = Some(k);
                    }
                    _ => {
                        row.members.clear();
                        row.members.extend(in_head.iter().enumerate().map(
                            |(k, found)| match found {
                                Some(n) => *n,
                                None if column == Some(k) => last.and_then(name),
                                None => None,
                            },
                        ));
                        row.varying = None;
                    }
                }
                last_column = Some(column);
                row.period = Some(cell.period);
                row.target = cell.value;
                row.actual = out.as_ref().and_then(|o| o.actual);
                row.expected = out.as_ref().and_then(|o| o.expected);
                row.forecast = out.as_ref().and_then(|o| o.forecast);
                f(&row)?;
            }
        }
        Ok(())
    }

    /// The name of each flat-table dimension column: those of `--by`, else every
    /// dimension some goal is split on.
    pub fn column_names(&self) -> Vec<String> {
        match &self.by {
            Some(by) => by.iter().map(|b| by_name(self.model, *b)).collect(),
            None => self
                .columns
                .iter()
                .map(|d| dim_name(self.model, *d))
                .collect(),
        }
    }
}

/// A bar of a chart: a group's label and numbers.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// How many groups this bar sums: 0 for a group of its own, else the others.
    pub others: usize,
    pub target: Decimal,
    pub actual: Option<Decimal>,
    pub forecast: Option<Decimal>,
}

/// The bars of a chart of `rows`: the `n` largest targets in their order, and the rest
/// summed into one "others" bar, so a chart of 10,000 reps stays readable.
pub fn chart_bars(rows: &[Row], n: usize) -> Vec<Bar> {
    let bars = rows
        .iter()
        .map(|r| Bar {
            label: r
                .members
                .iter()
                .map(MemberOut::shown)
                .collect::<Vec<_>>()
                .join(" · "),
            others: 0,
            target: r.figures.target.0,
            actual: r.figures.actual(),
            forecast: r.figures.forecast(),
        })
        .collect();
    top_and_others(bars, n)
}

/// Bars of quota against effective capacity per rep, as [`chart_bars`] (`target` is the
/// quota, `actual` the capacity).
pub fn rep_bars(reps: &[RepRow], n: usize) -> Vec<Bar> {
    let bars = reps
        .iter()
        .map(|r| Bar {
            label: r.label.clone().unwrap_or_else(|| r.name.clone()),
            others: 0,
            target: r.quota.0,
            actual: r.capacity.map(|c| c.0),
            forecast: None,
        })
        .collect();
    top_and_others(bars, n)
}

fn top_and_others(bars: Vec<Bar>, n: usize) -> Vec<Bar> {
    if bars.len() <= n + 1 {
        return bars;
    }
    let mut order: Vec<usize> = (0..bars.len()).collect();
    order.sort_by(|&a, &b| {
        let t = |i: usize| bars.get(i).map(|r| r.target);
        t(b).cmp(&t(a))
    });
    let (top, rest) = order.split_at(n);
    let mut top = top.to_vec();
    top.sort_unstable();
    let with_forecast = bars.iter().any(|b| b.forecast.is_some());
    let mut others = Bar {
        label: format!("{} others", rest.len()),
        others: rest.len(),
        target: Decimal::ZERO,
        actual: Some(Decimal::ZERO),
        forecast: with_forecast.then_some(Decimal::ZERO),
    };
    for b in rest.iter().filter_map(|&i| bars.get(i)) {
        others.target = others.target.checked_add(b.target).unwrap_or(others.target);
        others.actual = add(others.actual, b.actual);
        others.forecast = others.forecast.and_then(|f| f.checked_add(b.forecast?));
    }
    let mut out: Vec<Bar> = top.iter().filter_map(|&i| bars.get(i)).cloned().collect();
    out.push(others);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn day(d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    /// Buckets found through the table and through the hash map hold the same sums.
    #[test]
    fn buckets_sum_the_same_through_the_table_and_the_map() {
        let cells: [(Option<Key>, u32, &str); 5] = [
            (Some(Key::Team(TeamId(1))), 1, "10.5"),
            (None, 2, "3"),
            (Some(Key::Team(TeamId(1))), 3, "0.25"),
            (Some(Key::Team(TeamId(0))), 4, "7"),
            (None, 5, "1.125"),
        ];
        let sums = |table: Vec<u32>| {
            let mut b = Buckets {
                strides: vec![1],
                table,
                map: FastMap::default(),
                accs: Vec::new(),
            };
            for (key, d, value) in cells {
                let period = Period {
                    start: day(d),
                    end: day(d),
                };
                b.add(&[key], Decimal::from_str(value).unwrap(), period, 2);
            }
            b.accs
                .iter()
                .map(|(k, acc)| {
                    (
                        k.clone(),
                        acc.target.value().normalize().to_string(),
                        acc.cells,
                        acc.period,
                    )
                })
                .collect::<Vec<_>>()
        };
        let through_map = sums(Vec::new());
        assert_eq!(through_map, sums(vec![u32::MAX; 3]));
        let span = |a: u32, b: u32| {
            Some(Period {
                start: day(a),
                end: day(b),
            })
        };
        assert_eq!(
            through_map,
            vec![
                (
                    vec![Some(Key::Team(TeamId(1)))],
                    "10.75".to_string(),
                    2,
                    span(1, 3)
                ),
                // 1.125 is finer than the places: added as a decimal, exactly.
                (vec![None], "4.125".to_string(), 2, span(2, 5)),
                (
                    vec![Some(Key::Team(TeamId(0)))],
                    "7".to_string(),
                    1,
                    span(4, 4)
                ),
            ]
        );
    }
}
