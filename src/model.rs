//! The semantic model: every name resolved to an index, every value checked and typed.
//!
//! The model is built by `resolve` and read by `check` (and, later, allocation and
//! reports). It keeps the spans of what it was built from so every later diagnostic can
//! point at the source. It does not derive `Serialize`: output formats have their own
//! types so the model can change without breaking a JSON contract.

use crate::diagnostic::Code;
use crate::hash::{Map, Set};
use crate::period::{Period, Slice, TimeDim};
use crate::source::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

macro_rules! id {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id!(
    DimId, MemberId, TeamId, RepId, GoalId, StrategyId, FunnelId, GradeId, DealId
);

/// A quantity in a unit: money in a currency, or a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub value: Decimal,
    /// Short (a currency code, a count's word): kept inline, so an amount costs no
    /// allocation, which matters for a million imported deals.
    pub unit: compact_str::CompactString,
    pub span: Span,
}

/// Whether a unit is a currency (three upper-case ASCII letters).
pub fn is_currency(unit: &str) -> bool {
    unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase())
}

#[derive(Debug, Clone, Default)]
pub struct Model {
    pub plan: Plan,
    pub strategies: Vec<Strategy>,
    pub dimensions: Vec<Dimension>,
    pub teams: Vec<Team>,
    pub reps: Vec<Rep>,
    pub goals: Vec<Goal>,
    pub funnels: Vec<Funnel>,
    pub grades: Vec<Grade>,
    pub deals: Deals,
    pub actuals: Vec<Actuals>,
    /// Every top-level item that parsed, by the span of its whole text, sorted by file and
    /// position: an error is placed in the item holding it, which says what it can change.
    pub items: Vec<(Span, ItemRef)>,
    /// The dimensions some rep has a coordinate on (through its team or itself).
    pub rep_dimensions: Set<DimId>,
    /// Every rep, ordered by team name and then as written in the team: the order of
    /// `split rep … even` and `by capacity`, so that it does not depend on file order.
    pub rep_order: Vec<RepId>,
    /// The reps with each coordinate, in `rep_order` (see [`Model::index_reps`]).
    pub reps_at: Map<(DimId, MemberId), Vec<RepId>>,
}

/// What a top-level item is, with the model's id of what it defines (of the first
/// definition of its name, for a duplicate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRef {
    Plan,
    Include,
    Strategy,
    Dimension(Option<DimId>),
    Team,
    Goal(Option<GoalId>),
    Funnel(Option<FunnelId>),
    Grades,
    Deal,
    /// Deals read from an export, of this funnel (`None` when the mapping names none
    /// that exists).
    Deals(Option<FunnelId>),
    /// The actuals of a goal (`None` when it names no goal).
    Actuals(Option<GoalId>),
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub name: Option<String>,
    /// `None` when missing or invalid (already reported).
    pub period: Option<Period>,
    pub currency: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub span: Span,
    /// The months of `period`, computed once.
    pub months: Vec<Period>,
    /// The slices of each time dimension (half, quarter, month, week), computed once.
    pub slices: [Vec<Slice>; 4],
}

