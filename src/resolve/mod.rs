//! Syntax trees to the semantic model: names, units, periods and value ranges.
//!
//! Resolution runs in two passes over all loaded files: the first records every
//! definition (so order in the files does not matter, and duplicates are found), the
//! second resolves each item's references. Lookups are hash maps, so the work is linear
//! in the size of the plan.
//!
//! Invariant: nothing here reads files; includes are loaded by [`load`] through the
//! [`load::FileSystem`] given to it.

mod csv;
pub mod load;
mod suggest;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, *};
use crate::period::{self, Period, TimeDim};
use crate::source::Span;
use crate::syntax::ast;
use load::LoadedFile;
use rust_decimal::Decimal;
use std::collections::HashMap;
pub use suggest::did_you_mean;

/// Resolve the loaded files of one compilation (the root file first).
pub fn resolve(files: &[LoadedFile], sources: &crate::source::Sources) -> (Model, Vec<Diagnostic>) {
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
    strategies: HashMap<String, StrategyId>,
    dimensions: HashMap<String, DimId>,
    /// Teams and reps share a namespace, since `owner NAME` may name either.
    people: HashMap<String, Person>,
    goals: HashMap<String, GoalId>,
    funnels: HashMap<String, FunnelId>,
    grades: HashMap<String, GradeId>,
    deals: HashMap<String, DealId>,
    /// Bare member names (user members and reps) to where they are defined.
    members: HashMap<String, Vec<MemberRef>>,
    /// Time slice names per time dimension.
    slices: HashMap<TimeDim, HashMap<String, usize>>,
    /// Definition spans, for "first defined here" labels.
    plan_span: Option<Span>,
    /// Names defined in items that failed to parse, and the keywords of those items.
    broken_names: std::collections::HashSet<String>,
    broken_keywords: std::collections::HashSet<String>,
    /// A file could not be read, or an include could not be loaded: any name may be
    /// defined there.
    definitions_unknown: bool,
    /// "Did you mean" candidates, prepared once per kind of name (at the first unknown
    /// name of that kind, in pass 2, when every definition is known).
    suggesters: HashMap<Names, suggest::Suggester>,
}

/// The names an unknown name is compared with for a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Names {
    Dimensions,
    /// User dimensions and the built-in ones (`rep`, `month` …).
    AnyDimension,
    Members(DimId),
    People,
    Reps,
    Slices(TimeDim),
    Strategies,
    Goals,
    Funnels,
    /// The stages of one funnel, or of all.
    Stages(Option<FunnelId>),
    Grades,
    /// Bare member names: user members and reps.
    AnyMember,
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
    s.as_ref().map(|s| s.value.clone())
}

