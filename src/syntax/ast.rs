//! The typed syntax tree of one `.plan` file.
//!
//! It mirrors what was written, with a span on every node; nothing here is resolved.
//! Values that could not be read (an overflowing number) are `None` after their
//! diagnostic was reported, so later phases skip them without reporting again.

use crate::source::Span;
use rust_decimal::Decimal;
pub use smallvec::SmallVec;

/// Text taken from the plan: a name, a label, a number as written. Most are short, and
/// a short text is kept inline rather than allocated, which matters for a plan of a
/// hundred thousand one-line items.
pub type Text = compact_str::CompactString;

#[derive(Debug, Clone, Default)]
pub struct File {
    pub items: Vec<Item>,
    /// Every comment of the file, in order, for the formatter and the language server.
    pub comments: Vec<Comment>,
    /// Definitions inside items that failed to parse, so that references to them do not
    /// report a second, misleading error.
    pub broken: Vec<BrokenDefinition>,
}

/// A definition seen in the text of an item that did not parse: `goal revenue`,
/// `rep alice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenDefinition {
    pub keyword: super::scan::Keyword,
    pub name: String,
}

/// A statement inside a block that did not parse (already reported as `syntax`): the
/// block's other statements are kept, and later phases skip what this one would have
/// said instead of reporting it missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenStatement {
    /// The statement it was meant to be: its keyword as written, or the keyword of this
    /// block it misspells; `None` when that cannot be told.
    pub keyword: Option<&'static str>,
    /// The name it starts with (after its keyword, if any): what it may define (a rep, a
    /// stage, a member) or name (a split entry's member).
    pub name: String,
    pub span: Span,
}

/// Whether a block lost a statement of `keyword` (or one that cannot be told apart) to a
/// syntax error: a value it lacks may have been written there.
pub fn lost(broken: &[BrokenStatement], keyword: &str) -> bool {
    broken
        .iter()
        .any(|b| b.keyword.is_none_or(|k| k == keyword))
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// An identifier as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: Text,
    pub span: Span,
}

/// A reference to a member, optionally qualified by its dimension: `region.east`.
/// The qualifier is rare and boxed: every deal and actual row holds a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    pub qualifier: Option<Box<Name>>,
    pub name: Name,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    pub value: Text,
    pub span: Span,
}

/// A number after scaling (`1.5万` is 15000). `None` when it could not be represented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Num {
    pub value: Option<Decimal>,
    pub span: Span,
}

/// A percentage as a fraction (`40%` is 0.4).
pub type Percent = Num;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub amount: Num,
    pub unit: Name,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Day,
    Week,
    Month,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    pub amount: Num,
    pub unit: DurationUnit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub amount: Num,
    pub per: Name,
    pub span: Span,
}

/// One period as written, not yet checked against the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodAtomKind {
    Year(i32),
    Half(i32, u32),
    Quarter(i32, u32),
    Month(i32, u32),
    Week(i32, u32),
    Date(i32, u32, u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodAtom {
    pub kind: PeriodAtomKind,
    pub span: Span,
    /// The text as written, for messages: a number too large for `kind` (`2026-W99999999999`)
    /// is reported as written, not as the largest number it was read as.
    pub written: Text,
}

/// A period: one atom, or an inclusive range `start..end`. The end is boxed: every
/// actual row has a period, and nearly all are one atom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodExpr {
    pub start: PeriodAtom,
    pub end: Option<Box<PeriodAtom>>,
    pub span: Span,
}

/// One top-level item. Each is boxed: a plan may hold hundreds of thousands of small
/// items (one-line deals), and unboxed every one would take the room of the largest.
#[derive(Debug, Clone)]
pub enum Item {
    Plan(Box<Plan>),
    Include(Box<Include>),
    Strategy(Box<Strategy>),
    Dimension(Box<Dimension>),
    Team(Box<Team>),
    Goal(Box<Goal>),
    Funnel(Box<Funnel>),
    Grades(Box<Grades>),
    Deal(Box<Deal>),
    Actuals(Box<Actuals>),
    Deals(Box<Deals>),
}

impl Item {
    /// The names that statements of this item which did not parse may define: a rep of
    /// a team, a stage of a funnel, a member of a dimension, a grade. References to them
    /// are then not reported as unknown.
    pub fn broken_definitions(&self) -> impl Iterator<Item = &str> {
        let (broken, keyword): (&[BrokenStatement], Option<&str>) = match self {
            Item::Team(t) => (&t.broken, Some("rep")),
            Item::Funnel(f) => (&f.broken, Some("stage")),
            Item::Dimension(d) => (&d.broken, None),
            Item::Grades(g) => (&g.broken, None),
            _ => (&[], None),
        };
        broken
            .iter()
            .filter(move |b| keyword.is_none_or(|k| b.keyword.is_none_or(|w| w == k)))
            .map(|b| b.name.as_str())
            .filter(|name| !name.is_empty())
    }