impl Model {
    /// The slices of a time dimension over the plan period (empty without a period).
    pub fn slices(&self, dim: TimeDim) -> &[Slice] {
        self.plan
            .slices
            .get(dim as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub fn goal(&self, id: GoalId) -> Option<&Goal> {
        self.goals.get(id.index())
    }

    pub fn rep(&self, id: RepId) -> Option<&Rep> {
        self.reps.get(id.index())
    }

    pub fn dimension(&self, id: DimId) -> Option<&Dimension> {
        self.dimensions.get(id.index())
    }

    /// Record which dimensions reps carry and which reps have each coordinate, once
    /// `reps` and `rep_order` are complete, for [`Model::reps_in_scope`].
    pub fn index_reps(&mut self) {
        self.rep_dimensions = self
            .reps
            .iter()
            .flat_map(|r| r.coords.iter().map(|c| c.dim))
            .collect();
        let mut reps_at: Map<(DimId, MemberId), Vec<RepId>> = Map::default();
        for &r in &self.rep_order {
            let Some(rep) = self.reps.get(r.index()) else {
                continue;
            };
            for c in &rep.coords {
                let reps = reps_at.entry((c.dim, c.member)).or_default();
                // A rep may carry the same coordinate twice (from its team and itself).
                if reps.last() != Some(&r) {
                    reps.push(r);
                }
            }
        }
        self.reps_at = reps_at;
    }

    /// The reps a `split rep` covers inside the given enclosing members: those whose
    /// coordinates match every enclosing member, on each dimension that reps carry at all
    /// (a dimension no team carries, such as `product`, does not narrow the reps).
    /// In `rep_order`; the work is proportional to the reps of one enclosing member.
    pub fn reps_in_scope(&self, scope: &[(DimId, MemberId)]) -> Vec<RepId> {
        let scope: Vec<&(DimId, MemberId)> = scope
            .iter()
            .filter(|(d, _)| self.rep_dimensions.contains(d))
            .collect();
        // The fewest candidates: the reps of the narrowest enclosing member.
        let candidates = scope
            .iter()
            .map(|key| self.reps_at.get(key).map_or(&[][..], Vec::as_slice))
            .min_by_key(|reps| reps.len())
            .unwrap_or(self.rep_order.as_slice());
        candidates
            .iter()
            .copied()
            .filter(|&r| {
                self.rep(r).is_some_and(|rep| {
                    scope
                        .iter()
                        .all(|(d, m)| rep.coords.iter().any(|c| c.dim == *d && c.member == *m))
                })
            })
            .collect()
    }

    /// The months of the plan period (clipped to it): capacity is spread evenly over them.
    pub fn plan_months(&self) -> &[Period] {
        &self.plan.months
    }
}

#[derive(Debug, Clone)]
pub struct Strategy {
    pub name: String,
    pub label: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub name: String,
    pub label: Option<String>,
    pub members: Vec<Member>,
    pub member_index: Map<String, MemberId>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub label: Option<String>,
    pub attrs: Vec<Attr>,
    pub span: Span,
}

impl Member {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub value: AttrValue,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum AttrValue {
    Money(Amount),
    Number(Decimal),
    Percent(Decimal),
    Text(String),
    Name(String),
    /// A number that could not be read (already reported).
    Invalid,
}

impl AttrValue {
    /// The value as a weight for `split … by ATTRIBUTE`.
    pub fn weight(&self) -> Option<Decimal> {
        match self {
            AttrValue::Money(a) => Some(a.value),
            AttrValue::Number(n) | AttrValue::Percent(n) => Some(*n),
            _ => None,
        }
    }
}

/// A `DIMENSION MEMBER` pair on a team, rep or deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coord {
    pub dim: DimId,
    pub member: MemberId,
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub label: Option<String>,
    pub lead: Option<String>,
    pub coords: Vec<Coord>,
    pub reps: Vec<RepId>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Rep {
    pub name: String,
    pub label: Option<String>,
    pub team: TeamId,
    pub capacity: Option<Amount>,
    /// The first month the rep works, if not from the start.
    pub start: Option<NaiveDate>,
    /// Fraction of full capacity in each month from `start` on.
    pub ramp: Vec<Decimal>,
    /// The team's coordinates followed by the rep's own.
    pub coords: Vec<Coord>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Owner {
    Text(String),
    Rep(RepId),
    Team(TeamId),
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub name: String,
    pub label: Option<String>,
    pub owner: Option<Owner>,
    /// The owner statement existed but named nothing (already reported).
    pub owner_invalid: bool,
    pub target: Option<Amount>,
    /// The target statement existed but its value could not be used (already reported).
    pub target_invalid: bool,
    pub baseline: Option<(Amount, Period)>,
    /// The baseline statement existed but could not be used (already reported).
    pub baseline_invalid: bool,
    /// The goal's period: its own, or the plan's.
    pub period: Option<Period>,
    pub supports: Vec<StrategyId>,
    pub parent: Option<GoalId>,
    /// A `supports` or `parent` statement existed but named nothing (already reported).
    pub links_invalid: bool,
    pub funnel: Option<FunnelId>,
    /// Where the goal names its funnel.
    pub funnel_span: Option<Span>,
    pub splits: Vec<Split>,
    pub allows: Vec<Code>,
    /// It names something that a broken item may define (not reported as unknown): its
    /// splits or funnel may lack what that item said, so its numbers cannot be trusted.
    pub names_unknown: bool,
    /// Its statements that say nothing its numbers are computed from (`parent`,
    /// `supports`, `allow`, `baseline`, and such lines that did not parse): an error
    /// there does not keep it from being allocated.
    pub unread: Vec<Span>,
    pub span: Span,
    /// The goal's name in its header, where goal-level lints point.
    pub name_span: Span,
}

impl Goal {
    pub fn allows(&self, code: Code) -> bool {
        self.allows.contains(&code)
    }
}

/// The dimension a split decomposes along.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DimRef {
    User(DimId),
    Rep,
    Time(TimeDim),
}

/// A member of some dimension: a user member, a rep, or a time slice (by index into the
/// plan's slices of that time dimension). Twelve bytes: an allocation keeps one per
/// dimension for each of its cells, millions in a large plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberRef {
    User(DimId, MemberId),
    Rep(RepId),
    Time(TimeDim, u32),
}

// Each cell of an allocation keeps one per dimension it is split on.
const _: () = assert!(std::mem::size_of::<MemberRef>() == 12);

impl MemberRef {
    /// The dimension this is a member of.
    pub fn dim(self) -> DimRef {
        match self {
            MemberRef::User(d, _) => DimRef::User(d),
            MemberRef::Rep(_) => DimRef::Rep,
            MemberRef::Time(t, _) => DimRef::Time(t),
        }
    }

    /// The `index`th slice of `dim`; `None` past the slices a member can name.
    pub fn time(dim: TimeDim, index: usize) -> Option<MemberRef> {
        Some(MemberRef::Time(dim, u32::try_from(index).ok()?))
    }
}

#[derive(Debug, Clone)]
pub struct Split {
    pub dim: DimRef,
    pub kind: SplitKind,
    /// The member blocks of an `even` or `by` split, as written.
    pub blocks: Vec<MemberBlock>,
    pub span: Span,
    pub dim_span: Span,
}

impl Split {
    /// Every list of splits nested in this one: each entry's, and each member block's.
    pub fn nested(&self) -> impl Iterator<Item = &[Split]> {
        let entries: &[Entry] = match &self.kind {
            SplitKind::Entries { entries, .. } => entries,
            _ => &[],
        };
        entries
            .iter()
            .map(|e| e.nested.as_slice())
            .chain(self.blocks.iter().map(|b| b.splits.as_slice()))
    }

    /// The member blocks that apply to `member`, in written order: `each`, and its own.
    pub fn blocks_for(&self, member: MemberRef) -> impl Iterator<Item = &MemberBlock> {
        self.blocks
            .iter()
            .filter(move |b| b.member.is_none_or(|m| m == member))
    }
}

/// Splits for one member of an `even` or `by` split, or (`member` is `None`, written
/// `each`) for every member.
#[derive(Debug, Clone)]
pub struct MemberBlock {
    pub member: Option<MemberRef>,
    pub splits: Vec<Split>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum SplitKind {
    Even,
    By {
        attr: String,
        span: Span,
    },
    Entries {
        entries: Vec<Entry>,
        span: Span,
        /// False when some member did not resolve (already reported): the entries are
        /// then not checked for coverage or sums.
        complete: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub member: MemberRef,
    pub share: Share,
    pub nested: Vec<Split>,
    pub span: Span,
    pub member_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    Percent(Decimal),
    Amount(Decimal),
    Rest,
    /// A value that could not be read (already reported).
    Invalid,
}

#[derive(Debug, Clone)]
pub struct Funnel {
    pub name: String,
    pub label: Option<String>,
    pub deal_size: Option<Amount>,
    /// New entries per day, week, month, quarter or year.
    pub inflow: Option<(Decimal, String)>,
    /// Where the `inflow` statement is, when it resolved.
    pub inflow_span: Option<Span>,
    pub stages: Vec<Stage>,
    /// The closed-lost outcomes (`lost NAME`): a deal in one is closed and not won.
    pub outcomes: Vec<Outcome>,
    /// When the last stage written repeats an earlier one: the index of that earlier
    /// stage, and the span of the repetition. The repetition was reported as a duplicate
    /// and dropped, so the funnel ends at the stage written before it.
    pub repeated_last_stage: Option<(usize, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub label: Option<String>,
    pub buyer: Option<String>,
    pub convert: Option<Decimal>,
    pub dwell_days: Option<Decimal>,
    pub milestone: Option<String>,
    pub actions: Vec<String>,
    pub tools: Vec<String>,
    pub span: Span,
}

/// A funnel's closed-lost outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub label: Option<String>,
    pub span: Span,
}

/// Where a deal stands in its funnel: at a stage (the last one is won), or in a lost
/// outcome. Both indices are into the funnel's own lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StageRef {
    Stage(usize),
    Lost(usize),
}

/// Whether a deal is still pipeline, or closed, won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DealState {
    Open,
    Won,
    Lost,
}

impl DealState {
    pub fn as_str(self) -> &'static str {
        match self {
            DealState::Open => "open",
            DealState::Won => "won",
            DealState::Lost => "lost",
        }
    }
}

impl Funnel {
    /// The name of a stage or outcome of this funnel.
    pub fn stage_name(&self, stage: StageRef) -> Option<&str> {
        match stage {
            StageRef::Stage(i) => self.stages.get(i).map(|s| s.name.as_str()),
            StageRef::Lost(i) => self.outcomes.get(i).map(|o| o.name.as_str()),
        }
    }

