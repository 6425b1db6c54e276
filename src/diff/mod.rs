//! The semantic diff of two compiled plans: what a review must see, not how the text moved.
//!
//! Items are matched by name (a member by its dimension and name, a stage by its funnel
//! and name), never by position, so moving an item, reformatting or editing comments
//! changes nothing. Each item is reduced to named fields rendered as users write them
//! (with the exact number behind each amount or percentage); two sides differ where a
//! field does. A goal also compares its allocated cells, matched by their coordinates'
//! names, and rolls the change up per member of each dimension. Diagnostics are matched
//! by code, message and the item they lie in, not by line.
//!
//! Pure: the caller compiles both sides (with every cell) and renders the result
//! ([`render`]); nothing here reads files or prints.

pub mod render;

use crate::Compilation;
use crate::alloc::GoalAllocation;
use crate::diagnostic::Severity;
use crate::fmt_num;
use crate::model::{AttrValue, Coord, Goal, MemberRef, Model, Owner, Share, Split, SplitKind};
use crate::period::TimeDim;
use crate::pipeline;
use crate::source::FileId;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BinaryHeap, HashMap};

/// The JSON Schema of [`Diff`]'s JSON form (`planck diff --format json`).
pub const SCHEMA: &str = include_str!("diff.schema.json");

/// How many of the largest cell changes a goal lists.
pub const LARGEST_CELLS: usize = 10;

/// One side of a diff: a compiled plan, or nothing (a plan that did not exist).
pub struct Side<'a> {
    /// The path shown for this side.
    pub path: String,
    pub compilation: Option<&'a Compilation>,
}

/// The whole diff; its JSON form is `planck diff --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub version: u32,
    pub old: SideSummary,
    pub new: SideSummary,
    /// Items added, removed or changed: plan, strategies, dimensions, members, teams,
    /// reps, funnels, stages, grades, goals, deals, in that order.
    pub changes: Vec<Change>,
    pub diagnostics: DiagnosticChanges,
}

#[derive(Debug, Clone, Serialize)]
pub struct SideSummary {
    pub path: String,
    /// False when the plan did not exist on this side (everything is added or removed).
    pub exists: bool,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Plan,
    Strategy,
    Dimension,
    Member,
    Team,
    Rep,
    Funnel,
    Stage,
    Grade,
    Goal,
    Deal,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plan => "plan",
            Kind::Strategy => "strategy",
            Kind::Dimension => "dimension",
            Kind::Member => "member",
            Kind::Team => "team",
            Kind::Rep => "rep",
            Kind::Funnel => "funnel",
            Kind::Stage => "stage",
            Kind::Grade => "grade",
            Kind::Goal => "goal",
            Kind::Deal => "deal",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One item that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: Kind,
    /// The item's name; a member is `DIMENSION MEMBER`, a stage `FUNNEL STAGE`.
    pub name: String,
    pub change: ChangeKind,
    /// For a changed item the fields that differ; for an added or removed one, all of
    /// its fields (on the side where it exists).
    pub fields: Vec<FieldChange>,
    /// For a goal allocated on both sides (or on one side only), how its cells moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cells: Option<CellChanges>,
}

/// One field of an item, on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// `target`, `capacity`, `share region=east`, `win rate` …
    pub field: String,
    /// The value as written or derived, `null` where the side has none.
    pub old: Option<String>,
    pub new: Option<String>,
    /// The unit of `delta`: a currency or count unit, `%` (percentage points), `days`,
    /// or empty for a plain number.
    pub unit: String,
    /// New minus old, where both are numbers in the same unit.
    pub delta: Option<String>,
    /// The change relative to the old value, in percent (two decimals), where the old
    /// value is a non-zero number.
    pub percent: Option<String>,
    /// Computed by planck (win rate, entries needed …) rather than written.
    pub derived: bool,
}

