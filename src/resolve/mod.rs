//! Syntax trees to the semantic model: names, units, periods and value ranges.
//!
//! Resolution runs in two passes over all loaded files: the first records every
//! definition (so order in the files does not matter, and duplicates are found), the
//! second resolves each item's references. Lookups are hash maps, so the work is linear
//! in the size of the plan.
//!
//! Invariant: nothing here reads files; includes are loaded by [`load`] through the
//! [`load::FileSystem`] given to it.

mod actuals;
mod csv;
mod import;
mod items;
pub mod load;
mod names;
mod references;
mod values;

use crate::diagnostic::{Code, Diagnostic};
use crate::hash::{Map, Set};
use crate::model::{self, *};
use crate::period::TimeDim;
use crate::source::Span;
use crate::suggest;
use crate::syntax::ast;
use crate::syntax::scan::Keyword;
use load::LoadedFile;
use names::{Defined, NameKind};

/// Resolve the loaded files of one compilation (the root file first).
///
/// The items of the files' syntax trees are moved out and dropped as they are resolved,
/// so the trees and the model are not both held whole: afterwards each file keeps its
/// comments and broken definitions, and the model holds what the items said.
pub fn resolve(
    files: &mut [LoadedFile],
    sources: &crate::source::Sources,
) -> (Model, Vec<Diagnostic>) {
    let mut r = Resolver {
        sources: Some(sources),
        ..Resolver::default()
    };
    r.collect(files);
    r.resolve_items(files);
    (r.model, r.diagnostics)
}

#[derive(Default)]
struct Resolver<'s> {
    /// The loaded texts, for data files (CSV actuals).
    sources: Option<&'s crate::source::Sources>,
    model: Model,
    diagnostics: Vec<Diagnostic>,
    strategies: Map<String, StrategyId>,
    dimensions: Map<String, DimId>,
    /// Teams and reps share a namespace, since `owner NAME` may name either.
    people: Map<String, Person>,
    goals: Map<String, GoalId>,
    funnels: Map<String, FunnelId>,
    grades: Map<String, GradeId>,
    /// Deal names as the tree holds them: inline, so a plan of many deals does not
    /// allocate each name again.
    deals: Map<ast::Text, DealId>,
    /// Bare member names (user members and reps) to where they are defined.
    members: Map<String, Vec<MemberRef>>,
    /// Time slice names per time dimension.
    slices: Map<TimeDim, Map<String, usize>>,
    /// Definition spans, for "first defined here" labels.
    plan_span: Option<Span>,
    /// Names defined in items that failed to parse, and the keywords of those items.
    broken_names: Set<String>,
    broken_keywords: Set<Keyword>,
    /// A file could not be read, or an include could not be loaded: any name may be
    /// defined there.
    definitions_unknown: bool,
    /// How many unknown names were left unreported so far, as explained by a broken item:
    /// a goal that used one is marked, since what it would have named is not in the model.
    explained: usize,
    /// "Did you mean" candidates, prepared once per kind of name (at the first unknown
    /// name of that kind, in pass 2, when every definition is known).
    suggesters: Map<NameKind, suggest::Suggester>,
}

#[derive(Debug, Clone, Copy)]
enum Person {
    Team(TeamId),
    Rep(RepId),
}

/// The built-in dimension names, which user dimensions may not reuse.
const BUILTIN_DIMENSIONS: &[&str] = &["rep", "half", "quarter", "month", "week"];

fn first<T>(fields: &[ast::Field<T>]) -> Option<&T> {
    fields.first().map(|f| &f.value)
}

fn text(s: &Option<ast::Str>) -> Option<String> {
    s.as_ref().map(|s| s.value.clone()).map(String::from)
}

/// An `invalid-value` diagnostic.
fn invalid_value(span: Span, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::InvalidValue, span, message)
        .with_label("invalid value")
        .with_help(help)
}