    pub fn span(&self) -> Span {
        match self {
            Item::Plan(x) => x.span,
            Item::Include(x) => x.span,
            Item::Strategy(x) => x.span,
            Item::Dimension(x) => x.span,
            Item::Team(x) => x.span,
            Item::Goal(x) => x.span,
            Item::Funnel(x) => x.span,
            Item::Grades(x) => x.span,
            Item::Deal(x) => x.span,
            Item::Actuals(x) => x.span,
            Item::Deals(x) => x.span,
        }
    }
}

/// The statements of one kind in an item. A statement that may appear once is nearly
/// always written once, so one is kept inline; repeats (reported) spill to the heap.
pub type Fields<T> = SmallVec<[Field<T>; 1]>;

/// A statement that may appear once: the keyword's span is kept to point at a repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub keyword: Span,
    pub value: T,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub keyword: Span,
    pub name: Option<Str>,
    pub period: Fields<PeriodExpr>,
    pub currency: Fields<Name>,
    pub as_of: Fields<PeriodAtom>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Include {
    pub path: Str,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Strategy {
    pub name: Name,
    pub label: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub name: Name,
    pub label: Option<Str>,
    pub members: Vec<Member>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: Name,
    pub label: Option<Str>,
    pub attrs: Vec<Attr>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub name: Name,
    pub value: AttrValue,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum AttrValue {
    Money(Quantity),
    Percent(Percent),
    Number(Num),
    Text(Str),
    Name(NameRef),
}

/// `DIMENSION MEMBER`, as in a team's `region east` or a deal's `product sw`.
#[derive(Debug, Clone)]
pub struct Coord {
    pub dimension: Name,
    pub member: NameRef,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum NameOrText {
    Name(Name),
    Text(Str),
}

impl NameOrText {
    pub fn span(&self) -> Span {
        match self {
            NameOrText::Name(n) => n.span,
            NameOrText::Text(s) => s.span,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: Name,
    pub label: Option<Str>,
    pub lead: Fields<NameOrText>,
    pub coords: Vec<Coord>,
    pub reps: Vec<Rep>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Rep {
    pub name: Name,
    pub label: Option<Str>,
    pub capacity: Fields<Quantity>,
    pub start: Fields<PeriodExpr>,
    pub ramp: Fields<Vec<Percent>>,
    pub coords: Vec<Coord>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub keyword: Span,
    pub name: Name,
    pub label: Option<Str>,
    pub owner: Fields<NameOrText>,
    pub target: Fields<Quantity>,
    pub baseline: Fields<Baseline>,
    pub period: Fields<PeriodExpr>,
    pub supports: Vec<Name>,
    pub parent: Fields<Name>,
    pub funnel: Fields<Name>,
    pub splits: Vec<Split>,
    pub allows: Vec<Name>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Baseline {
    pub quantity: Quantity,
    pub period: PeriodExpr,
}

#[derive(Debug, Clone)]
pub struct Split {
    pub keyword: Span,
    pub dimension: NameRef,
    pub body: SplitBody,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    /// The member blocks of an `even` or `by` split (`{ east { split rep even } }`).
    pub blocks: Vec<MemberBlock>,
    pub span: Span,
}

/// Splits for one member of an `even` or `by` split, or for each of its members.
#[derive(Debug, Clone)]
pub struct MemberBlock {
    /// `None` for `each`.
    pub member: Option<NameRef>,
    pub splits: Vec<Split>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum SplitBody {
    Even(Span),
    By(Name),
    Entries {
        entries: Vec<SplitEntry>,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub struct SplitEntry {
    pub member: NameRef,
    pub share: Share,
    pub nested: Vec<Split>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Share {
    Percent(Percent),
    Amount(Num),
    Rest(Span),
}

impl Share {
    pub fn span(&self) -> Span {
        match self {
            Share::Percent(n) | Share::Amount(n) => n.span,
            Share::Rest(s) => *s,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Funnel {
    pub name: Name,
    pub label: Option<Str>,
    pub deal_size: Fields<Quantity>,
    pub inflow: Fields<Rate>,
    pub stages: Vec<Stage>,
    /// `lost NAME "label"`: the closed-lost outcomes.
    pub outcomes: Vec<Outcome>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

/// A funnel's closed-lost outcome: `lost NAME ["label"]`.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: Name,
    pub label: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: Name,
    pub label: Option<Str>,
    pub buyer: Fields<Str>,
    pub convert: Fields<Percent>,
    pub dwell: Fields<Duration>,
    pub milestone: Fields<Str>,
    pub actions: Vec<Str>,
    pub tools: Vec<Str>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Grades {
    pub grades: Vec<Grade>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Grade {
    pub name: Name,
    pub label: Option<Str>,
    pub probability: Percent,
    pub span: Span,
}

/// A deal: an item of one line, of which a plan may hold a hundred thousand, so it keeps
/// inline only what most deals write. The statements many deals lack (and broken ones)
/// are in `more`, allocated only for a deal that has one: three empty statement lists
/// took more room than all the rest of a one-line deal.
#[derive(Debug, Clone)]
pub struct Deal {
    pub name: Name,
    pub label: Option<Str>,
    pub owner: Fields<NameOrText>,
    pub stage: Fields<Name>,
    pub amount: Fields<Quantity>,
    pub close: Fields<PeriodAtom>,
    pub coords: SmallVec<[Coord; 1]>,
    pub more: Option<Box<DealMore>>,
    pub span: Span,
}

/// The statements of a deal that most deals do not write.
#[derive(Debug, Clone, Default)]
pub struct DealMore {
    pub grade: Fields<Name>,
    /// `opened DATE`: when the deal entered its funnel.
    pub opened: Fields<PeriodAtom>,
    pub funnel: Fields<Name>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
}

impl DealMore {
    pub fn is_empty(&self) -> bool {
        self.grade.is_empty()
            && self.opened.is_empty()
            && self.funnel.is_empty()
            && self.broken.is_empty()
    }
}

impl Deal {
    pub fn grade(&self) -> &[Field<Name>] {
        self.more.as_deref().map_or(&[], |m| &m.grade)
    }

    pub fn opened(&self) -> &[Field<PeriodAtom>] {
        self.more.as_deref().map_or(&[], |m| &m.opened)
    }

    pub fn funnel(&self) -> &[Field<Name>] {
        self.more.as_deref().map_or(&[], |m| &m.funnel)
    }

    /// Statements that did not parse.
    pub fn broken(&self) -> &[BrokenStatement] {
        self.more.as_deref().map_or(&[], |m| &m.broken)
    }
}

#[derive(Debug, Clone)]
pub struct Actuals {
    pub goal: Name,
    pub source: ActualsSource,
    /// Which column holds what, for a file read with a mapping (`from "f.csv" { … }`).
    pub mapping: Option<Box<Mapping>>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ActualsSource {
    Inline(Vec<ActualRow>),
    File(Str),
}

#[derive(Debug, Clone)]
pub struct ActualRow {
    pub period: PeriodExpr,
    pub coords: SmallVec<[NameRef; 1]>,
    pub amount: Num,
    pub span: Span,
}

/// `deals from "FILE" { mapping }`: deals read from an export.
#[derive(Debug, Clone)]
pub struct Deals {
    pub path: Str,
    pub mapping: Mapping,
    pub span: Span,
}

/// How the columns of an exported file map to what planck reads.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// The funnel whose stages the file's stages are.
    pub funnel: Fields<Name>,
    /// One strftime format for every date column.
    pub dates: Fields<Str>,
    pub missing: Vec<Field<Missing>>,
    pub filters: Vec<Filter>,
    /// `skip footer`: the rows after the data that hold at most a first cell are left out.
    pub skip_footer: Fields<()>,
    /// `FIELD COLUMN`: a deal statement, `period`, `rep`, or a dimension's name.
    pub fields: Vec<MapField>,
    /// Statements that did not parse.
    pub broken: Vec<BrokenStatement>,
    pub span: Span,
}

/// What an empty cell takes instead of being reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// `missing amount deal_size`: the funnel's deal size.
    AmountDealSize,
    /// `missing close cycle`: a close date estimated from the funnel's dwell times.
    CloseCycle,
}

/// `where COLUMN OP VALUE`: `where status = "Invoiced"`, `where Date >= 2026-01-01`.
#[derive(Debug, Clone)]
pub struct Filter {
    pub column: Str,
    pub op: FilterOp,
    pub op_span: Span,
    pub value: FilterValue,
    pub span: Span,
}

/// How a filter compares a cell with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl FilterOp {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Equal => "=",
            FilterOp::NotEqual => "!=",
            FilterOp::Less => "<",
            FilterOp::LessOrEqual => "<=",
            FilterOp::Greater => ">",
            FilterOp::GreaterOrEqual => ">=",
        }
    }

    /// Whether a cell that compares as `ordering` with the value passes.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            FilterOp::Equal => ordering == Equal,
            FilterOp::NotEqual => ordering != Equal,
            FilterOp::Less => ordering == Less,
            FilterOp::LessOrEqual => ordering != Greater,
            FilterOp::Greater => ordering == Greater,
            FilterOp::GreaterOrEqual => ordering != Less,
        }
    }
}

/// What a filter compares a cell with: text, a date, or an amount.
#[derive(Debug, Clone)]
pub enum FilterValue {
    Text(Str),
    Date(PeriodAtom),
    Amount(Num),
}

/// `FIELD COLUMN`, the column bare or quoted.
#[derive(Debug, Clone)]
pub struct MapField {
    pub field: Name,
    pub column: Str,
    pub span: Span,
}