    /// A stage or outcome of this funnel by its name.
    pub fn stage_named(&self, name: &str) -> Option<StageRef> {
        if let Some(i) = self.stages.iter().position(|s| s.name == name) {
            return Some(StageRef::Stage(i));
        }
        self.outcomes
            .iter()
            .position(|o| o.name == name)
            .map(StageRef::Lost)
    }

    /// The state of a deal at `stage`: the last stage is won, a lost outcome is lost.
    pub fn state(&self, stage: StageRef) -> DealState {
        match stage {
            StageRef::Stage(i) if i + 1 >= self.stages.len() => DealState::Won,
            StageRef::Stage(_) => DealState::Open,
            StageRef::Lost(_) => DealState::Lost,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Grade {
    pub name: String,
    pub label: Option<String>,
    pub probability: Option<Decimal>,
    pub span: Span,
}

/// A deal as its readers see it: built from [`Deals`] on each access, so it borrows its
/// name, label, unit and members from there.
#[derive(Debug, Clone, Copy)]
pub struct Deal<'m> {
    pub name: &'m str,
    pub label: Option<&'m str>,
    pub owner: Option<RepId>,
    pub funnel: Option<FunnelId>,
    /// The deal's stage or outcome in its funnel.
    pub stage: Option<StageRef>,
    /// A stage was written but did not resolve (and was reported): whether the deal is
    /// still open is not known.
    pub stage_invalid: bool,
    pub grade: Option<GradeId>,
    pub amount: Option<DealAmount<'m>>,
    pub close: Option<NaiveDate>,
    pub close_span: Option<Span>,
    /// When the deal entered its funnel.
    pub opened: Option<NaiveDate>,
    pub coords: &'m [Coord],
    /// The deal's name where it is written, its row where it is imported.
    pub span: Span,
}

/// A deal's kind, and its figures as [`Deal`] gives them (see [`Deals::figures`]).
#[derive(Clone, Copy)]
pub struct DealFigures {
    /// The same for every deal of the same owner, funnel, stage, grade, unit and members;
    /// below [`Deals::kinds`].
    pub kind: usize,
    row: DealRow,
    has_amount: bool,
}

impl DealFigures {
    /// The amount's value ([`Deal::amount`]; its unit is the kind's).
    pub fn amount(&self) -> Option<Decimal> {
        self.has_amount.then_some(self.row.amount)
    }

    pub fn close(&self) -> Option<NaiveDate> {
        self.row.close
    }

    pub fn span(&self) -> Span {
        self.row.span
    }
}

/// A deal's amount in its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealAmount<'m> {
    pub value: Decimal,
    pub unit: &'m str,
}

/// A deal's members, inline up to two.
pub type DealCoords = smallvec::SmallVec<[Coord; 2]>;

/// Every deal of the plan, kept small: an export of a million deals is held in 48 bytes
/// a deal besides its names. What many deals share (owner, funnel, stage,
/// grade, unit and members: an export has a few hundred such kinds) is kept once, and
/// each deal holds the index of its kind; names are one string, each name ending where
/// the next deal's begins; a deal's close cell is placed relative to the deal's span.
/// A deal's amount is exact, but where it was written is not kept: nothing after
/// resolution reports on it.
#[derive(Debug, Clone, Default)]
pub struct Deals {
    rows: Vec<DealRow>,
    /// Every deal's name, one after another, in the order of `rows`.
    names: String,
    /// The few labels (written deals have them, imported ones not), by the offset of
    /// their deal's name in `names`, which no other deal shares.
    labels: Map<u32, Box<str>>,
    kinds: Vec<DealKind>,
    kind_ids: Map<DealKind, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct DealKind {
    owner: Option<RepId>,
    funnel: Option<FunnelId>,
    stage: Option<StageRef>,
    stage_invalid: bool,
    grade: Option<GradeId>,
    unit: compact_str::CompactString,
    coords: DealCoords,
    /// Whether the deal has an amount (`DealRow::amount`) and a label: kept here rather
    /// than in every row, where they would take four bytes a deal with padding.
    has_amount: bool,
    has_label: bool,
}

#[derive(Debug, Clone, Copy)]
struct DealRow {
    /// Zero when the deal has no amount (its kind's `has_amount`).
    amount: Decimal,
    span: Span,
    close_at: CellAt,
    /// Where the name starts in `names`; it ends where the next deal's starts.
    name: u32,
    kind: u32,
    close: Option<NaiveDate>,
    opened: Option<NaiveDate>,
}

/// A deal's dates are kept as chrono's: an optional date takes four bytes (chrono's
/// date leaves room for `None`), and reading a deal then converts nothing.
const _: () = assert!(std::mem::size_of::<Option<NaiveDate>>() == 4);

// A million deals take 48 MB: a field added to a row costs a megabyte per byte.
const _: () = assert!(std::mem::size_of::<DealRow>() == 48);

/// A cell of a deal (its close date) by its offset from the start of the
/// deal's span and its length. A cell that cannot be placed so (more than 64 KiB from
/// the deal's start, or before it) stands for the deal's whole span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CellAt {
    offset: u16,
    len: u16,
}

impl CellAt {
    const NONE: CellAt = CellAt {
        offset: u16::MAX,
        len: u16::MAX,
    };
    const WHOLE: CellAt = CellAt {
        offset: u16::MAX,
        len: 0,
    };