impl Resolver<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Report every repeat of a statement that may appear once.
    fn report_repeats<T>(&mut self, fields: &[ast::Field<T>], what: &str) {
        if let [first, rest @ ..] = fields {
            for repeat in rest {
                self.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        repeat.keyword,
                        format!("`{what}` is given more than once"),
                    )
                    .with_label("given again here")
                    .with_secondary(first.keyword, "first given here")
                    .with_help(format!("keep one `{what}` statement")),
                );
            }
        }
    }

    fn duplicate(&mut self, kind: Defined, name: &ast::Name, first: Span) {
        let kind = kind.noun();
        self.push(
            Diagnostic::new(
                Code::DuplicateName,
                name.span,
                format!("{kind} `{}` is defined more than once", name.text),
            )
            .with_label("defined again here")
            .with_secondary(first, "first defined here")
            .with_help(format!("rename one of them, or remove the repeated {kind}")),
        );
    }

    /// Each deal once: a deal written in the plan and imported, or imported from two
    /// files (this month's export and last month's), would count twice. Within one
    /// source a repeat is already reported; the later of two deals of one name is
    /// reported and dropped.
    fn one_deal_per_name(&mut self) {
        let mut first: Map<&str, Span> = Map::default();
        let mut repeats: Vec<(usize, Span, Span)> = Vec::new();
        for (i, deal) in self.model.deals.iter().enumerate() {
            match first.get(deal.name) {
                Some(&span) => repeats.push((i, deal.span, span)),
                None => {
                    first.insert(deal.name, deal.span);
                }
            }
        }
        drop(first);
        if repeats.is_empty() {
            return;
        }
        let mut dropped = vec![false; self.model.deals.len()];
        for (i, span, earlier) in repeats {
            dropped[i] = true;
            let name = self.model.deals.name(i).unwrap_or_default().to_string();
            self.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    span,
                    format!("deal `{name}` is already in the plan: it would count twice"),
                )
                .with_label("the same deal again")
                .with_secondary(earlier, "first here")
                .with_help("import each export once, or remove the deal written in the plan that the export also holds"),
            );
        }
        self.model
            .deals
            .retain_indices(|i| !dropped.get(i).copied().unwrap_or(false));
    }

    fn invalid(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.push(invalid_value(span, message, help));
    }

    fn resolve_items(&mut self, files: &mut [LoadedFile]) {
        // Teams first: goals and deals refer to reps and their coordinates.
        for file in files.iter() {
            for item in &file.ast.items {
                match item {
                    ast::Item::Team(t) => self.team(t),
                    ast::Item::Funnel(f) => self.funnel(f),
                    _ => {}
                }
            }
        }
        let (deals, actuals) = files.iter().flat_map(|f| &f.ast.items).fold(
            (0, 0),
            |(deals, actuals), item| match item {
                ast::Item::Deal(_) => (deals + 1, actuals),
                ast::Item::Actuals(_) => (deals, actuals + 1),
                _ => (deals, actuals),
            },
        );
        // The deals' room (in the model and in the map of their names) is taken in full
        // once half of them are resolved, not before: each item is dropped once
        // resolved, so it is not added to the whole tree at its largest, and each list
        // is copied at most once at half size.
        let mut deals_seen = 0;
        self.model.actuals.reserve_exact(actuals);
        // Each item is dropped once resolved: the model now holds what it said.
        // Imports with a mapping come last, when every goal's unit is known.
        let mut imports = Vec::new();
        for (i, file) in files.iter_mut().enumerate() {
            let items = std::mem::take(&mut file.ast.items);
            for item in items {
                match item {
                    ast::Item::Goal(g) => self.goal(&g),
                    ast::Item::Deal(d) => {
                        if deals_seen == deals / 2 {
                            self.model.deals.reserve(deals - self.model.deals.len(), 0);
                            self.deals.reserve(deals - self.deals.len());
                        }
                        deals_seen += 1;
                        self.deal(*d);
                    }
                    ast::Item::Actuals(a) if a.mapping.is_some() => {
                        imports.push((i, ast::Item::Actuals(a)));
                    }
                    ast::Item::Actuals(a) => self.actuals(&a, &*file),
                    ast::Item::Deals(d) => imports.push((i, ast::Item::Deals(d))),
                    _ => {}
                }
            }
        }
        let inline_deals = self.model.deals.len();
        let mut deal_imports = 0;
        for (i, item) in imports {
            let Some(file) = files.get(i) else { continue };
            match item {
                ast::Item::Actuals(a) => self.actuals(&a, file),
                ast::Item::Deals(d) => {
                    deal_imports += 1;
                    self.import_deals(&d, file);
                }
                _ => {}
            }
        }
        if deal_imports > 1 || (deal_imports == 1 && inline_deals > 0) {
            self.one_deal_per_name();
        }
        let mut teams: Vec<&model::Team> = self.model.teams.iter().collect();
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        self.model.rep_order = teams.iter().flat_map(|t| t.reps.iter().copied()).collect();
        self.model.index_reps();
    }
}
