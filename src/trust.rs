//! Which goals can be allocated when the plan has errors.
//!
//! A goal's numbers can be trusted when no error lies inside it or in anything they depend
//! on: the plan block (period, currency), the dimensions it splits by, the teams and reps
//! (when it splits by rep or a rep or team owns it), its funnel and its actuals. An error
//! anywhere else (a deal, a grade, a strategy, another goal), or in a statement of the goal
//! that says nothing its numbers are computed from (`parent`, `supports`, `allow`,
//! `baseline`), leaves it allocated and checked. A goal whose actuals are its funnel's
//! won deals (it has no `actuals`) depends on every deal of that funnel being read: an
//! error in a `deals from` import of the funnel (a bad cell, a broken mapping) holds it
//! back, as an error in its own actuals would.
//!
//! An error is placed in the top-level item holding it (`Model::items`); one outside every
//! item that parsed, in the scanner's chunk holding it: an item that did not parse is not
//! in the model, but its keyword and name still say what it was meant to define. A goal that names something only such an item may define was
//! marked by the resolver (`names_unknown`). Reps are the one thing a goal uses without
//! naming them (`split rep even` shares among every rep of its scope), so a team or a
//! dimension (which team coordinates name) that did not parse holds back every goal that
//! depends on reps.

use crate::diagnostic::{Diagnostic, Severity};
use crate::hash::Map;
use crate::model::{DimId, DimRef, FunnelId, Goal, GoalId, ItemRef, Model, Owner, Split};
use crate::resolve::load::LoadedFile;
use crate::source::{FileId, Sources, Span};
use crate::syntax::scan::{self, Keyword};

/// The goals an error can change, by the item it lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// No goal's numbers: a deal, a grade, a strategy, a goal that did not parse.
    Nothing,
    /// One goal: the goal itself, or its actuals.
    Goal(GoalId),
    /// The goals that split by this dimension.
    Dimension(DimId),
    /// The goals that split by rep, or that a rep or team owns.
    People,
    /// The goals that use this funnel.
    Funnel(FunnelId),
    /// The goals whose actuals are this funnel's won deals (any funnel's when `None`):
    /// an imported deal could not be read.
    WonDeals(Option<FunnelId>),
    /// Every goal: the plan block, an include, text before the first item.
    Everything,
}

/// What a goal's numbers depend on besides the plan block and itself.
struct Needs {
    dimensions: Vec<DimId>,
    people: bool,
    funnel: Option<FunnelId>,
    /// The funnel whose won deals are the goal's actuals: its own, when it has no
    /// `actuals`.
    won_deals: Option<FunnelId>,
}

impl Needs {
    fn of(goal: &Goal, has_actuals: bool) -> Needs {
        let mut needs = Needs {
            dimensions: Vec::new(),
            people: matches!(goal.owner, Some(Owner::Rep(_) | Owner::Team(_))),
            funnel: goal.funnel,
            won_deals: goal.funnel.filter(|_| !has_actuals),
        };
        needs.add_splits(&goal.splits);
        needs
    }

    fn add_splits(&mut self, splits: &[Split]) {
        for split in splits {
            match split.dim {
                DimRef::User(d) if !self.dimensions.contains(&d) => self.dimensions.push(d),
                DimRef::Rep => self.people = true,
                DimRef::User(_) | DimRef::Time(_) => {}
            }
            for nested in split.nested() {
                self.add_splits(nested);
            }
        }
    }

    fn reached_by(&self, reach: Reach) -> bool {
        match reach {
            Reach::Nothing | Reach::Goal(_) => false,
            Reach::Dimension(d) => self.dimensions.contains(&d),
            Reach::People => self.people,
            Reach::Funnel(f) => self.funnel == Some(f),
            Reach::WonDeals(f) => self.won_deals.is_some() && (f.is_none() || self.won_deals == f),
            Reach::Everything => true,
        }
    }
}

/// For each goal, whether it may be allocated: no error lies inside it or in anything its
/// numbers depend on, and it names nothing that only a broken item may define.
pub(crate) fn trusted_goals(
    model: &Model,
    files: &[LoadedFile],
    sources: &Sources,
    diagnostics: &[Diagnostic],
) -> Vec<bool> {
    let mut trusted: Vec<bool> = model.goals.iter().map(|g| !g.names_unknown).collect();
    let mut placer = Placer::new(model, files, sources);
    let mut reaches: Vec<Reach> = Vec::new();
    for d in diagnostics {
        if d.severity != Severity::Error {
            continue;
        }
        match placer.reach(d.span) {
            Reach::Nothing => {}
            Reach::Goal(id) => {
                if let Some(t) = trusted.get_mut(id.index()) {
                    *t = false;
                }
            }
            Reach::Everything => return vec![false; model.goals.len()],
            reach => {
                if !reaches.contains(&reach) {
                    reaches.push(reach);
                }
            }
        }
    }
    if !reaches.is_empty() {
        for (i, (goal, t)) in model.goals.iter().zip(trusted.iter_mut()).enumerate() {
            let has_actuals = model.actuals.iter().any(|a| a.goal.index() == i);
            let needs = Needs::of(goal, has_actuals);
            if reaches.iter().any(|&r| needs.reached_by(r)) {
                *t = false;
            }
        }
    }
    trusted
}