    fn new(deal: Span, cell: Option<Span>) -> CellAt {
        let Some(cell) = cell else {
            return CellAt::NONE;
        };
        if cell.file != deal.file {
            return CellAt::WHOLE;
        }
        let offset = cell.start().checked_sub(deal.start()).map(u16::try_from);
        let len = u16::try_from(cell.len());
        match (offset, len) {
            (Some(Ok(offset)), Ok(len)) if offset < u16::MAX && len < u16::MAX => {
                CellAt { offset, len }
            }
            _ => CellAt::WHOLE,
        }
    }

    fn span(self, deal: Span) -> Option<Span> {
        if self == CellAt::NONE {
            None
        } else if self == CellAt::WHOLE {
            Some(deal)
        } else {
            let start = deal.start() + usize::from(self.offset);
            Some(Span::new(deal.file, start, start + usize::from(self.len)))
        }
    }
}

/// An offset as a deal keeps it. Files are read up to 1 GiB, so it fits; one that
/// did not would point at the end of the 4 GiB it can reach rather than fail.
fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Deals {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Room for `deals` more deals whose names take `name_bytes` bytes.
    pub fn reserve(&mut self, deals: usize, name_bytes: usize) {
        self.rows.reserve_exact(deals);
        self.names.reserve(name_bytes);
    }

    pub fn get(&self, index: usize) -> Option<Deal<'_>> {
        self.rows.get(index).map(|row| self.view(index, row))
    }