/// How a goal's allocated cells moved.
#[derive(Debug, Clone, Serialize)]
pub struct CellChanges {
    /// False when one side was not allocated (it has errors there): then only `note`
    /// says why, and the counts are zero.
    pub compared: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub old_cells: usize,
    pub new_cells: usize,
    /// Cells on both sides whose value differs.
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub old_total: String,
    pub new_total: String,
    pub delta: String,
    pub percent: Option<String>,
    /// Per dimension split on the way to the cells, the members whose cells moved.
    pub by_dimension: Vec<DimensionRollup>,
    /// The largest changes of single cells, largest first (at most ten).
    pub largest: Vec<CellChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionRollup {
    pub dimension: String,
    /// Members whose cells changed, the largest absolute change first.
    pub members: Vec<MemberRollup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberRollup {
    pub member: String,
    /// Cells of this member that changed, were added or were removed.
    pub cells: usize,
    /// The sum of the member's cells on each side.
    pub old: String,
    pub new: String,
    pub delta: String,
    pub percent: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellChange {
    pub coords: Vec<CoordName>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub delta: String,
    pub percent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CoordName {
    pub dimension: String,
    pub member: String,
}

/// Diagnostics present on one side only.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiagnosticChanges {
    pub appeared: Vec<DiagnosticRef>,
    pub disappeared: Vec<DiagnosticRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticRef {
    pub code: String,
    pub severity: String,
    pub message: String,
    /// The item the diagnostic lies in (`goal revenue`), or the file when none.
    pub item: String,
    /// Where it is on the side that has it.
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Diff {
    /// Whether the two plans mean the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.diagnostics.appeared.is_empty()
            && self.diagnostics.disappeared.is_empty()
            && self.old.exists == self.new.exists
    }
}

/// The semantic diff of `old` and `new`. Both should be compiled with
/// [`crate::alloc::Detail::Cells`]; a goal without cells on a side is compared by its
/// fields only.
pub fn diff(old: &Side<'_>, new: &Side<'_>) -> Diff {
    let empty = Compilation {
        sources: crate::source::Sources::new(),
        files: Vec::new(),
        model: Model::default(),
        allocation: crate::alloc::Allocation::default(),
        progress: crate::progress::Progress::default(),
        diagnostics: Vec::new(),
    };
    let old_c = old.compilation.unwrap_or(&empty);
    let new_c = new.compilation.unwrap_or(&empty);
    let mut changes = Vec::new();
    for kind in [
        Kind::Plan,
        Kind::Strategy,
        Kind::Dimension,
        Kind::Member,
        Kind::Team,
        Kind::Rep,
        Kind::Funnel,
        Kind::Stage,
        Kind::Grade,
        Kind::Goal,
        Kind::Deal,
    ] {
        let old_items = if old.compilation.is_some() {
            items(old_c, kind)
        } else {
            Vec::new()
        };
        let new_items = if new.compilation.is_some() {
            items(new_c, kind)
        } else {
            Vec::new()
        };
        compare(kind, old_items, new_items, old_c, new_c, &mut changes);
    }
    Diff {
        version: 1,
        old: summary(old, old_c),
        new: summary(new, new_c),
        changes,
        diagnostics: diagnostics(old_c, new_c),
    }
}

fn summary(side: &Side<'_>, c: &Compilation) -> SideSummary {
    let (errors, warnings) = crate::diagnostic::summary(&c.diagnostics);
    SideSummary {
        path: side.path.clone(),
        exists: side.compilation.is_some(),
        errors,
        warnings,
    }
}

/// A field's value: as shown, and the number behind it with its unit.
#[derive(Debug, Clone, PartialEq)]
struct Value {
    text: String,
    number: Option<(Decimal, String)>,
}

impl Value {
    fn text(text: impl Into<String>) -> Value {
        Value {
            text: text.into(),
            number: None,
        }
    }

    fn amount(value: Decimal, unit: &str) -> Value {
        Value {
            text: format!("{} {unit}", fmt_num::amount(value)),
            number: Some((value, unit.to_string())),
        }
    }

    fn number(value: Decimal, unit: &str) -> Value {
        let text = if unit.is_empty() {
            fmt_num::amount(value)
        } else {
            format!("{} {unit}", fmt_num::amount(value))
        };
        Value {
            text,
            number: Some((value, unit.to_string())),
        }
    }

    /// A fraction shown as a percentage; its number is in percentage points.
    fn fraction(fraction: Decimal) -> Value {
        Value {
            text: fmt_num::percent(fraction),
            number: fraction
                .checked_mul(Decimal::ONE_HUNDRED)
                .map(|p| (p.normalize(), "%".to_string())),
        }
    }
}

struct Field {
    name: String,
    value: Value,
    derived: bool,
}

struct Item {
    name: String,
    fields: Vec<Field>,
    /// For a goal: its index in the model, to compare cells.
    goal: Option<usize>,
}

#[derive(Default)]
struct Fields(Vec<Field>);

impl Fields {
    fn add(&mut self, name: impl Into<String>, value: Value) {
        self.0.push(Field {
            name: name.into(),
            value,
            derived: false,
        });
    }

    fn opt(&mut self, name: &str, value: Option<Value>) {
        if let Some(v) = value {
            self.add(name, v);
        }
    }

    fn text(&mut self, name: &str, text: Option<&str>) {
        self.opt(name, text.map(Value::text));
    }

    fn derived(&mut self, name: impl Into<String>, value: Option<Value>) {
        if let Some(value) = value {
            self.0.push(Field {
                name: name.into(),
                value,
                derived: true,
            });
        }
    }
}

fn item(name: String, fields: Fields) -> Item {
    Item {
        name,
        fields: fields.0,
        goal: None,
    }
}

/// The name of a member of any dimension, with its dimension's name.
fn member_name(model: &Model, member: MemberRef) -> (String, String) {
    match member {
        MemberRef::User(d, m) => {
            let dim = model.dimension(d);
            (
                dim.map_or_else(String::new, |d| d.name.clone()),
                dim.and_then(|d| d.members.get(m.index()))
                    .map_or_else(String::new, |m| m.name.clone()),
            )
        }
        MemberRef::Rep(r) => (
            "rep".to_string(),
            model.rep(r).map_or_else(String::new, |r| r.name.clone()),
        ),
        MemberRef::Time(t, i) => (
            t.name().to_string(),
            model
                .slices(t)
                .get(i as usize)
                .map_or_else(String::new, |s| s.name.clone()),
        ),
    }
}

fn coords_text(model: &Model, coords: &[Coord]) -> Option<String> {
    if coords.is_empty() {
        return None;
    }
    Some(
        coords
            .iter()
            .map(|c| {
                let (d, m) = member_name(model, MemberRef::User(c.dim, c.member));
                format!("{d} {m}")
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn attr_value(value: &AttrValue) -> Value {
    match value {
        AttrValue::Money(a) => Value::amount(a.value, &a.unit),
        AttrValue::Number(n) => Value::number(*n, ""),
        AttrValue::Percent(p) => Value::fraction(*p),
        AttrValue::Text(t) => Value::text(format!("\"{t}\"")),
        AttrValue::Name(n) => Value::text(n.clone()),
        AttrValue::Invalid => Value::text("(invalid)"),
    }
}

fn items(c: &Compilation, kind: Kind) -> Vec<Item> {
    let model = &c.model;
    match kind {
        Kind::Plan => {
            let p = &model.plan;
            let mut f = Fields::default();
            f.text("name", p.name.as_deref());
            f.opt("period", p.period.map(|p| Value::text(p.to_string())));
            f.text("currency", p.currency.as_deref());
            f.opt("as_of", p.as_of.map(|d| Value::text(d.to_string())));
            vec![item("plan".to_string(), f)]
        }
        Kind::Strategy => model
            .strategies
            .iter()
            .map(|s| {
                let mut f = Fields::default();
                f.text("label", s.label.as_deref());
                item(s.name.clone(), f)
            })
            .collect(),
        Kind::Dimension => model
            .dimensions
            .iter()
            .map(|d| {
                let mut f = Fields::default();
                f.text("label", d.label.as_deref());
                item(d.name.clone(), f)
            })
            .collect(),
        Kind::Member => model
            .dimensions
            .iter()
            .flat_map(|d| {
                d.members.iter().map(move |m| {
                    let mut f = Fields::default();
                    f.text("label", m.label.as_deref());
                    for a in &m.attrs {
                        f.add(a.name.clone(), attr_value(&a.value));
                    }
                    item(format!("{} {}", d.name, m.name), f)
                })
            })
            .collect(),
        Kind::Team => model
            .teams
            .iter()
            .map(|t| {
                let mut f = Fields::default();
                f.text("label", t.label.as_deref());
                f.text("lead", t.lead.as_deref());
                f.opt(
                    "coordinates",
                    coords_text(model, &t.coords).map(Value::text),
                );
                item(t.name.clone(), f)
            })
            .collect(),
        Kind::Rep => model
            .reps
            .iter()
            .map(|r| {
                let mut f = Fields::default();
                f.text("label", r.label.as_deref());
                f.text(
                    "team",
                    model.teams.get(r.team.index()).map(|t| t.name.as_str()),
                );
                f.opt(
                    "capacity",
                    r.capacity.as_ref().map(|a| Value::amount(a.value, &a.unit)),
                );
                f.opt("start", r.start.map(|d| Value::text(d.to_string())));
                if !r.ramp.is_empty() {
                    let ramp: Vec<String> = r.ramp.iter().map(|s| fmt_num::percent(*s)).collect();
                    f.add("ramp", Value::text(ramp.join(" ")));
                }
                f.opt(
                    "coordinates",
                    coords_text(model, &r.coords).map(Value::text),
                );
                item(r.name.clone(), f)
            })
            .collect(),
        Kind::Funnel => model
            .funnels
            .iter()
            .enumerate()
            .map(|(i, funnel)| {
                let mut f = Fields::default();
                f.text("label", funnel.label.as_deref());
                f.opt(
                    "deal_size",
                    funnel
                        .deal_size
                        .as_ref()
                        .map(|a| Value::amount(a.value, &a.unit)),
                );
                f.opt(
                    "inflow",
                    funnel.inflow.as_ref().map(|(n, per)| Value {
                        text: format!("{} per {per}", fmt_num::amount(*n)),
                        number: Some((*n, format!("per {per}"))),
                    }),
                );
                let stages: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
                f.add("stages", Value::text(stages.join(" → ")));
                let stats = c.progress.funnels.get(i).and_then(Option::as_ref);
                f.derived("win rate", stats.map(|s| Value::fraction(s.win_rate)));
                f.derived(
                    "cycle",
                    stats
                        .and_then(|s| s.cycle_days)
                        .map(|d| Value::number(d, "days")),
                );
                item(funnel.name.clone(), f)
            })
            .collect(),
        Kind::Stage => model
            .funnels
            .iter()
            .flat_map(|funnel| {
                funnel.stages.iter().map(move |s| {
                    let mut f = Fields::default();
                    f.text("label", s.label.as_deref());
                    f.text("buyer", s.buyer.as_deref());
                    f.opt("convert", s.convert.map(Value::fraction));
                    f.opt("dwell", s.dwell_days.map(|d| Value::number(d, "days")));
                    f.text("milestone", s.milestone.as_deref());
                    if !s.actions.is_empty() {
                        f.add("actions", Value::text(s.actions.join(", ")));
                    }
                    if !s.tools.is_empty() {
                        f.add("tools", Value::text(s.tools.join(", ")));
                    }
                    item(format!("{} {}", funnel.name, s.name), f)
                })
            })
            .collect(),
        Kind::Grade => model
            .grades
            .iter()
            .map(|g| {
                let mut f = Fields::default();
                f.text("label", g.label.as_deref());
                f.opt("probability", g.probability.map(Value::fraction));
                item(g.name.clone(), f)
            })
            .collect(),
        Kind::Deal => model
            .deals
            .iter()
            .map(|d| {
                let mut f = Fields::default();
                f.text("label", d.label);
                f.text(
                    "owner",
                    d.owner.and_then(|r| model.rep(r)).map(|r| r.name.as_str()),
                );
                let funnel = d.funnel.and_then(|i| model.funnels.get(i.index()));
                f.text("funnel", funnel.map(|f| f.name.as_str()));
                f.text(
                    "stage",
                    funnel.zip(d.stage).and_then(|(f, s)| f.stage_name(s)),
                );
                f.text(
                    "grade",
                    d.grade
                        .and_then(|g| model.grades.get(g.index()))
                        .map(|g| g.name.as_str()),
                );
                f.opt(
                    "amount",
                    d.amount.as_ref().map(|a| Value::amount(a.value, a.unit)),
                );
                f.opt("close", d.close.map(|c| Value::text(c.to_string())));
                f.opt("coordinates", coords_text(model, d.coords).map(Value::text));
                let probability = pipeline::probability(model, &d, &c.progress.funnels);
                f.derived("probability", probability.map(Value::fraction));
                f.derived(
                    "weighted",
                    probability
                        .zip(d.amount.as_ref())
                        .and_then(|(p, a)| Some(Value::amount(a.value.checked_mul(p)?, a.unit))),
                );
                item(d.name.to_string(), f)
            })
            .collect(),
        Kind::Goal => model
            .goals
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut it = item(g.name.clone(), goal_fields(c, g, i));
                it.goal = Some(i);
                it
            })
            .collect(),
    }
}

fn goal_fields(c: &Compilation, g: &Goal, index: usize) -> Fields {
    let model = &c.model;
    let mut f = Fields::default();
    f.text("label", g.label.as_deref());
    f.opt(
        "owner",
        g.owner.as_ref().map(|o| match o {
            Owner::Text(t) => Value::text(format!("\"{t}\"")),
            Owner::Rep(r) => Value::text(model.rep(*r).map_or("", |r| r.name.as_str())),
            Owner::Team(t) => {
                Value::text(model.teams.get(t.index()).map_or("", |t| t.name.as_str()))
            }
        }),
    );
    f.opt(
        "target",
        g.target.as_ref().map(|a| Value::amount(a.value, &a.unit)),
    );
    f.opt(
        "baseline",
        g.baseline.as_ref().map(|(a, p)| Value {
            text: format!("{} {} in {p}", fmt_num::amount(a.value), a.unit),
            number: Some((a.value, a.unit.to_string())),
        }),
    );
    f.opt("period", g.period.map(|p| Value::text(p.to_string())));
    let names = |ids: Vec<&str>| (!ids.is_empty()).then(|| Value::text(ids.join(", ")));
    f.opt(
        "supports",
        names(
            g.supports
                .iter()
                .filter_map(|s| model.strategies.get(s.index()))
                .map(|s| s.name.as_str())
                .collect(),
        ),
    );
    f.text(
        "parent",
        g.parent
            .and_then(|p| model.goal(p))
            .map(|p| p.name.as_str()),
    );
    let funnel = g
        .funnel
        .and_then(|i| model.funnels.get(i.index()).map(|f| (i, f)));
    f.text("funnel", funnel.map(|(_, f)| f.name.as_str()));
    f.opt(
        "allow",
        names(g.allows.iter().map(|c| c.as_str()).collect()),
    );
    split_fields(model, &g.splits, "", &mut f);
    // What the funnel implies for this goal's target and period.
    if let (Some((id, funnel)), Some(target), Some(period)) = (funnel, &g.target, g.period)
        && let Some(stats) = c.progress.funnels.get(id.index()).and_then(Option::as_ref)
    {
        let unit = if model::is_currency(&target.unit) {
            "deals"
        } else {
            target.unit.as_str()
        };
        f.derived(
            "entries needed",
            pipeline::entries_needed(funnel, stats, target.value, &target.unit)
                .ok()
                .flatten()
                .map(|n| Value::number(n.round_dp(2).normalize(), unit)),
        );
        f.derived(
            "funnel capacity",
            pipeline::capacity(funnel, stats, &period, &target.unit)
                .ok()
                .flatten()
                .map(|n| Value::number(n.round_dp(2).normalize(), &target.unit)),
        );
    }
    let actual = model
        .actuals
        .iter()
        .filter(|a| a.goal.index() == index)
        .flat_map(|a| a.rows.iter())
        .try_fold((Decimal::ZERO, 0usize), |(sum, n), row| {
            Some((sum.checked_add(row.amount)?, n + 1))
        });
    if let Some((sum, n)) = actual
        && n > 0
    {
        let unit = g.target.as_ref().map_or("", |t| t.unit.as_str());
        f.add("actual", Value::number(sum, unit));
        f.add("actual rows", Value::number(Decimal::from(n), ""));
        // Where the actuals lie: summed per period and per member of each dimension the
        // rows name, so a row moved to another member or period shows though the total
        // stays (bounded by the members, however many rows a data file has).
        let mut by: std::collections::BTreeMap<String, Decimal> = Default::default();
        let mut overflow = false;
        for row in model
            .actuals
            .iter()
            .filter(|a| a.goal.index() == index)
            .flat_map(|a| a.rows.iter())
        {
            let keys = std::iter::once(format!("actual in {}", row.period)).chain(
                row.coords.iter().map(|&m| {
                    let (dim, member) = member_name(model, m);
                    format!("actual {dim}={member}")
                }),
            );
            for key in keys {
                let sum = by.entry(key).or_insert(Decimal::ZERO);
                match sum.checked_add(row.amount) {
                    Some(total) => *sum = total,
                    None => overflow = true,
                }
            }
        }
        if !overflow {
            for (key, sum) in by {
                f.add(key, Value::number(sum, unit));
            }
        }
    }
    f
}

use crate::model;

/// Each split as fields: `share DIM=MEMBER` for every entry (nested ones prefixed by the
/// members enclosing them), `split DIM` for an `even` or `by` split (and the splits of its
/// member blocks, prefixed by the member or `each`).
fn split_fields(model: &Model, splits: &[Split], prefix: &str, f: &mut Fields) {
    for split in splits {
        let dim = match split.dim {
            model::DimRef::User(d) => model.dimension(d).map_or("", |d| d.name.as_str()),
            model::DimRef::Rep => "rep",
            model::DimRef::Time(t) => t.name(),
        };
        match &split.kind {
            SplitKind::Even => f.add(format!("split {prefix}{dim}"), Value::text("even")),
            SplitKind::By { attr, .. } => f.add(
                format!("split {prefix}{dim}"),
                Value::text(format!("by {attr}")),
            ),
            SplitKind::Entries { entries, .. } => {
                for e in entries {
                    let (_, member) = member_name(model, e.member);
                    let here = format!("{prefix}{dim}={member}");
                    let value = match e.share {
                        Share::Percent(p) => Value::fraction(p),
                        Share::Amount(a) => Value::number(a, ""),
                        Share::Rest => Value::text("rest"),
                        Share::Invalid => Value::text("(invalid)"),
                    };
                    f.add(format!("share {here}"), value);
                    split_fields(model, &e.nested, &format!("{here} "), f);
                }
            }
        }
        for block in &split.blocks {
            let member = block
                .member
                .map_or_else(|| "each".to_string(), |m| member_name(model, m).1);
            split_fields(model, &block.splits, &format!("{prefix}{dim}={member} "), f);
        }
    }
}

/// `(new - old, percent change)` as strings, where both are numbers in one unit.
fn change(old: Decimal, new: Decimal) -> (Option<String>, Option<String>) {
    let Some(delta) = new.checked_sub(old) else {
        return (None, None);
    };
    (
        Some(delta.normalize().to_string()),
        percent_change(old, delta),
    )
}

fn percent_change(old: Decimal, delta: Decimal) -> Option<String> {
    if old.is_zero() {
        return None;
    }
    let p = delta
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(old.abs())?;
    // Two decimals, or two significant digits for a change smaller than 0.005 %: a small
    // decrease must not read as `+0%`.
    let rounded = match p.round_dp(2) {
        r if r.is_zero() && !p.is_zero() => p.round_sf(2).unwrap_or(p),
        r => r,
    };
    Some(rounded.normalize().to_string())
}

fn compare_fields(old: &[Field], new: &[Field]) -> Vec<FieldChange> {
    let old_by_name: HashMap<&str, &Field> = old.iter().map(|f| (f.name.as_str(), f)).collect();
    let new_by_name: HashMap<&str, &Field> = new.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut out = Vec::new();
    let mut push = |o: Option<&Field>, n: Option<&Field>| {
        let (ov, nv) = (o.map(|f| &f.value), n.map(|f| &f.value));
        if ov == nv {
            return;
        }
        let Some(any) = n.or(o) else { return };
        let (mut unit, mut delta, mut percent) = (String::new(), None, None);
        if let (Some((a, ua)), Some((b, ub))) = (
            ov.and_then(|v| v.number.as_ref()),
            nv.and_then(|v| v.number.as_ref()),
        ) && ua == ub
        {
            unit = ua.clone();
            (delta, percent) = change(*a, *b);
        } else if let Some((_, u)) = nv.or(ov).and_then(|v| v.number.as_ref()) {
            unit = u.clone();
        }
        out.push(FieldChange {
            field: any.name.clone(),
            old: ov.map(|v| v.text.clone()),
            new: nv.map(|v| v.text.clone()),
            unit,
            delta,
            percent,
            derived: any.derived,
        });
    };
    for n in new {
        push(old_by_name.get(n.name.as_str()).copied(), Some(n));
    }
    for o in old {
        if !new_by_name.contains_key(o.name.as_str()) {
            push(Some(o), None);
        }
    }
    out
}

fn compare(
    kind: Kind,
    old: Vec<Item>,
    new: Vec<Item>,
    old_c: &Compilation,
    new_c: &Compilation,
    out: &mut Vec<Change>,
) {
    let old_by_name: HashMap<&str, &Item> = old.iter().map(|i| (i.name.as_str(), i)).collect();
    let new_names: std::collections::HashSet<&str> = new.iter().map(|i| i.name.as_str()).collect();
    for n in &new {
        match old_by_name.get(n.name.as_str()) {
            None => out.push(Change {
                kind,
                name: n.name.clone(),
                change: ChangeKind::Added,
                fields: compare_fields(&[], &n.fields),
                cells: None,
            }),
            Some(o) => {
                let fields = compare_fields(&o.fields, &n.fields);
                let cells = match (o.goal, n.goal) {
                    (Some(a), Some(b)) => goal_cells(old_c, a, new_c, b),
                    _ => None,
                };
                if !fields.is_empty() || cells.is_some() {
                    out.push(Change {
                        kind,
                        name: n.name.clone(),
                        change: ChangeKind::Changed,
                        fields,
                        cells,
                    });
                }
            }
        }
    }
    for o in &old {
        if !new_names.contains(o.name.as_str()) {
            out.push(Change {
                kind,
                name: o.name.clone(),
                change: ChangeKind::Removed,
                fields: compare_fields(&o.fields, &[]),
                cells: None,
            });
        }
    }
}

/// Names of members, interned across both sides: a cell's coordinates become a list of
/// small numbers that mean the same member on either side.
#[derive(Default)]
struct Interner {
    ids: HashMap<(String, String), u32>,
    names: Vec<(String, String)>,
}

impl Interner {
    fn id(&mut self, dim: &str, member: &str) -> u32 {
        if let Some(&id) = self.ids.get(&(dim.to_string(), member.to_string())) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert((dim.to_string(), member.to_string()), id);
        self.names.push((dim.to_string(), member.to_string()));
        id
    }
}

/// Every member of one side's model, by kind and index, as interned names.
struct MemberIds {
    user: Vec<Vec<u32>>,
    reps: Vec<u32>,
    time: Vec<Vec<u32>>,
}

impl MemberIds {
    fn new(model: &Model, interner: &mut Interner) -> MemberIds {
        MemberIds {
            user: model
                .dimensions
                .iter()
                .map(|d| {
                    d.members
                        .iter()
                        .map(|m| interner.id(&d.name, &m.name))
                        .collect()
                })
                .collect(),
            reps: model
                .reps
                .iter()
                .map(|r| interner.id("rep", &r.name))
                .collect(),
            time: [
                TimeDim::Half,
                TimeDim::Quarter,
                TimeDim::Month,
                TimeDim::Week,
            ]
            .iter()
            .map(|t| {
                model
                    .slices(*t)
                    .iter()
                    .map(|s| interner.id(t.name(), &s.name))
                    .collect()
            })
            .collect(),
        }
    }

    fn get(&self, m: MemberRef) -> u32 {
        let found = match m {
            MemberRef::User(d, m) => self.user.get(d.index()).and_then(|d| d.get(m.index())),
            MemberRef::Rep(r) => self.reps.get(r.index()),
            MemberRef::Time(t, i) => self.time.get(t as usize).and_then(|s| s.get(i as usize)),
        };
        found.copied().unwrap_or(u32::MAX)
    }
}

/// One side's cells, their coordinates read as interned names on the fly.
struct Cells<'a> {
    alloc: &'a GoalAllocation,
    ids: &'a MemberIds,
}

impl Cells<'_> {
    fn len(&self) -> usize {
        self.alloc.cells.len()
    }

    fn value(&self, i: usize) -> Decimal {
        self.alloc.cells.get(i).map_or(Decimal::ZERO, |c| c.value)
    }

    /// The interned names of cell `i`'s coordinates.
    fn key(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        let coords = self
            .alloc
            .cells
            .get(i)
            .map_or(crate::alloc::Coords::EMPTY, |c| self.alloc.coords(c));
        coords.iter().map(|m| self.ids.get(*m))
    }

    /// Every cell's key, one after another, and where each starts (one more entry than
    /// cells): only needed when the two sides' cells are not in step.
    fn keys(&self) -> (Vec<u32>, Vec<usize>) {
        let mut keys = Vec::with_capacity(self.alloc.coords.len());
        let mut starts = Vec::with_capacity(self.len() + 1);
        for i in 0..self.len() {
            starts.push(keys.len());
            keys.extend(self.key(i));
        }
        starts.push(keys.len());
        (keys, starts)
    }
}

fn key_at(keys: &(Vec<u32>, Vec<usize>), i: usize) -> &[u32] {
    match (keys.1.get(i), keys.1.get(i + 1)) {
        (Some(&a), Some(&b)) => keys.0.get(a..b).unwrap_or(&[]),
        _ => &[],
    }
}

/// A cell that changed, ordered by the size of its change, for the largest few.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Moved {
    /// Reversed, so that the heap's top is the smallest change kept.
    size: std::cmp::Reverse<Decimal>,
    order: usize,
    old: Option<usize>,
    new: Option<usize>,
}

/// Sums of many cell values. Cells are multiples of a rounding unit, so their sums are
/// kept as integers at one scale, far cheaper than decimal additions; a value at a
/// finer scale or a sum beyond 128 bits switches to exact decimals for good.
#[derive(Clone, Copy)]
enum Sum {
    Scaled(i128),
    Exact(Option<Decimal>),
}

/// `value` as an integer count of `10^-scale`, when that fits.
fn scaled(value: Decimal, scale: u32, powers: &[i128]) -> Option<i128> {
    if value.scale() == scale {
        return Some(value.mantissa());
    }
    let up = powers.get(scale.checked_sub(value.scale())? as usize)?;
    value.mantissa().checked_mul(*up)
}

impl Sum {
    /// Add `value`, given as well as [`scaled`] to the sum's scale.
    fn add(&mut self, value: Decimal, scaled_value: Option<i128>, scale: u32) {
        if let Sum::Scaled(sum) = *self {
            match scaled_value.and_then(|m| sum.checked_add(m)) {
                Some(next) => {
                    *self = Sum::Scaled(next);
                    return;
                }
                None => *self = Sum::Exact(Decimal::try_from_i128_with_scale(sum, scale).ok()),
            }
        }
        if let Sum::Exact(total) = self {
            *total = total.and_then(|t| t.checked_add(value));
        }
    }

    /// The sum, `None` beyond the largest decimal.
    fn total(self, scale: u32) -> Option<Decimal> {
        match self {
            Sum::Scaled(sum) => Decimal::try_from_i128_with_scale(sum, scale).ok(),
            Sum::Exact(total) => total,
        }
    }
}

#[derive(Clone, Copy)]
struct Tally {
    old: Sum,
    new: Sum,
    cells: usize,
}

/// Add every cell of one side to the goal's total, which is returned, and to the sum on
/// that side of each member that moved.
fn add_side(
    cells: &Cells<'_>,
    scale: u32,
    powers: &[i128],
    touched: &[bool],
    tallies: &mut [Tally],
    side: fn(&mut Tally) -> &mut Sum,
) -> Sum {
    let mut total = Sum::Scaled(0);
    for i in 0..cells.len() {
        let value = cells.value(i);
        let scaled_value = scaled(value, scale, powers);
        total.add(value, scaled_value, scale);
        for id in cells.key(i) {
            if touched.get(id as usize).copied().unwrap_or(false)
                && let Some(t) = tallies.get_mut(id as usize)
            {
                side(t).add(value, scaled_value, scale);
            }
        }
    }
    total
}

/// Whether two cell values are equal; cells of one goal share a scale, so the usual
/// case compares two integers.
fn same(a: Decimal, b: Decimal) -> bool {
    if a.scale() == b.scale() {
        a.mantissa() == b.mantissa()
    } else {
        a == b
    }
}

/// A sum as JSON shows decimals. Sums of a goal's cells never exceed its target, which
/// allocation keeps below 10²⁸, so `None` (beyond a decimal) does not occur in practice;
/// it reads `0` rather than failing the whole diff.
fn plain(value: Option<Decimal>) -> String {
    value.map_or_else(|| "0".to_string(), |v| v.normalize().to_string())
}

fn goal_cells(
    old_c: &Compilation,
    old_goal: usize,
    new_c: &Compilation,
    new_goal: usize,
) -> Option<CellChanges> {
    let old_alloc = old_c
        .allocation
        .goals
        .get(old_goal)
        .and_then(Option::as_ref);
    let new_alloc = new_c
        .allocation
        .goals
        .get(new_goal)
        .and_then(Option::as_ref);
    let not_compared = |note: &str| CellChanges {
        compared: false,
        note: Some(note.to_string()),
        old_cells: 0,
        new_cells: 0,
        changed: 0,
        added: 0,
        removed: 0,
        old_total: "0".to_string(),
        new_total: "0".to_string(),
        delta: "0".to_string(),
        percent: None,
        by_dimension: Vec::new(),
        largest: Vec::new(),
    };
    let (old_alloc, new_alloc) = match (old_alloc, new_alloc) {
        (None, None) => return None,
        (Some(_), None) => {
            return Some(not_compared(
                "cells not compared: the goal is not allocated on the new side (it has errors)",
            ));
        }
        (None, Some(_)) => {
            return Some(not_compared(
                "cells not compared: the goal is not allocated on the old side (it has errors)",
            ));
        }
        (Some(a), Some(b)) => (a, b),
    };
    let mut interner = Interner::default();
    let old_ids = MemberIds::new(&old_c.model, &mut interner);
    let new_ids = MemberIds::new(&new_c.model, &mut interner);
    let old_cells = Cells {
        alloc: old_alloc,
        ids: &old_ids,
    };
    let new_cells = Cells {
        alloc: new_alloc,
        ids: &new_ids,
    };

    // Which members moved, and how many of their cells; the largest single moves.
    let empty = Tally {
        old: Sum::Scaled(0),
        new: Sum::Scaled(0),
        cells: 0,
    };
    let mut tallies = vec![empty; interner.names.len()];
    let mut touched = vec![false; interner.names.len()];
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    let mut largest: BinaryHeap<Moved> = BinaryHeap::new();
    let mut order = 0;
    // One cell that differs: in both sides with another value, or in one side only.
    let mut visit = |o: Option<usize>, n: Option<usize>| {
        order += 1;
        match (o, n) {
            (Some(_), Some(_)) => changed += 1,
            (None, Some(_)) => added += 1,
            _ => removed += 1,
        }
        let mut count = |id: u32| {
            if let Some(t) = touched.get_mut(id as usize) {
                *t = true;
            }
            if let Some(t) = tallies.get_mut(id as usize) {
                t.cells += 1;
            }
        };
        match (o, n) {
            (_, Some(j)) => new_cells.key(j).for_each(&mut count),
            (Some(i), None) => old_cells.key(i).for_each(&mut count),
            (None, None) => {}
        }
        let a = o.map_or(Decimal::ZERO, |i| old_cells.value(i));
        let b = n.map_or(Decimal::ZERO, |j| new_cells.value(j));
        let size = std::cmp::Reverse(b.checked_sub(a).unwrap_or(Decimal::MAX).abs());
        // Kept only when larger than the smallest of a full heap (the top, reversed).
        let full = largest.len() >= LARGEST_CELLS;
        if full && largest.peek().is_some_and(|top| size >= top.size) {
            return;
        }
        largest.push(Moved {
            size,
            order,
            old: o,
            new: n,
        });
        if largest.len() > LARGEST_CELLS {
            largest.pop();
        }
    };
    // Cells are matched by coordinates: in step when both sides have the same cells in
    // the same order (the usual case), else through a map.
    let in_step = old_cells.len() == new_cells.len()
        && (0..new_cells.len()).all(|i| old_cells.key(i).eq(new_cells.key(i)));
    if in_step {
        for i in 0..new_cells.len() {
            if !same(old_cells.value(i), new_cells.value(i)) {
                visit(Some(i), Some(i));
            }
        }
    } else {
        let old_keys = old_cells.keys();
        let new_keys = new_cells.keys();
        let old_index: HashMap<&[u32], usize> = (0..old_cells.len())
            .map(|i| (key_at(&old_keys, i), i))
            .collect();
        let mut matched = vec![false; old_cells.len()];
        for j in 0..new_cells.len() {
            match old_index.get(key_at(&new_keys, j)) {
                Some(&i) => {
                    if let Some(m) = matched.get_mut(i) {
                        *m = true;
                    }
                    if !same(old_cells.value(i), new_cells.value(j)) {
                        visit(Some(i), Some(j));
                    }
                }
                None => visit(None, Some(j)),
            }
        }
        for (i, m) in matched.iter().enumerate() {
            if !m {
                visit(Some(i), None);
            }
        }
    }
    if order == 0 {
        return None;
    }

    // The totals of the goal and of each member that moved, on each side.
    let scale = old_alloc
        .cells
        .iter()
        .chain(&new_alloc.cells)
        .map(|c| c.value.scale())
        .max()
        .unwrap_or(0);
    let powers: Vec<i128> = (0..=28u32).map(|k| 10i128.pow(k)).collect();
    let old_total = add_side(&old_cells, scale, &powers, &touched, &mut tallies, |t| {
        &mut t.old
    });
    let new_total = add_side(&new_cells, scale, &powers, &touched, &mut tallies, |t| {
        &mut t.new
    });

    // Dimensions in the order the model names them; members whose totals moved.
    let mut dims: Vec<(DimensionRollup, Vec<Decimal>)> = Vec::new();
    let mut dim_index: HashMap<&str, usize> = HashMap::new();
    for (id, (dim, member)) in interner.names.iter().enumerate() {
        let Some(t) = tallies.get(id) else { continue };
        if !touched.get(id).copied().unwrap_or(false) {
            continue;
        }
        let (old, new) = (t.old.total(scale), t.new.total(scale));
        let delta = old.zip(new).and_then(|(a, b)| b.checked_sub(a));
        // A member whose total did not move is left out: its cells only moved among
        // the members of another dimension, which shows them.
        if delta.is_some_and(|d| d.is_zero()) {
            continue;
        }
        let at = *dim_index.entry(dim.as_str()).or_insert_with(|| {
            dims.push((
                DimensionRollup {
                    dimension: dim.clone(),
                    members: Vec::new(),
                },
                Vec::new(),
            ));
            dims.len() - 1
        });
        if let Some((d, sizes)) = dims.get_mut(at) {
            d.members.push(MemberRollup {
                member: member.clone(),
                cells: t.cells,
                old: plain(old),
                new: plain(new),
                delta: plain(delta),
                percent: old.zip(delta).and_then(|(o, d)| percent_change(o, d)),
            });
            sizes.push(delta.map_or(Decimal::MAX, |d| d.abs()));
        }
    }
    let dims: Vec<DimensionRollup> = dims
        .into_iter()
        .map(|(mut d, sizes)| {
            // The largest moves first; ties keep the model's order.
            let mut order: Vec<usize> = (0..d.members.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(sizes.get(i).copied()));
            let mut members: Vec<Option<MemberRollup>> = d.members.into_iter().map(Some).collect();
            d.members = order
                .into_iter()
                .filter_map(|i| members.get_mut(i).and_then(Option::take))
                .collect();
            d
        })
        .collect();
    let coords_of = |keys: Vec<u32>| -> Vec<CoordName> {
        keys.into_iter()
            .filter_map(|id| interner.names.get(id as usize))
            .map(|(d, m)| CoordName {
                dimension: d.clone(),
                member: m.clone(),
            })
            .collect()
    };
    let largest: Vec<CellChange> = largest
        .into_sorted_vec()
        .into_iter()
        .map(|m| {
            let key: Vec<u32> = match (m.old, m.new) {
                (_, Some(j)) => new_cells.key(j).collect(),
                (Some(i), None) => old_cells.key(i).collect(),
                (None, None) => Vec::new(),
            };
            let a = m.old.map(|i| old_cells.value(i));
            let b = m.new.map(|j| new_cells.value(j));
            let delta = b
                .unwrap_or(Decimal::ZERO)
                .checked_sub(a.unwrap_or(Decimal::ZERO))
                .unwrap_or(Decimal::ZERO);
            CellChange {
                coords: coords_of(key),
                old: a.map(|v| v.normalize().to_string()),
                new: b.map(|v| v.normalize().to_string()),
                delta: delta.normalize().to_string(),
                percent: a.and_then(|a| percent_change(a, delta)),
            }
        })
        .collect();
    let (old_total, new_total) = (old_total.total(scale), new_total.total(scale));
    let delta = old_total.zip(new_total).and_then(|(a, b)| b.checked_sub(a));
    Some(CellChanges {
        compared: true,
        note: None,
        old_cells: old_cells.len(),
        new_cells: new_cells.len(),
        changed,
        added,
        removed,
        old_total: plain(old_total),
        new_total: plain(new_total),
        delta: plain(delta),
        percent: old_total.zip(delta).and_then(|(o, d)| percent_change(o, d)),
        by_dimension: dims,
        largest,
    })
}

/// The items of a model by span, to name the item a diagnostic lies in.
fn item_spans(model: &Model) -> Vec<(crate::source::Span, String)> {
    use crate::source::Span;
    let mut out = vec![(model.plan.span, "plan".to_string())];
    let mut add = |kind: &str, items: &mut dyn Iterator<Item = (Span, &str)>| {
        out.extend(items.map(|(span, name)| (span, format!("{kind} {name}"))));
    };
    add(
        "strategy",
        &mut model.strategies.iter().map(|s| (s.span, s.name.as_str())),
    );
    add(
        "dimension",
        &mut model.dimensions.iter().map(|d| (d.span, d.name.as_str())),
    );
    for d in &model.dimensions {
        let kind = format!("member {}", d.name);
        add(
            &kind,
            &mut d.members.iter().map(|m| (m.span, m.name.as_str())),
        );
    }
    add(
        "team",
        &mut model.teams.iter().map(|t| (t.span, t.name.as_str())),
    );
    add(
        "rep",
        &mut model.reps.iter().map(|r| (r.span, r.name.as_str())),
    );
    add(
        "funnel",
        &mut model.funnels.iter().map(|f| (f.span, f.name.as_str())),
    );
    for f in &model.funnels {
        let kind = format!("stage {}", f.name);
        add(
            &kind,
            &mut f.stages.iter().map(|s| (s.span, s.name.as_str())),
        );
    }
    add(
        "grade",
        &mut model.grades.iter().map(|g| (g.span, g.name.as_str())),
    );
    add(
        "goal",
        &mut model.goals.iter().map(|g| (g.span, g.name.as_str())),
    );
    add("deal", &mut model.deals.iter().map(|d| (d.span, d.name)));
    add(
        "actuals",
        &mut model
            .actuals
            .iter()
            .filter_map(|a| Some((a.span, model.goal(a.goal)?.name.as_str()))),
    );
    out
}

fn diagnostic_refs(c: &Compilation) -> Vec<Keyed> {
    let spans = item_spans(&c.model);
    // A diagnostic outside every item is keyed by its file as seen from the root plan's
    // folder, and the root plan as such: the two sides of a diff usually lie in different
    // places (two folders, or a copy git made of the old file).
    let root = c.sources.get(FileId(0)).map(|f| f.name.as_str());
    let root_dir = root.and_then(|r| std::path::Path::new(r).parent());
    let file_key = |name: &str| {
        if Some(name) == root {
            return "the root plan".to_string();
        }
        let relative = root_dir
            .and_then(|dir| std::path::Path::new(name).strip_prefix(dir).ok())
            .map_or_else(|| name.to_string(), |p| p.display().to_string());
        format!("file {relative}")
    };
    c.diagnostics
        .iter()
        .map(|d| {
            let file = c.sources.get(d.span.file);
            let item = spans
                .iter()
                .filter(|(s, _)| {
                    s.file == d.span.file && s.start() <= d.span.start() && d.span.end() <= s.end()
                })
                .min_by_key(|(s, _)| s.end() - s.start())
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| file_key(file.map_or("", |f| f.name.as_str())));
            let at = file.map(|f| f.line_col(d.span.start()));
            let r = DiagnosticRef {
                code: d.code.as_str().to_string(),
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                }
                .to_string(),
                message: d.message.clone(),
                item: item.clone(),
                file: file.map_or_else(String::new, |f| f.name.clone()),
                line: at.map_or(0, |a| a.line),
                column: at.map_or(0, |a| a.column),
            };
            ((r.code.clone(), r.message.clone(), item), r)
        })
        .collect()
}

/// Diagnostics on one side only, matched by code, message and item as a multiset: a
/// diagnostic reported twice before and once after has disappeared once.
fn diagnostics(old: &Compilation, new: &Compilation) -> DiagnosticChanges {
    let old_refs = diagnostic_refs(old);
    let new_refs = diagnostic_refs(new);
    DiagnosticChanges {
        appeared: only_in(&new_refs, &old_refs),
        disappeared: only_in(&old_refs, &new_refs),
    }
}

type Keyed = ((String, String, String), DiagnosticRef);

/// The diagnostics of `these` left once each of `others` has cancelled one with its key.
fn only_in(these: &[Keyed], others: &[Keyed]) -> Vec<DiagnosticRef> {
    let mut count: HashMap<&(String, String, String), usize> = HashMap::new();
    for (k, _) in others {
        *count.entry(k).or_default() += 1;
    }
    let mut out = Vec::new();
    for (k, r) in these {
        match count.get_mut(k) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(r.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_decrease_keeps_its_sign() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            percent_change(d("2400000.08"), d("-0.14")).as_deref(),
            Some("-0.0000058")
        );
        assert_eq!(percent_change(d("200"), d("-3")).as_deref(), Some("-1.5"));
        assert_eq!(percent_change(d("3"), d("1")).as_deref(), Some("33.33"));
        assert_eq!(percent_change(d("0"), d("1")), None);
    }

    fn powers() -> Vec<i128> {
        (0..=28u32).map(|k| 10i128.pow(k)).collect()
    }

    #[test]
    fn sums_stay_exact_at_one_scale_and_beyond_it() {
        let p = powers();
        let mut sum = Sum::Scaled(0);
        for v in [
            Decimal::new(125, 2),
            Decimal::new(3, 0),
            Decimal::new(-5, 1),
        ] {
            sum.add(v, scaled(v, 2, &p), 2);
        }
        assert_eq!(sum.total(2), Some(Decimal::new(375, 2)));
        // A value that does not fit 128 bits at the sum's scale switches to decimals.
        let mut sum = Sum::Scaled(0);
        sum.add(Decimal::ONE, scaled(Decimal::ONE, 10, &p), 10);
        assert_eq!(scaled(Decimal::MAX, 10, &p), None);
        sum.add(Decimal::MAX, None, 10);
        assert!(
            matches!(sum, Sum::Exact(None)),
            "beyond a decimal is no number"
        );
        assert_eq!(sum.total(10), None);
        let mut sum = Sum::Scaled(0);
        sum.add(Decimal::MAX, None, 10);
        assert_eq!(sum.total(10), Some(Decimal::MAX));
    }
}