/// Finds the item an error lies in.
struct Placer<'a> {
    model: &'a Model,
    sources: &'a Sources,
    /// Each data file (CSV actuals) and where its including file names it.
    data: Map<FileId, Span>,
    /// The start of each top-level item of a file, as the scanner cuts it: scanned at
    /// the first error outside every item that parsed.
    chunk_starts: Map<FileId, Vec<usize>>,
    /// Names, for the items that did not parse.
    dimensions: Map<&'a str, DimId>,
    funnels: Map<&'a str, FunnelId>,
    goals: Map<&'a str, GoalId>,
}

impl<'a> Placer<'a> {
    fn new(model: &'a Model, files: &[LoadedFile], sources: &'a Sources) -> Placer<'a> {
        Placer {
            model,
            sources,
            data: files
                .iter()
                .flat_map(|f| f.data.iter().map(|&(span, id)| (id, span)))
                .collect(),
            chunk_starts: Map::default(),
            dimensions: first_by_name(model.dimensions.iter().map(|d| d.name.as_str()), DimId),
            funnels: first_by_name(model.funnels.iter().map(|f| f.name.as_str()), FunnelId),
            goals: first_by_name(model.goals.iter().map(|g| g.name.as_str()), GoalId),
        }
    }

    fn reach(&mut self, span: Span) -> Reach {
        // An error in a file of actuals lies, for this purpose, where the file is named.
        let span = self.data.get(&span.file).copied().unwrap_or(span);
        // Top-level items never overlap: the one that may hold the error is the last one
        // starting at or before it.
        let items = &self.model.items;
        let after =
            items.partition_point(|(s, _)| (s.file, s.start()) <= (span.file, span.start()));
        match after.checked_sub(1).and_then(|i| items.get(i)) {
            Some(&(item, what))
                if item.file == span.file
                    && item.start() <= span.start()
                    && span.end() <= item.end() =>
            {
                self.reach_of_item(item, what, span)
            }
            _ => self.reach_of_lost_item(span),
        }
    }

    fn reach_of_item(&self, item: Span, what: ItemRef, error: Span) -> Reach {
        match what {
            ItemRef::Plan | ItemRef::Include => Reach::Everything,
            ItemRef::Strategy | ItemRef::Grades | ItemRef::Deal => Reach::Nothing,
            ItemRef::Dimension(d) => d.map_or(Reach::People, Reach::Dimension),
            ItemRef::Team => Reach::People,
            ItemRef::Funnel(f) => f.map_or(Reach::Nothing, Reach::Funnel),
            ItemRef::Deals(f) => Reach::WonDeals(f),
            ItemRef::Actuals(g) => g.map_or(Reach::Nothing, Reach::Goal),
            // A second goal of the same name changes nothing of the first.
            ItemRef::Goal(g) => match g.and_then(|g| Some((g, self.model.goal(g)?))) {
                Some((id, goal)) if goal.span == item => {
                    let unread = goal
                        .unread
                        .iter()
                        .any(|s| s.start() <= error.start() && error.end() <= s.end());
                    if unread {
                        Reach::Nothing
                    } else {
                        Reach::Goal(id)
                    }
                }
                _ => Reach::Nothing,
            },
        }
    }

    /// An error outside every item that parsed: placed in the scanner's chunk holding it,
    /// by the keyword and name its text starts with.
    fn reach_of_lost_item(&mut self, span: Span) -> Reach {
        let Some(text) = self.sources.get(span.file).map(|f| f.text.clone()) else {
            return Reach::Everything;
        };
        let starts = self.chunk_starts.entry(span.file).or_insert_with(|| {
            scan::scan(span.file, &text)
                .chunks
                .iter()
                .map(|c| c.start)
                .collect()
        });
        let start = starts
            .partition_point(|&s| s <= span.start())
            .checked_sub(1)
            .and_then(|i| starts.get(i))
            .copied()
            .unwrap_or(0);
        let head = scan::indentation(text.get(start..).unwrap_or("")).1;
        let Some((keyword, after)) = Keyword::at_start(head) else {
            return Reach::Everything;
        };
        let name = scan::name_at_start(after.trim_start());
        match keyword {
            // An import that did not parse read no deal, of a funnel not known.
            Keyword::Deals => Reach::WonDeals(None),
            Keyword::Deal | Keyword::Grades | Keyword::Strategy | Keyword::Goal => Reach::Nothing,
            Keyword::Actuals => self
                .goals
                .get(name)
                .map_or(Reach::Nothing, |&g| Reach::Goal(g)),
            Keyword::Funnel => self
                .funnels
                .get(name)
                .map_or(Reach::Nothing, |&f| Reach::Funnel(f)),
            // A dimension that did not parse may hold members that team coordinates name.
            Keyword::Dimension => self
                .dimensions
                .get(name)
                .map_or(Reach::People, |&d| Reach::Dimension(d)),
            Keyword::Team | Keyword::Rep => Reach::People,
            Keyword::Plan | Keyword::Include | Keyword::Stage => Reach::Everything,
        }
    }
}

/// Each name's id, from its first definition: the one references resolve to.
fn first_by_name<'a, Id>(
    names: impl Iterator<Item = &'a str>,
    id: impl Fn(u32) -> Id,
) -> Map<&'a str, Id> {
    let mut map = Map::default();
    for (i, name) in names.enumerate() {
        map.entry(name).or_insert_with(|| id(i as u32));
    }
    map
}