    pub fn iter(&self) -> DealIter<'_> {
        DealIter {
            deals: self,
            rows: self.rows.iter().enumerate(),
        }
    }

    /// How many kinds of deal there are: deals of one kind share their owner, funnel,
    /// stage, grade, unit and members (what [`Deals::figures`] leaves out).
    pub fn kinds(&self) -> usize {
        self.kinds.len()
    }

    /// The deals in order, each as its kind and its own figures, without building the
    /// rest of it: a pass over every deal decides what the kind holds once per kind,
    /// from any deal of that kind.
    pub fn figures(&self) -> impl Iterator<Item = DealFigures> + '_ {
        self.rows.iter().map(|row| DealFigures {
            kind: row.kind as usize,
            row: *row,
            has_amount: self
                .kinds
                .get(row.kind as usize)
                .is_some_and(|k| k.has_amount),
        })
    }

    /// The name of the deal at `index`, without building the rest of it.
    pub fn name(&self, index: usize) -> Option<&str> {
        let row = self.rows.get(index)?;
        self.name_of(index, row)
    }

    fn name_of(&self, index: usize, row: &DealRow) -> Option<&str> {
        let end = self
            .rows
            .get(index + 1)
            .map_or(self.names.len(), |next| next.name as usize);
        self.names.get(row.name as usize..end)
    }

    fn view(&self, index: usize, row: &DealRow) -> Deal<'_> {
        let kind = self.kinds.get(row.kind as usize);
        let span = row.span;
        Deal {
            name: self.name_of(index, row).unwrap_or_default(),
            label: if kind.is_some_and(|k| k.has_label) {
                self.labels.get(&row.name).map(|l| &**l)
            } else {
                None
            },
            owner: kind.and_then(|k| k.owner),
            funnel: kind.and_then(|k| k.funnel),
            stage: kind.and_then(|k| k.stage),
            stage_invalid: kind.is_some_and(|k| k.stage_invalid),
            grade: kind.and_then(|k| k.grade),
            amount: kind.filter(|k| k.has_amount).map(|k| DealAmount {
                value: row.amount,
                unit: k.unit.as_str(),
            }),
            close: row.close,
            close_span: row.close_at.span(span),
            opened: row.opened,
            coords: kind.map_or(&[], |k| k.coords.as_slice()),
            span,
        }
    }

    /// Add a deal, copying what it borrows.
    pub fn push(&mut self, deal: Deal<'_>) {
        let kind = DealKind {
            owner: deal.owner,
            funnel: deal.funnel,
            stage: deal.stage,
            stage_invalid: deal.stage_invalid,
            grade: deal.grade,
            unit: deal.amount.map_or_else(Default::default, |a| a.unit.into()),
            coords: deal.coords.iter().copied().collect(),
            has_amount: deal.amount.is_some(),
            has_label: deal.label.is_some(),
        };
        let kind = match self.kind_ids.get(&kind) {
            Some(&id) => id,
            None => {
                let id = offset32(self.kinds.len());
                self.kinds.push(kind.clone());
                self.kind_ids.insert(kind, id);
                id
            }
        };
        let name = offset32(self.names.len());
        self.names.push_str(deal.name);
        if let Some(label) = deal.label {
            self.labels.insert(name, label.into());
        }
        self.rows.push(DealRow {
            amount: deal.amount.map_or(Decimal::ZERO, |a| a.value),
            span: deal.span,
            close_at: CellAt::new(deal.span, deal.close_span),
            name,
            kind,
            close: deal.close,
            opened: deal.opened,
        });
    }

    /// Keep the deals for which `keep(index)` holds, and only their names and labels.
    pub fn retain_indices(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut names = String::new();
        let mut labels = Map::default();
        let mut rows = Vec::new();
        for (index, row) in self.rows.iter().enumerate() {
            if !keep(index) {
                continue;
            }
            let start = offset32(names.len());
            names.push_str(self.name_of(index, row).unwrap_or_default());
            if let Some(label) = self.labels.get(&row.name) {
                labels.insert(start, label.clone());
            }
            rows.push(DealRow {
                name: start,
                ..*row
            });
        }
        self.rows = rows;
        self.names = names;
        self.labels = labels;
    }
}