impl Resolver<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Report every repeat of a statement that may appear once.
    fn once<T>(&mut self, fields: &[ast::Field<T>], what: &str) {
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

    fn duplicate(&mut self, kind: &str, name: &ast::Name, first: Span) {
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

    /// Whether a failed lookup may be explained by an item that did not parse: then the
    /// syntax error is the one to fix, and a second error would mislead.
    fn maybe_broken(&self, kind: &str, name: &str) -> bool {
        if self.definitions_unknown || self.broken_names.contains(name) {
            return true;
        }
        let keywords: &[&str] = if kind.starts_with("member") {
            &["dimension", "team", "rep"]
        } else if kind.contains("rep") {
            &["team", "rep"]
        } else if kind == "stage" {
            &["funnel", "stage"]
        } else if kind == "grade" {
            &["grades"]
        } else {
            &[]
        };
        keywords.iter().any(|k| self.broken_keywords.contains(*k))
    }

    fn names_of(&self, names: Names) -> Vec<&str> {
        match names {
            Names::Dimensions => self.dimensions.keys().map(String::as_str).collect(),
            Names::AnyDimension => self
                .dimensions
                .keys()
                .map(String::as_str)
                .chain(BUILTIN_DIMENSIONS.iter().copied())
                .collect(),
            Names::Members(dim) => self
                .model
                .dimensions
                .get(dim.index())
                .map(|d| d.members.iter().map(|m| m.name.as_str()).collect())
                .unwrap_or_default(),
            Names::People => self.people.keys().map(String::as_str).collect(),
            Names::Reps => self.model.reps.iter().map(|r| r.name.as_str()).collect(),
            Names::Slices(t) => self
                .model
                .slices(t)
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
            Names::Strategies => self.strategies.keys().map(String::as_str).collect(),
            Names::Goals => self.goals.keys().map(String::as_str).collect(),
            Names::Funnels => self.funnels.keys().map(String::as_str).collect(),
            Names::Stages(funnel) => self
                .model
                .funnels
                .iter()
                .enumerate()
                .filter(|(i, _)| funnel.is_none_or(|f| f.index() == *i))
                .flat_map(|(_, f)| f.stages.iter().map(|s| s.name.as_str()))
                .collect(),
            Names::Grades => self.grades.keys().map(String::as_str).collect(),
            Names::AnyMember => self.members.keys().map(String::as_str).collect(),
        }
    }

    /// Report an unknown name, suggesting the closest of `names`. The candidates are
    /// gathered once per kind, since a file of actuals may name thousands of unknowns.
    fn unresolved(&mut self, kind: &str, name: &ast::Name, names: Names, extra: Option<String>) {
        if self.maybe_broken(kind, &name.text) {
            return;
        }
        if !self.suggesters.contains_key(&names) {
            let suggester = suggest::Suggester::new(self.names_of(names).into_iter());
            self.suggesters.insert(names, suggester);
        }
        let suggestion = self
            .suggesters
            .get_mut(&names)
            .and_then(|s| s.suggest(&name.text));
        let help = match suggestion {
            Some(best) => format!("did you mean `{best}`?"),
            None => extra.unwrap_or_else(|| format!("define the {kind} or correct the name")),
        };
        self.push(
            Diagnostic::new(
                Code::UnresolvedName,
                name.span,
                format!("no {kind} named `{}`", name.text),
            )
            .with_label(format!("unknown {kind}"))
            .with_help(help),
        );
    }

    fn invalid(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.push(
            Diagnostic::new(Code::InvalidValue, span, message)
                .with_label("invalid value")
                .with_help(help),
        );
    }

    /// The value of a number that must not be negative.
    fn non_negative(&mut self, num: &ast::Num, what: &str) -> Option<Decimal> {
        let value = num.value?;
        if value.is_sign_negative() && !value.is_zero() {
            self.invalid(
                num.span,
                format!("{what} cannot be negative"),
                "only actuals may be negative (returns, corrections)",
            );
            return None;
        }
        Some(value)
    }

    /// A quantity whose unit, if a currency, must be the plan's currency.
    fn amount(&mut self, q: &ast::Quantity, what: &str) -> Option<Amount> {
        let value = self.non_negative(&q.amount, what)?;
        if !self.check_currency(&q.unit.text, q.unit.span) {
            return None;
        }
        Some(Amount {
            value,
            unit: q.unit.text.clone(),
            span: q.span,
        })
    }

    /// Report a currency other than the plan's; false if reported.
    fn check_currency(&mut self, unit: &str, span: Span) -> bool {
        if let Some(plan_currency) = self.model.plan.currency.clone()
            && is_currency(unit)
            && unit != plan_currency
        {
            self.push(
                Diagnostic::new(
                    Code::UnitMismatch,
                    span,
                    format!("`{unit}` is not the plan's currency `{plan_currency}`"),
                )
                .with_label(format!("expected {plan_currency}"))
                .with_help(format!(
                    "a plan is kept in one currency: convert the amount to {plan_currency}"
                )),
            );
            return false;
        }
        true
    }

    fn period(&mut self, expr: &ast::PeriodExpr) -> Option<Period> {
        match period::expr(expr) {
            Ok(p) => Some(p),
            Err(e) => {
                let help = if e.help.is_empty() {
                    "write a period such as 2026, 2026-Q3, 2026-03 or 2026-04-01..2027-03-31"
                        .to_string()
                } else {
                    e.help
                };
                self.invalid(expr.span, e.message, help);
                None
            }
        }
    }

    fn date(&mut self, atom: &ast::PeriodAtom) -> Option<chrono::NaiveDate> {
        match atom.kind {
            ast::PeriodAtomKind::Date(..) => match period::atom(atom) {
                Ok(p) => Some(p.start),
                Err(e) => {
                    self.invalid(atom.span, e.message, e.help);
                    None
                }
            },
            _ => {
                self.invalid(
                    atom.span,
                    "expected a date",
                    "write a date such as 2026-06-30",
                );
                None
            }
        }
    }

    /// Report a period that lies outside the plan period.
    fn inside_plan(&mut self, p: Period, span: Span, what: &str) -> bool {
        self.inside_plan_written(p, span, what, None)
    }

    /// As [`Self::inside_plan`], with the period as written, to explain that `2026-Q1`
    /// is a calendar quarter even in a fiscal-year plan.
    fn inside_plan_written(
        &mut self,
        p: Period,
        span: Span,
        what: &str,
        written: Option<&ast::PeriodExpr>,
    ) -> bool {
        let Some(plan) = self.model.plan.period else {
            return true;
        };
        if plan.contains(&p) {
            return true;
        }
        // An ISO week belongs where its Thursday is, as for `split week`.
        if let Some(w) = written
            && w.end.is_none()
            && matches!(w.start.kind, ast::PeriodAtomKind::Week(..))
            && plan.contains_date(p.start + chrono::Days::new(3))
        {
            return true;
        }
        let calendar_slice = written.is_some_and(|w| {
            w.end.is_none()
                && matches!(
                    w.start.kind,
                    ast::PeriodAtomKind::Quarter(..) | ast::PeriodAtomKind::Half(..)
                )
        });
        let fiscal = plan.start.format("%m-%d").to_string() != "01-01";
        let help = if calendar_slice && fiscal {
            let q1_end = plan
                .start
                .checked_add_months(chrono::Months::new(2))
                .unwrap_or(plan.start);
            format!(
                "`YYYY-Qn` and `YYYY-Hn` are calendar quarters and halves, but this plan's year starts {}: write a range such as `{}..{}` for its first quarter",
                plan.start,
                plan.start.format("%Y-%m"),
                q1_end.format("%Y-%m")
            )
        } else {
            format!("keep it within {plan}, or widen the plan's `period`")
        };
        self.push(
            Diagnostic::new(
                Code::OutsidePlanPeriod,
                span,
                format!("{what} ({p}) lies outside the plan period ({plan})"),
            )
            .with_label("outside the plan period")
            .with_help(help),
        );
        false
    }

    // ------------------------------------------------------------ pass 1

    fn collect(&mut self, files: &[LoadedFile]) {
        for broken in files.iter().flat_map(|f| &f.ast.broken) {
            self.broken_names.insert(broken.name.clone());
            self.broken_keywords.insert(broken.keyword.clone());
        }
        self.definitions_unknown = files.iter().any(|f| f.unknown_definitions);
        let mut plan_found = self.broken_keywords.contains("plan");
        for file in files {
            for item in &file.ast.items {
                if let ast::Item::Plan(p) = item {
                    if plan_found {
                        let first = self.plan_span.unwrap_or(p.keyword);
                        self.push(
                            Diagnostic::new(
                                Code::DuplicateName,
                                p.keyword,
                                "a compilation has exactly one `plan` block",
                            )
                            .with_label("second plan block")
                            .with_secondary(first, "first plan block")
                            .with_help("keep one `plan` block, in the root file"),
                        );
                        continue;
                    }
                    plan_found = true;
                    self.plan_span = Some(p.keyword);
                    self.plan(p);
                }
            }
        }
        if !plan_found
            && !self.definitions_unknown
            && let Some(root) = files.first()
        {
            self.push(
                Diagnostic::new(
                    Code::MissingPeriod,
                    Span::new(root.id, 0, 0),
                    "this file has no `plan` block, so the plan has no period",
                )
                .with_label("no plan block in this file")
                .with_help("start the root file with `plan \"name\" { period 2026 }`"),
            );
        }
        if let Some(plan) = self.model.plan.period {
            for dim in [
                TimeDim::Half,
                TimeDim::Quarter,
                TimeDim::Month,
                TimeDim::Week,
            ] {
                let names = period::slices(plan, dim)
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (s.name, i))
                    .collect();
                self.slices.insert(dim, names);
            }
        }

        for file in files {
            for item in &file.ast.items {
                match item {
                    ast::Item::Strategy(s) => self.define_strategy(s),
                    ast::Item::Dimension(d) => self.define_dimension(d),
                    ast::Item::Team(t) => self.define_team(t),
                    ast::Item::Goal(g) => {
                        let id = GoalId(self.model.goals.len() as u32);
                        if let Some(&prev) = self.goals.get(&g.name.text) {
                            let first = self.model.goals[prev.index()].name_span;
                            self.duplicate("goal", &g.name, first);
                        } else {
                            self.goals.insert(g.name.text.clone(), id);
                            self.model.goals.push(placeholder_goal(g));
                        }
                    }
                    ast::Item::Funnel(f) => self.define_funnel(f),
                    ast::Item::Grades(g) => self.define_grades(g),
                    _ => {}
                }
            }
        }
    }

    fn plan(&mut self, p: &ast::Plan) {
        self.once(&p.period, "period");
        self.once(&p.currency, "currency");
        self.once(&p.as_of, "as_of");
        self.model.plan.name = text(&p.name);
        self.model.plan.span = p.keyword;
        if let Some(c) = first(&p.currency) {
            if is_currency(&c.text) {
                self.model.plan.currency = Some(c.text.clone());
            } else {
                self.invalid(
                    c.span,
                    format!("`{}` is not a currency code", c.text),
                    "a currency is three upper-case letters, such as CNY, USD or EUR",
                );
            }
        }
        match first(&p.period) {
            Some(expr) => {
                self.model.plan.period = self.period(expr);
                if let Some(p) = self.model.plan.period {
                    self.model.plan.months = p.months();
                    self.model.plan.slices =
                        [TimeDim::Half, TimeDim::Quarter, TimeDim::Month, TimeDim::Week]
                            .map(|t| period::slices(p, t));
                }
            }
            None => self.push(
                Diagnostic::new(Code::MissingPeriod, p.keyword, "the plan has no period")
                    .with_label("no `period` in this plan block")
                    .with_help("add the plan's time frame, e.g. `period 2026` or `period 2026-04-01..2027-03-31`"),
            ),
        }
        if let Some(atom) = first(&p.as_of) {
            self.model.plan.as_of = self.date(atom);
        }
    }

    fn define_strategy(&mut self, s: &ast::Strategy) {
        if let Some(&prev) = self.strategies.get(&s.name.text) {
            let first = self.model.strategies[prev.index()].span;
            self.duplicate("strategy", &s.name, first);
            return;
        }
        let id = StrategyId(self.model.strategies.len() as u32);
        self.strategies.insert(s.name.text.clone(), id);
        self.model.strategies.push(model::Strategy {
            name: s.name.text.clone(),
            label: text(&s.label),
            span: s.name.span,
        });
    }

    fn define_dimension(&mut self, d: &ast::Dimension) {
        if BUILTIN_DIMENSIONS.contains(&d.name.text.as_str()) {
            self.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    d.name.span,
                    format!("`{}` is a built-in dimension", d.name.text),
                )
                .with_label("already defined by planck")
                .with_help("rep, half, quarter, month and week are built in: choose another name"),
            );
            return;
        }
        if let Some(&prev) = self.dimensions.get(&d.name.text) {
            let first = self.model.dimensions[prev.index()].span;
            self.duplicate("dimension", &d.name, first);
            return;
        }
        let dim = DimId(self.model.dimensions.len() as u32);
        self.dimensions.insert(d.name.text.clone(), dim);
        let mut members = Vec::with_capacity(d.members.len());
        let mut member_index = HashMap::with_capacity(d.members.len());
        for m in &d.members {
            if let Some(&prev) = member_index.get(&m.name.text) {
                let first = members
                    .get(MemberId::index(prev))
                    .map_or(m.name.span, |x: &model::Member| x.span);
                self.duplicate("member", &m.name, first);
                continue;
            }
            let id = MemberId(members.len() as u32);
            member_index.insert(m.name.text.clone(), id);
            self.members
                .entry(m.name.text.clone())
                .or_default()
                .push(MemberRef::User(dim, id));
            let mut attrs: Vec<model::Attr> = Vec::with_capacity(m.attrs.len());
            for a in &m.attrs {
                if let Some(prev) = attrs.iter().find(|x| x.name == a.name.text) {
                    let first = prev.span;
                    self.duplicate("attribute", &a.name, first);
                    continue;
                }
                let value = match &a.value {
                    ast::AttrValue::Money(q) => match self.amount(q, "an attribute") {
                        Some(amount) => AttrValue::Money(amount),
                        None => AttrValue::Invalid,
                    },
                    ast::AttrValue::Number(n) => {
                        n.value.map_or(AttrValue::Invalid, AttrValue::Number)
                    }
                    ast::AttrValue::Percent(n) => {
                        n.value.map_or(AttrValue::Invalid, AttrValue::Percent)
                    }
                    ast::AttrValue::Text(s) => AttrValue::Text(s.value.clone()),
                    ast::AttrValue::Name(n) => AttrValue::Name(n.name.text.clone()),
                };
                attrs.push(model::Attr {
                    name: a.name.text.clone(),
                    value,
                    span: a.name.span,
                });
            }
            members.push(model::Member {
                name: m.name.text.clone(),
                label: text(&m.label),
                attrs,
                span: m.name.span,
            });
        }
        self.model.dimensions.push(model::Dimension {
            name: d.name.text.clone(),
            label: text(&d.label),
            members,
            member_index,
            span: d.name.span,
        });
    }

    fn person_span(&self, person: Person) -> Span {
        match person {
            Person::Team(t) => self.model.teams[t.index()].span,
            Person::Rep(r) => self.model.reps[r.index()].span,
        }
    }

    fn define_team(&mut self, t: &ast::Team) {
        if let Some(&prev) = self.people.get(&t.name.text) {
            let first = self.person_span(prev);
            self.duplicate("team or rep", &t.name, first);
            return;
        }
        let team = TeamId(self.model.teams.len() as u32);
        self.people.insert(t.name.text.clone(), Person::Team(team));
        let mut reps = Vec::new();
        for rep in &t.reps {
            if let Some(&prev) = self.people.get(&rep.name.text) {
                let first = self.person_span(prev);
                self.duplicate("team or rep", &rep.name, first);
                continue;
            }
            let id = RepId(self.model.reps.len() as u32);
            self.people.insert(rep.name.text.clone(), Person::Rep(id));
            self.members
                .entry(rep.name.text.clone())
                .or_default()
                .push(MemberRef::Rep(id));
            reps.push(id);
            self.model.reps.push(model::Rep {
                name: rep.name.text.clone(),
                label: text(&rep.label),
                team,
                capacity: None,
                start: None,
                ramp: Vec::new(),
                coords: Vec::new(),
                span: rep.name.span,
            });
        }
        self.model.teams.push(model::Team {
            name: t.name.text.clone(),
            label: text(&t.label),
            lead: None,
            coords: Vec::new(),
            reps,
            span: t.name.span,
        });
    }

    fn define_funnel(&mut self, f: &ast::Funnel) {
        if let Some(&prev) = self.funnels.get(&f.name.text) {
            let first = self.model.funnels[prev.index()].span;
            self.duplicate("funnel", &f.name, first);
            return;
        }
        self.funnels.insert(
            f.name.text.clone(),
            FunnelId(self.model.funnels.len() as u32),
        );
        self.model.funnels.push(model::Funnel {
            name: f.name.text.clone(),
            label: text(&f.label),
            deal_size: None,
            inflow: None,
            stages: Vec::new(),
            span: f.name.span,
        });
    }

    fn define_grades(&mut self, g: &ast::Grades) {
        for grade in &g.grades {
            if let Some(&prev) = self.grades.get(&grade.name.text) {
                let first = self.model.grades[prev.index()].span;
                self.duplicate("grade", &grade.name, first);
                continue;
            }
            let probability = grade.probability.value;
            if let Some(p) = probability
                && p > Decimal::ONE
            {
                self.invalid(
                    grade.probability.span,
                    "a grade's probability cannot exceed 100%",
                    "write a probability between 0% and 100%",
                );
            }
            self.grades.insert(
                grade.name.text.clone(),
                GradeId(self.model.grades.len() as u32),
            );
            self.model.grades.push(model::Grade {
                name: grade.name.text.clone(),
                label: text(&grade.label),
                probability: probability.filter(|p| *p <= Decimal::ONE),
                span: grade.name.span,
            });
        }
    }

    // ------------------------------------------------------------ pass 2

    fn resolve_items(&mut self, files: &[LoadedFile]) {
        // Teams first: goals and deals refer to reps and their coordinates.
        for file in files {
            for item in &file.ast.items {
                match item {
                    ast::Item::Team(t) => self.team(t),
                    ast::Item::Funnel(f) => self.funnel(f),
                    _ => {}
                }
            }
        }
        for file in files {
            for item in &file.ast.items {
                match item {
                    ast::Item::Goal(g) => self.goal(g),
                    ast::Item::Deal(d) => self.deal(d),
                    ast::Item::Actuals(a) => self.actuals(a, file),
                    _ => {}
                }
            }
        }
        let mut teams: Vec<&model::Team> = self.model.teams.iter().collect();
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        self.model.rep_order = teams.iter().flat_map(|t| t.reps.iter().copied()).collect();
        self.model.rep_dimensions = self
            .model
            .reps
            .iter()
            .flat_map(|r| r.coords.iter().map(|c| c.dim))
            .collect();
    }

    fn coord(&mut self, c: &ast::Coord) -> Option<Coord> {
        let Some(&dim) = self.dimensions.get(&c.dimension.text) else {
            self.unresolved(
                "dimension",
                &c.dimension,
                Names::Dimensions,
                Some("coordinates are `DIMENSION MEMBER` pairs, such as `region east`".into()),
            );
            return None;
        };
        if let Some(q) = &c.member.qualifier
            && q.text != c.dimension.text
        {
            self.invalid(
                q.span,
                format!(
                    "`{}` does not belong to dimension `{}`",
                    c.member.name.text, c.dimension.text
                ),
                format!("write `{} {}`", c.dimension.text, c.member.name.text),
            );
            return None;
        }
        let member = self.user_member(dim, &c.member.name)?;
        Some(Coord { dim, member })
    }

    fn user_member(&mut self, dim: DimId, name: &ast::Name) -> Option<MemberId> {
        let d = &self.model.dimensions[dim.index()];
        if let Some(&m) = d.member_index.get(&name.text) {
            return Some(m);
        }
        let kind = format!("member of `{}`", d.name);
        self.unresolved(&kind, name, Names::Members(dim), None);
        None
    }

    fn team(&mut self, t: &ast::Team) {
        let Some(Person::Team(team)) = self.people.get(&t.name.text).copied() else {
            return;
        };
        if self.model.teams[team.index()].span != t.name.span {
            return; // a duplicate, already reported
        }
        self.once(&t.lead, "lead");
        let lead = first(&t.lead).map(|l| match l {
            ast::NameOrText::Name(n) => n.text.clone(),
            ast::NameOrText::Text(s) => s.value.clone(),
        });
        let coords: Vec<Coord> = t.coords.iter().filter_map(|c| self.coord(c)).collect();
        self.model.teams[team.index()].lead = lead;
        self.model.teams[team.index()].coords = coords.clone();
        for rep in &t.reps {
            let Some(Person::Rep(id)) = self.people.get(&rep.name.text).copied() else {
                continue;
            };
            if self.model.reps[id.index()].span != rep.name.span {
                continue;
            }
            self.once(&rep.capacity, "capacity");
            self.once(&rep.start, "start");
            self.once(&rep.ramp, "ramp");
            let capacity = first(&rep.capacity).and_then(|q| self.amount(q, "capacity"));
            let start = first(&rep.start).and_then(|expr| {
                let p = self.period(expr)?;
                if expr.end.is_some()
                    || !matches!(
                        expr.start.kind,
                        ast::PeriodAtomKind::Month(..) | ast::PeriodAtomKind::Date(..)
                    )
                {
                    self.invalid(
                        expr.span,
                        "`start` is the month a rep begins",
                        "write a month such as `start 2026-07`",
                    );
                    return None;
                }
                Some(p.start)
            });
            let mut ramp = Vec::new();
            if let Some(steps) = first(&rep.ramp) {
                for step in steps {
                    match step.value {
                        Some(v) if v <= Decimal::ONE => ramp.push(v),
                        Some(_) => self.invalid(
                            step.span,
                            "a ramp step cannot exceed 100% of capacity",
                            "ramp gives the fraction of full capacity in each month, e.g. `ramp 50% 75%`",
                        ),
                        None => {}
                    }
                }
            }
            let mut rep_coords = coords.clone();
            rep_coords.extend(rep.coords.iter().filter_map(|c| self.coord(c)));
            let r = &mut self.model.reps[id.index()];
            r.capacity = capacity;
            r.start = start;
            r.ramp = ramp;
            r.coords = rep_coords;
        }
    }

    fn funnel(&mut self, f: &ast::Funnel) {
        let Some(&id) = self.funnels.get(&f.name.text) else {
            return;
        };
        if self.model.funnels[id.index()].span != f.name.span {
            return;
        }
        self.once(&f.deal_size, "deal_size");
        self.once(&f.inflow, "inflow");
        let deal_size = first(&f.deal_size).and_then(|q| self.amount(q, "a deal size"));
        let inflow = first(&f.inflow).and_then(|rate| {
            let value = self.non_negative(&rate.amount, "inflow")?;
            if !matches!(
                rate.per.text.as_str(),
                "day" | "week" | "month" | "quarter" | "year"
            ) {
                self.invalid(
                    rate.per.span,
                    format!("`{}` is not a unit of time", rate.per.text),
                    "write `per day`, `per week`, `per month`, `per quarter` or `per year`",
                );
                return None;
            }
            Some((value, rate.per.text.clone()))
        });
        let mut stages: Vec<model::Stage> = Vec::with_capacity(f.stages.len());
        let last = f.stages.len().saturating_sub(1);
        for (i, s) in f.stages.iter().enumerate() {
            if let Some(prev) = stages.iter().find(|x| x.name == s.name.text) {
                let first = prev.span;
                self.duplicate("stage", &s.name, first);
                continue;
            }
            self.once(&s.convert, "convert");
            self.once(&s.dwell, "dwell");
            self.once(&s.buyer, "buyer");
            self.once(&s.milestone, "milestone");
            let convert = first(&s.convert).and_then(|p| {
                let v = p.value?;
                if v.is_zero() || v > Decimal::ONE {
                    self.invalid(
                        p.span,
                        "a conversion rate must be above 0% and at most 100%",
                        "write the share of entries that move on to the next stage, e.g. `convert 40%`",
                    );
                    return None;
                }
                Some(v)
            });
            let dwell_days = first(&s.dwell).and_then(|d| {
                let v = d.amount.value?;
                if v.is_zero() {
                    self.invalid(
                        d.span,
                        "the time in a stage must be positive",
                        "write the average time deals spend in the stage, e.g. `dwell 10d`",
                    );
                    return None;
                }
                let (days, unit) = match d.unit {
                    ast::DurationUnit::Day => (Decimal::ONE, "days"),
                    ast::DurationUnit::Week => (Decimal::from(7), "weeks"),
                    ast::DurationUnit::Month => (Decimal::from(30), "months"),
                };
                let in_days = v.checked_mul(days);
                if in_days.is_none() {
                    self.invalid(
                        d.span,
                        format!(
                            "the time in stage `{}`, {} {unit}, is more days than planck can count ({})",
                            s.name.text,
                            v.normalize(),
                            Decimal::MAX
                        ),
                        "write the average time deals spend in the stage, e.g. `dwell 10d`",
                    );
                }
                in_days
            });
            if i == last && i > 0 {
                if let Some(c) = s.convert.first() {
                    self.invalid(
                        c.keyword,
                        format!("the last stage `{}` is terminal and has no conversion", s.name.text),
                        "deals in the last stage are won: remove `convert` here, or add the final stage after it",
                    );
                }
            } else if convert.is_none() && s.convert.is_empty() {
                self.invalid(
                    s.name.span,
                    format!("stage `{}` has no conversion rate", s.name.text),
                    "add `convert PERCENT`: the share of entries that move on to the next stage",
                );
            }
            stages.push(model::Stage {
                name: s.name.text.clone(),
                label: text(&s.label),
                buyer: first(&s.buyer).map(|b| b.value.clone()),
                convert,
                dwell_days,
                milestone: first(&s.milestone).map(|m| m.value.clone()),
                actions: s.actions.iter().map(|a| a.value.clone()).collect(),
                tools: s.tools.iter().map(|a| a.value.clone()).collect(),
                span: s.name.span,
            });
        }
        let funnel = &mut self.model.funnels[id.index()];
        funnel.deal_size = deal_size;
        funnel.inflow = inflow;
        funnel.stages = stages;
    }

    fn goal(&mut self, g: &ast::Goal) {
        let Some(&id) = self.goals.get(&g.name.text) else {
            return;
        };
        if self.model.goals[id.index()].name_span != g.name.span {
            return;
        }
        self.once(&g.owner, "owner");
        self.once(&g.target, "target");
        self.once(&g.baseline, "baseline");
        self.once(&g.period, "period");
        self.once(&g.parent, "parent");
        self.once(&g.funnel, "funnel");
        let owner = first(&g.owner).and_then(|o| match o {
            ast::NameOrText::Text(s) => Some(Owner::Text(s.value.clone())),
            ast::NameOrText::Name(n) => match self.people.get(&n.text) {
                Some(Person::Rep(r)) => Some(Owner::Rep(*r)),
                Some(Person::Team(t)) => Some(Owner::Team(*t)),
                None => {
                    self.unresolved(
                        "rep or team",
                        n,
                        Names::People,
                        Some("an owner is a rep, a team, or a quoted name such as `owner \"销售总监\"`".into()),
                    );
                    None
                }
            },
        });
        let target_field = first(&g.target);
        let target = target_field.and_then(|q| {
            let value = q.amount.value?;
            if value.is_sign_negative() && !value.is_zero() {
                self.invalid(
                    q.amount.span,
                    "a target cannot be negative",
                    "write the amount to reach, e.g. `target 12M CNY`",
                );
                return None;
            }
            self.check_currency(&q.unit.text, q.unit.span);
            Some(Amount {
                value,
                unit: q.unit.text.clone(),
                span: q.span,
            })
        });
        let target_invalid = target_field.is_some() && target.is_none();

        let period = match first(&g.period) {
            Some(expr) => {
                let p = self.period(expr);
                match p {
                    Some(p)
                        if self.inside_plan_written(
                            p,
                            expr.span,
                            "the goal's period",
                            Some(expr),
                        ) =>
                    {
                        Some(p)
                    }
                    _ => None,
                }
            }
            None => self.model.plan.period,
        };

        let baseline = first(&g.baseline).and_then(|b| {
            let amount = self.amount(&b.quantity, "a baseline")?;
            if let Some(t) = &target
                && t.unit != amount.unit
            {
                self.push(
                    Diagnostic::new(
                        Code::UnitMismatch,
                        b.quantity.unit.span,
                        format!(
                            "the baseline is in `{}` but the target is in `{}`",
                            amount.unit, t.unit
                        ),
                    )
                    .with_label(format!("expected {}", t.unit))
                    .with_secondary(t.span, "the target's unit")
                    .with_help("a baseline is last period's result for the same measure: use the target's unit"),
                );
                return None;
            }
            let p = self.period(&b.period)?;
            Some((amount, p))
        });

        let supports: Vec<StrategyId> = g
            .supports
            .iter()
            .filter_map(|s| match self.strategies.get(&s.text) {
                Some(&id) => Some(id),
                None => {
                    self.unresolved("strategy", s, Names::Strategies, None);
                    None
                }
            })
            .collect();
        let parent = first(&g.parent).and_then(|p| match self.goals.get(&p.text) {
            Some(&pid) if pid == id => {
                self.invalid(
                    p.span,
                    "a goal cannot be its own parent",
                    "name another goal, or use `supports STRATEGY`",
                );
                None
            }
            Some(&pid) => Some(pid),
            None => {
                self.unresolved("goal", p, Names::Goals, None);
                None
            }
        });
        let funnel = first(&g.funnel).and_then(|f| match self.funnels.get(&f.text) {
            Some(&fid) => Some(fid),
            None => {
                self.unresolved("funnel", f, Names::Funnels, None);
                None
            }
        });
        let mut allows = Vec::new();
        for a in &g.allows {
            match Code::from_name(&a.text) {
                Some(code) if code.is_lint() => allows.push(code),
                Some(code) => self.invalid(
                    a.span,
                    format!("`{code}` is an error that cannot be allowed"),
                    "only lints (warnings and `over-capacity`) can be allowed; fix the error instead",
                ),
                None => {
                    let help = match did_you_mean(&a.text, Code::ALL.iter().map(|c| c.as_str())) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "`planck explain CODE` lists what each code means".to_string(),
                    };
                    self.push(
                        Diagnostic::new(
                            Code::UnresolvedName,
                            a.span,
                            format!("no diagnostic code named `{}`", a.text),
                        )
                        .with_label("unknown code")
                        .with_help(help),
                    );
                }
            }
        }
        let splits = g.splits.iter().filter_map(|s| self.split(s)).collect();

        let goal = &mut self.model.goals[id.index()];
        goal.owner_invalid = owner.is_none() && !g.owner.is_empty();
        goal.owner = owner;
        goal.target = target;
        goal.target_invalid = target_invalid;
        goal.baseline_invalid = baseline.is_none() && !g.baseline.is_empty();
        goal.baseline = baseline;
        goal.period = period;
        goal.links_invalid = supports.is_empty()
            && parent.is_none()
            && !(g.supports.is_empty() && g.parent.is_empty());
        goal.supports = supports;
        goal.parent = parent;
        goal.funnel = funnel;
        goal.funnel_span = first(&g.funnel).map(|f| f.span);
        goal.allows = allows;
        goal.splits = splits;
    }

    fn dim_ref(&mut self, name: &ast::NameRef) -> Option<DimRef> {
        let text = name.name.text.as_str();
        if name.qualifier.is_some() {
            self.invalid(
                name.span,
                "a split names a dimension, not a member",
                format!("write `split {text}`"),
            );
            return None;
        }
        if text == "rep" {
            return Some(DimRef::Rep);
        }
        if let Some(t) = TimeDim::from_name(text) {
            return Some(DimRef::Time(t));
        }
        if let Some(&d) = self.dimensions.get(text) {
            return Some(DimRef::User(d));
        }
        self.unresolved("dimension", &name.name, Names::AnyDimension, None);
        None
    }

    fn split_member(&mut self, dim: DimRef, m: &ast::NameRef) -> Option<MemberRef> {
        if let Some(q) = &m.qualifier {
            let expected = match dim {
                DimRef::User(d) => self.model.dimensions[d.index()].name.clone(),
                DimRef::Rep => "rep".to_string(),
                DimRef::Time(t) => t.name().to_string(),
            };
            if q.text != expected {
                self.invalid(
                    q.span,
                    format!("this split is on `{expected}`, not `{}`", q.text),
                    format!(
                        "write `{expected}.{}` or just `{}`",
                        m.name.text, m.name.text
                    ),
                );
                return None;
            }
        }
        match dim {
            DimRef::User(d) => self
                .user_member(d, &m.name)
                .map(|id| MemberRef::User(d, id)),
            DimRef::Rep => match self.people.get(&m.name.text) {
                Some(Person::Rep(r)) => Some(MemberRef::Rep(*r)),
                _ => {
                    self.unresolved("rep", &m.name, Names::Reps, None);
                    None
                }
            },
            DimRef::Time(t) => {
                let found = self
                    .slices
                    .get(&t)
                    .and_then(|s| s.get(&m.name.text))
                    .copied();
                match found {
                    Some(i) => Some(MemberRef::Time(t, i)),
                    None if self.model.plan.period.is_none() => None,
                    None => {
                        let names: Vec<String> = self
                            .model
                            .slices(t)
                            .iter()
                            .map(|s| s.name.clone())
                            .collect();
                        let range = match (names.first(), names.last()) {
                            (Some(a), Some(b)) => format!(
                                "the plan period has {} {a} to {b}",
                                match t {
                                    TimeDim::Half => "halves",
                                    TimeDim::Quarter => "quarters",
                                    TimeDim::Month => "months",
                                    TimeDim::Week => "weeks",
                                }
                            ),
                            _ => "the plan period has no such slices".to_string(),
                        };
                        self.unresolved(t.name(), &m.name, Names::Slices(t), Some(range));
                        None
                    }
                }
            }
        }
    }

    fn split(&mut self, s: &ast::Split) -> Option<Split> {
        let dim = self.dim_ref(&s.dimension)?;
        let kind = match &s.body {
            ast::SplitBody::Even(_) => SplitKind::Even,
            ast::SplitBody::By(attr) => SplitKind::By {
                attr: attr.text.clone(),
                span: attr.span,
            },
            ast::SplitBody::Entries { entries, span } => {
                let mut out = Vec::with_capacity(entries.len());
                let mut complete = true;
                for e in entries {
                    let Some(member) = self.split_member(dim, &e.member) else {
                        complete = false;
                        continue;
                    };
                    let share = match &e.share {
                        ast::Share::Percent(p) => p.value.map_or(Share::Invalid, Share::Percent),
                        ast::Share::Amount(n) => self
                            .non_negative(n, "a split amount")
                            .map_or(Share::Invalid, Share::Amount),
                        ast::Share::Rest(_) => Share::Rest,
                    };
                    let nested = e.nested.iter().filter_map(|n| self.split(n)).collect();
                    out.push(Entry {
                        member,
                        share,
                        nested,
                        span: e.span,
                        member_span: e.member.span,
                    });
                }
                SplitKind::Entries {
                    entries: out,
                    span: *span,
                    complete,
                }
            }
        };
        Some(Split {
            dim,
            kind,
            span: s.span,
            dim_span: s.dimension.span,
        })
    }

    fn deal(&mut self, d: &ast::Deal) {
        if let Some(&prev) = self.deals.get(&d.name.text) {
            let first = self.model.deals[prev.index()].span;
            self.duplicate("deal", &d.name, first);
            return;
        }
        self.once(&d.owner, "owner");
        self.once(&d.stage, "stage");
        self.once(&d.grade, "grade");
        self.once(&d.amount, "amount");
        self.once(&d.close, "close");
        self.once(&d.funnel, "funnel");
        let owner = first(&d.owner).and_then(|o| match o {
            ast::NameOrText::Name(n) => match self.people.get(&n.text) {
                Some(Person::Rep(r)) => Some(*r),
                _ => {
                    self.unresolved("rep", n, Names::Reps, None);
                    None
                }
            },
            ast::NameOrText::Text(s) => {
                self.invalid(
                    s.span,
                    "a deal's owner is a rep",
                    "write the rep's name without quotes, e.g. `owner alice`",
                );
                None
            }
        });
        let mut funnel = first(&d.funnel).and_then(|f| match self.funnels.get(&f.text) {
            Some(&id) => Some(id),
            None => {
                self.unresolved("funnel", f, Names::Funnels, None);
                None
            }
        });
        let mut stage = None;
        if let Some(s) = first(&d.stage) {
            let candidates: Vec<(FunnelId, usize)> = self
                .model
                .funnels
                .iter()
                .enumerate()
                .filter(|(i, _)| funnel.is_none_or(|f| f.index() == *i))
                .filter_map(|(i, f)| {
                    f.stages
                        .iter()
                        .position(|st| st.name == s.text)
                        .map(|p| (FunnelId(i as u32), p))
                })
                .collect();
            match candidates.as_slice() {
                [(f, idx)] => {
                    funnel = Some(*f);
                    stage = Some(*idx);
                }
                [] => {
                    self.unresolved("stage", s, Names::Stages(funnel), None);
                }
                many => {
                    let names: Vec<String> = many
                        .iter()
                        .map(|(f, _)| format!("`{}`", self.model.funnels[f.index()].name))
                        .collect();
                    self.push(
                        Diagnostic::new(
                            Code::AmbiguousMember,
                            s.span,
                            format!(
                                "stage `{}` is in several funnels: {}",
                                s.text,
                                names.join(", ")
                            ),
                        )
                        .with_label("which funnel?")
                        .with_help("add `funnel NAME` to the deal"),
                    );
                }
            }
        }
        let grade = first(&d.grade).and_then(|g| match self.grades.get(&g.text) {
            Some(&id) => Some(id),
            None => {
                self.unresolved("grade", g, Names::Grades, None);
                None
            }
        });
        let amount = first(&d.amount).and_then(|q| self.amount(q, "a deal amount"));
        let close = first(&d.close).and_then(|c| {
            let date = self.date(c)?;
            self.inside_plan(
                Period {
                    start: date,
                    end: date,
                },
                c.span,
                "the close date",
            );
            Some(date)
        });
        let coords = d.coords.iter().filter_map(|c| self.coord(c)).collect();
        self.deals
            .insert(d.name.text.clone(), DealId(self.model.deals.len() as u32));
        self.model.deals.push(model::Deal {
            name: d.name.text.clone(),
            label: text(&d.label),
            owner,
            funnel,
            stage,
            grade,
            amount,
            close,
            close_span: first(&d.close).map(|c| c.span),
            coords,
            span: d.name.span,
        });
    }

    /// A bare or qualified member in an actuals row.
    fn any_member(&mut self, m: &ast::NameRef) -> Option<MemberRef> {
        if let Some(q) = &m.qualifier {
            let dim = self.dim_ref(&ast::NameRef {
                qualifier: None,
                name: q.clone(),
                span: q.span,
            })?;
            return self.split_member(dim, m);
        }
        let found = self.members.get(&m.name.text).cloned().unwrap_or_default();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                self.unresolved("member or rep", &m.name, Names::AnyMember, None);
                None
            }
            many => {
                let dims: Vec<String> = many
                    .iter()
                    .map(|r| match r {
                        MemberRef::User(d, _) => self.model.dimensions[d.index()].name.clone(),
                        MemberRef::Rep(_) => "rep".to_string(),
                        MemberRef::Time(t, _) => t.name().to_string(),
                    })
                    .collect();
                let first_dim = dims.first().cloned().unwrap_or_default();
                self.push(
                    Diagnostic::new(
                        Code::AmbiguousMember,
                        m.span,
                        format!(
                            "`{}` is a member of {}",
                            m.name.text,
                            dims.iter()
                                .map(|d| format!("`{d}`"))
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ),
                    )
                    .with_label("ambiguous")
                    .with_help(format!(
                        "qualify it with its dimension, e.g. `{first_dim}.{}`",
                        m.name.text
                    )),
                );
                None
            }
        }
    }

    fn actuals(&mut self, a: &ast::Actuals, file: &LoadedFile) {
        let Some(&goal) = self.goals.get(&a.goal.text) else {
            self.unresolved("goal", &a.goal, Names::Goals, None);
            return;
        };
        let (rows, written) = match &a.source {
            ast::ActualsSource::File(path) => {
                let data = file
                    .data
                    .iter()
                    .find(|(span, _)| *span == path.span)
                    .map(|(_, id)| *id);
                // A file that could not be read was reported when loading.
                let Some(data) = data else { return };
                (self.csv_actuals(data), Some(path.value.clone()))
            }
            ast::ActualsSource::Inline(rows) => {
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let Some(p) = self.period(&row.period) else {
                        continue;
                    };
                    if !self.inside_plan_written(
                        p,
                        row.period.span,
                        "the actual's period",
                        Some(&row.period),
                    ) {
                        continue;
                    }
                    let coords: Vec<Option<MemberRef>> =
                        row.coords.iter().map(|c| self.any_member(c)).collect();
                    let one_per_dimension = self.one_member_per_dimension(row, &coords);
                    let (Some(amount), true, true) = (
                        row.amount.value,
                        coords.iter().all(Option::is_some),
                        one_per_dimension,
                    ) else {
                        continue;
                    };
                    out.push(ActualRow {
                        period: p,
                        coords: coords.into_iter().flatten().collect(),
                        amount,
                        span: row.span,
                    });
                }
                (out, None)
            }
        };
        self.model.actuals.push(model::Actuals {
            goal,
            rows,
            file: written,
            span: a.goal.span,
        });
    }

    /// Whether an inline actual row names at most one member of each dimension and no
    /// period besides its own. A row naming two would be counted in the cells of each,
    /// so it is reported (on the second name) and counted nowhere.
    fn one_member_per_dimension(
        &mut self,
        row: &ast::ActualRow,
        coords: &[Option<MemberRef>],
    ) -> bool {
        let mut ok = true;
        let mut seen: Vec<(DimRef, MemberRef, &ast::NameRef)> = Vec::with_capacity(coords.len());
        for (written, member) in row.coords.iter().zip(coords) {
            let Some(member) = *member else { continue };
            let as_written = match &written.qualifier {
                Some(q) => format!("{}.{}", q.text, written.name.text),
                None => written.name.text.clone(),
            };
            if let MemberRef::Time(..) = member {
                ok = false;
                // The period's span may end in the blank before the next name.
                let period_span = row.period.span;
                let period = self
                    .sources
                    .and_then(|s| s.get(period_span.file))
                    .and_then(|f| f.text.get(period_span.start..period_span.end))
                    .map(str::trim_end);
                let period_span = period.map_or(period_span, |p| {
                    Span::new(
                        period_span.file,
                        period_span.start,
                        period_span.start + p.len(),
                    )
                });
                let period = period.unwrap_or("its period").to_string();
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        written.span,
                        format!("this row names a second period, `{as_written}`, besides `{period}`"),
                    )
                    .with_label("a second period")
                    .with_secondary(period_span, "the row's period")
                    .with_help("write one period per row, at its start (e.g. `2026-03`), and only members after it"),
                );
                continue;
            }
            let dim = match member {
                MemberRef::User(d, _) => DimRef::User(d),
                MemberRef::Rep(_) => DimRef::Rep,
                MemberRef::Time(t, _) => DimRef::Time(t),
            };
            let Some(&(_, first_member, first)) = seen.iter().find(|(d, _, _)| *d == dim) else {
                seen.push((dim, member, written));
                continue;
            };
            ok = false;
            let first_written = match &first.qualifier {
                Some(q) => format!("{}.{}", q.text, first.name.text),
                None => first.name.text.clone(),
            };
            let diagnostic = if first_member == member {
                Diagnostic::new(
                    Code::InvalidValue,
                    written.span,
                    format!("this row names `{}` twice", written.name.text),
                )
                .with_label("named again")
                .with_secondary(first.span, "first named here")
                .with_help(format!("write `{first_written}` once: a row counts once"))
            } else {
                let dim_name = match dim {
                    DimRef::User(d) => self
                        .model
                        .dimensions
                        .get(d.index())
                        .map_or_else(String::new, |x| x.name.clone()),
                    DimRef::Rep => "rep".to_string(),
                    DimRef::Time(t) => t.name().to_string(),
                };
                Diagnostic::new(
                    Code::InvalidValue,
                    written.span,
                    format!(
                        "this row names two members of `{dim_name}`: `{}` and `{}`",
                        first.name.text, written.name.text
                    ),
                )
                .with_label(format!("a second `{dim_name}` member"))
                .with_secondary(first.span, format!("the first `{dim_name}` member"))
                .with_help(format!(
                    "a row belongs to one member of each dimension: write one row per member, \
                     e.g. `… {first_written} AMOUNT` and `… {as_written} AMOUNT`"
                ))
            };
            self.push(diagnostic);
        }
        ok
    }

    /// Read a CSV of actuals: a header with `period`, one column per dimension, and
    /// `amount`. Every bad field is reported with its row and column; the other rows
    /// are kept.
    fn csv_actuals(&mut self, data: crate::source::FileId) -> Vec<ActualRow> {
        let Some(text) = self
            .sources
            .and_then(|s| s.get(data))
            .map(|f| f.text.clone())
        else {
            return Vec::new();
        };
        let (records, diagnostics) = csv::parse(data, &text);
        self.diagnostics.extend(diagnostics);
        let Some((header, rows)) = records.split_first() else {
            self.push(
                Diagnostic::new(Code::Syntax, Span::new(data, 0, 0), "the CSV file is empty")
                    .with_label("no header")
                    .with_help("start with a header: `period,region,amount`"),
            );
            return Vec::new();
        };
        #[derive(PartialEq)]
        enum Column {
            Period,
            Amount,
            Dimension(DimRef),
            Unknown,
        }
        let mut columns = Vec::with_capacity(header.fields.len());
        for field in &header.fields {
            let name = field.text.as_str();
            let column = match name.to_lowercase().as_str() {
                "period" => Column::Period,
                "amount" => Column::Amount,
                _ => {
                    let as_name = ast::Name {
                        text: name.to_string(),
                        span: field.span,
                    };
                    match self.dim_ref(&ast::NameRef {
                        qualifier: None,
                        name: as_name,
                        span: field.span,
                    }) {
                        Some(DimRef::Time(_)) => {
                            self.invalid(
                                field.span,
                                format!(
                                    "`{name}` is a time dimension: the `period` column says when"
                                ),
                                "remove the column; write each row's period in `period`",
                            );
                            Column::Unknown
                        }
                        Some(d) => Column::Dimension(d),
                        None => Column::Unknown,
                    }
                }
            };
            columns.push(column);
        }
        // A column read twice would count a row in two members of one dimension, or
        // keep one of two amounts: the file is not read at all.
        // Each known column's first field: few, so a list is enough.
        let mut firsts: Vec<(&Column, &csv::Field)> = Vec::new();
        let mut repeated = false;
        for (column, field) in columns.iter().zip(&header.fields) {
            if *column == Column::Unknown {
                continue;
            }
            let Some(&(_, first)) = firsts.iter().find(|(c, _)| *c == column) else {
                firsts.push((column, field));
                continue;
            };
            repeated = true;
            let name = match column {
                Column::Period => "period",
                Column::Amount => "amount",
                _ => field.text.as_str(),
            };
            self.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    field.span,
                    format!("the CSV header names the `{name}` column twice"),
                )
                .with_label("named again")
                .with_secondary(first.span, "first named here")
                .with_help("remove one of the two columns: each column may appear once"),
            );
        }
        if repeated {
            return Vec::new();
        }
        let has_period = columns.iter().any(|c| matches!(c, Column::Period));
        let has_amount = columns.iter().any(|c| matches!(c, Column::Amount));
        for (needed, present) in [("period", has_period), ("amount", has_amount)] {
            if !present {
                self.push(
                    Diagnostic::new(
                        Code::Syntax,
                        header.span,
                        format!("the CSV header has no `{needed}` column"),
                    )
                    .with_label("header")
                    .with_help("the header names `period`, one column per dimension, and `amount`, e.g. `period,region,rep,amount`"),
                );
                return Vec::new();
            }
        }
        let header_names: Vec<&str> = header.fields.iter().map(|f| f.text.as_str()).collect();
        let mut out = Vec::with_capacity(rows.len());
        for record in rows {
            let mut period = None;
            let mut amount = None;
            let mut coords = Vec::new();
            let mut ok = true;
            if record.fields.len() != columns.len() {
                self.push(
                    Diagnostic::new(
                        Code::Syntax,
                        record.span,
                        format!(
                            "row {} has {} fields but the header has {}",
                            record.line,
                            record.fields.len(),
                            columns.len()
                        ),
                    )
                    .with_label("this row")
                    .with_help(
                        "give every row one field per header column (an empty field is allowed)",
                    ),
                );
                continue;
            }
            for ((field, column), column_name) in
                record.fields.iter().zip(&columns).zip(&header_names)
            {
                let where_ = format!("row {}, column `{column_name}`", record.line);
                match column {
                    Column::Period => {
                        let parsed =
                            crate::syntax::parse_period(data, field.span.start, &field.text);
                        match parsed {
                            Some(expr) => match period::expr(&expr) {
                                Ok(p)
                                    if self.inside_plan_written(
                                        p,
                                        field.span,
                                        "the actual's period",
                                        Some(&expr),
                                    ) =>
                                {
                                    period = Some(p);
                                }
                                Ok(_) => {
                                    ok = false;
                                    if let Some(last) = self.diagnostics.last_mut()
                                        && last.span == field.span
                                    {
                                        last.message = format!("{where_}: {}", last.message);
                                    }
                                }
                                Err(e) => {
                                    ok = false;
                                    self.invalid(
                                        field.span,
                                        format!("{where_}: {}", e.message),
                                        e.help,
                                    );
                                }
                            },
                            None => {
                                ok = false;
                                self.invalid(
                                    field.span,
                                    format!("{where_}: `{}` is not a period", field.text),
                                    "write a period such as 2026-Q1, 2026-03 or 2026-03-15",
                                );
                            }
                        }
                    }
                    Column::Amount => {
                        let Some(clean) = csv::without_thousands(&field.text) else {
                            ok = false;
                            self.invalid(
                                field.span,
                                format!(
                                    "{where_}: `{}` is not an amount: `,` may only separate groups of three digits",
                                    field.text
                                ),
                                "write `,` only between thousands, e.g. 1,234,567.89, or leave it out; a decimal comma is not read: write 1.5",
                            );
                            continue;
                        };
                        match crate::syntax::parse_number(data, field.span.start, &clean) {
                            Some(v) => amount = Some(v),
                            None => {
                                ok = false;
                                self.invalid(
                                    field.span,
                                    format!("{where_}: `{}` is not an amount", field.text),
                                    "write a number such as 260000, 260k or -1500 (no unit)",
                                );
                            }
                        }
                    }
                    Column::Dimension(dim) => {
                        if field.text.is_empty() {
                            continue;
                        }
                        let member = ast::NameRef {
                            qualifier: None,
                            name: ast::Name {
                                text: field.text.clone(),
                                span: field.span,
                            },
                            span: field.span,
                        };
                        match self.split_member(*dim, &member) {
                            Some(m) => coords.push(m),
                            None => {
                                ok = false;
                                // Name the row and column, as for every CSV problem.
                                if let Some(last) = self.diagnostics.last_mut()
                                    && last.span == field.span
                                {
                                    last.message = format!("{where_}: {}", last.message);
                                }
                            }
                        }
                    }
                    Column::Unknown => {}
                }
            }
            if let (true, Some(period), Some(amount)) = (ok, period, amount) {
                out.push(ActualRow {
                    period,
                    coords,
                    amount,
                    span: record.span,
                });
            }
        }
        out
    }
}

fn placeholder_goal(g: &ast::Goal) -> model::Goal {
    model::Goal {
        name: g.name.text.clone(),
        label: text(&g.label),
        owner: None,
        owner_invalid: false,
        target: None,
        target_invalid: false,
        baseline: None,
        baseline_invalid: false,
        links_invalid: false,
        period: None,
        supports: Vec::new(),
        parent: None,
        funnel: None,
        funnel_span: None,
        splits: Vec::new(),
        allows: Vec::new(),
        span: g.span,
        name_span: g.name.span,
    }
}