impl<'m> IntoIterator for &'m Deals {
    type Item = Deal<'m>;
    type IntoIter = DealIter<'m>;

    fn into_iter(self) -> DealIter<'m> {
        self.iter()
    }
}

/// The deals in order, each built as it is reached.
pub struct DealIter<'m> {
    deals: &'m Deals,
    rows: std::iter::Enumerate<std::slice::Iter<'m, DealRow>>,
}

impl<'m> Iterator for DealIter<'m> {
    type Item = Deal<'m>;

    fn next(&mut self) -> Option<Deal<'m>> {
        let (index, row) = self.rows.next()?;
        Some(self.deals.view(index, row))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl DoubleEndedIterator for DealIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let (index, row) = self.rows.next_back()?;
        Some(self.deals.view(index, row))
    }
}

impl ExactSizeIterator for DealIter<'_> {}

#[derive(Debug, Clone)]
pub struct Actuals {
    pub goal: GoalId,
    /// The rows that resolved (the others were reported).
    pub rows: Vec<ActualRow>,
    /// The CSV file they came from, as written, if not inline.
    pub file: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ActualRow {
    pub period: Period,
    pub coords: Vec<MemberRef>,
    pub amount: Decimal,
    /// The row, or the first of the rows summed into it.
    pub span: Span,
    /// The rows of a file added up into this one, when more than one.
    pub summed: Option<Summed>,
}

/// Rows of a file of the same period and members, added up as they are read: a message
/// about their sum points at the first and names how many there are and the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summed {
    /// How many rows, the first included.
    pub rows: u32,
    /// The last row's line in the file, and its span.
    pub last_line: u32,
    pub last: Span,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn deal<'a>(
        name: &'a str,
        label: Option<&'a str>,
        span: Span,
        close: Option<Span>,
    ) -> Deal<'a> {
        Deal {
            name,
            label,
            owner: Some(RepId(3)),
            funnel: Some(FunnelId(0)),
            stage: Some(StageRef::Lost(1)),
            stage_invalid: false,
            grade: None,
            amount: Some(DealAmount {
                value: Decimal::new(12345, 2),
                unit: "USD",
            }),
            close: NaiveDate::from_ymd_opt(2026, 7, 1),
            close_span: close,
            opened: None,
            coords: &[Coord {
                dim: DimId(1),
                member: MemberId(2),
            }],
            span,
        }
    }

    #[test]
    fn deals_read_back_as_written_and_after_dropping_one() {
        let file = FileId(2);
        let mut deals = Deals::default();
        deals.push(deal(
            "甲",
            Some("第一"),
            Span::new(file, 10, 13),
            Some(Span::new(file, 30, 40)),
        ));
        deals.push(deal("b", None, Span::new(file, 100, 101), None));
        // A close date 70,000 bytes after the deal's name stands for the whole deal.
        deals.push(deal(
            "c",
            Some("third"),
            Span::new(file, 200, 201),
            Some(Span::new(file, 70_200, 70_210)),
        ));
        let a = deals.get(0).unwrap();
        assert_eq!((a.name, a.label), ("甲", Some("第一")));
        assert_eq!(a.close_span, Some(Span::new(file, 30, 40)));
        assert_eq!(a.amount.unwrap().value.to_string(), "123.45");
        assert_eq!(a.amount.unwrap().unit, "USD");
        assert_eq!(a.close.unwrap().to_string(), "2026-07-01");
        assert_eq!(
            (a.opened, a.owner, a.stage),
            (None, Some(RepId(3)), Some(StageRef::Lost(1)))
        );
        assert_eq!(
            a.coords,
            &[Coord {
                dim: DimId(1),
                member: MemberId(2)
            }]
        );
        assert_eq!(deals.get(1).unwrap().close_span, None);
        assert_eq!(
            deals.get(2).unwrap().close_span,
            Some(Span::new(file, 200, 201))
        );
        deals.retain_indices(|i| i != 0);
        let left: Vec<(&str, Option<&str>, Span)> =
            deals.iter().map(|d| (d.name, d.label, d.span)).collect();
        assert_eq!(
            left,
            [
                ("b", None, Span::new(file, 100, 101)),
                ("c", Some("third"), Span::new(file, 200, 201))
            ]
        );
        assert_eq!(deals.name(1), Some("c"));
        assert_eq!(deals.get(2).map(|d| d.name), None);
    }
}
