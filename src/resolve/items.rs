//! Pass 1: every definition is recorded (the plan block, strategies, dimensions and
//! their members, teams and reps, goals, funnels, grades), so that pass 2 finds names
//! whatever the order of the files, and duplicates are reported here.

use super::{BUILTIN_DIMENSIONS, Defined, Person, Resolver, first, text};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, *};
use crate::period::{self, TimeDim};
use crate::source::Span;
use crate::syntax::ast;
use crate::syntax::scan::Keyword;
use rust_decimal::Decimal;

use super::load::LoadedFile;

impl Resolver<'_> {
    pub(super) fn collect(&mut self, files: &[LoadedFile]) {
        for broken in files.iter().flat_map(|f| &f.ast.broken) {
            self.broken_names.insert(broken.name.clone());
            self.broken_keywords.insert(broken.keyword);
        }
        for item in files.iter().flat_map(|f| &f.ast.items) {
            self.broken_names
                .extend(item.broken_definitions().map(str::to_string));
        }
        self.definitions_unknown = files.iter().any(|f| f.unknown_definitions);
        let mut plan_found = self.broken_keywords.contains(&Keyword::Plan);
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
                        if let Some(&prev) = self.goals.get(g.name.text.as_str()) {
                            let first = self.model.goals[prev.index()].name_span;
                            self.duplicate(Defined::Goal, &g.name, first);
                        } else {
                            self.goals.insert(g.name.text.to_string(), id);
                            self.model.goals.push(placeholder_goal(g));
                        }
                    }
                    ast::Item::Funnel(f) => self.define_funnel(f),
                    ast::Item::Grades(g) => self.define_grades(g),
                    _ => {}
                }
            }
        }
        self.record_items(files);
    }

    /// Every item's span and what it defines, for placing errors (every name is defined
    /// by now, so actuals find their goal).
    fn record_items(&mut self, files: &[LoadedFile]) {
        let items: Vec<(Span, ItemRef)> = files
            .iter()
            .flat_map(|f| &f.ast.items)
            .map(|item| {
                let what = match item {
                    ast::Item::Plan(_) => ItemRef::Plan,
                    ast::Item::Include(_) => ItemRef::Include,
                    ast::Item::Strategy(_) => ItemRef::Strategy,
                    ast::Item::Dimension(d) => {
                        ItemRef::Dimension(self.dimensions.get(d.name.text.as_str()).copied())
                    }
                    ast::Item::Team(_) => ItemRef::Team,
                    ast::Item::Goal(g) => {
                        ItemRef::Goal(self.goals.get(g.name.text.as_str()).copied())
                    }
                    ast::Item::Funnel(f) => {
                        ItemRef::Funnel(self.funnels.get(f.name.text.as_str()).copied())
                    }
                    ast::Item::Grades(_) => ItemRef::Grades,
                    ast::Item::Deal(_) => ItemRef::Deal,
                    ast::Item::Deals(d) => ItemRef::Deals(match first(&d.mapping.funnel) {
                        Some(name) => self.funnels.get(name.text.as_str()).copied(),
                        None if self.model.funnels.len() == 1 => Some(FunnelId(0)),
                        None => None,
                    }),
                    ast::Item::Actuals(a) => {
                        ItemRef::Actuals(self.goals.get(a.goal.text.as_str()).copied())
                    }
                };
                (item.span(), what)
            })
            .collect();
        self.model.items = items;
        self.model
            .items
            .sort_unstable_by_key(|(span, _)| (span.file, span.start()));
    }

    pub(super) fn plan(&mut self, p: &ast::Plan) {
        self.report_repeats(&p.period, "period");
        self.report_repeats(&p.currency, "currency");
        self.report_repeats(&p.as_of, "as_of");
        self.model.plan.name = text(&p.name);
        self.model.plan.span = p.keyword;
        if let Some(c) = first(&p.currency) {
            if is_currency(&c.text) {
                self.model.plan.currency = Some(c.text.to_string());
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
            // The `period` statement was written but did not parse (already reported).
            None if ast::lost(&p.broken, "period") => {}
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

    pub(super) fn define_strategy(&mut self, s: &ast::Strategy) {
        if let Some(&prev) = self.strategies.get(s.name.text.as_str()) {
            let first = self.model.strategies[prev.index()].span;
            self.duplicate(Defined::Strategy, &s.name, first);
            return;
        }
        let id = StrategyId(self.model.strategies.len() as u32);
        self.strategies.insert(s.name.text.to_string(), id);
        self.model.strategies.push(model::Strategy {
            name: s.name.text.to_string(),
            label: text(&s.label),
            span: s.name.span,
        });
    }

    pub(super) fn define_dimension(&mut self, d: &ast::Dimension) {
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
        if let Some(&prev) = self.dimensions.get(d.name.text.as_str()) {
            let first = self.model.dimensions[prev.index()].span;
            self.duplicate(Defined::Dimension, &d.name, first);
            return;
        }
        let dim = DimId(self.model.dimensions.len() as u32);
        self.dimensions.insert(d.name.text.to_string(), dim);
        let mut members = Vec::with_capacity(d.members.len());
        let mut member_index = crate::hash::map_with_capacity(d.members.len());
        for m in &d.members {
            if let Some(&prev) = member_index.get(m.name.text.as_str()) {
                let first = members
                    .get(MemberId::index(prev))
                    .map_or(m.name.span, |x: &model::Member| x.span);
                self.duplicate(Defined::Member, &m.name, first);
                continue;
            }
            let id = MemberId(members.len() as u32);
            member_index.insert(m.name.text.to_string(), id);
            self.members
                .entry(m.name.text.to_string())
                .or_default()
                .push(MemberRef::User(dim, id));
            let mut attrs: Vec<model::Attr> = Vec::with_capacity(m.attrs.len());
            for a in &m.attrs {
                if let Some(prev) = attrs.iter().find(|x| x.name == a.name.text) {
                    let first = prev.span;
                    self.duplicate(Defined::Attribute, &a.name, first);
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
                    ast::AttrValue::Text(s) => AttrValue::Text(s.value.to_string()),
                    ast::AttrValue::Name(n) => AttrValue::Name(n.name.text.to_string()),
                };
                attrs.push(model::Attr {
                    name: a.name.text.to_string(),
                    value,
                    span: a.name.span,
                });
            }
            members.push(model::Member {
                name: m.name.text.to_string(),
                label: text(&m.label),
                attrs,
                span: m.name.span,
            });
        }
        self.model.dimensions.push(model::Dimension {
            name: d.name.text.to_string(),
            label: text(&d.label),
            members,
            member_index,
            span: d.name.span,
        });
    }

    pub(super) fn person_span(&self, person: Person) -> Span {
        match person {
            Person::Team(t) => self.model.teams[t.index()].span,
            Person::Rep(r) => self.model.reps[r.index()].span,
        }
    }

    pub(super) fn define_team(&mut self, t: &ast::Team) {
        if let Some(&prev) = self.people.get(t.name.text.as_str()) {
            let first = self.person_span(prev);
            self.duplicate(Defined::Person, &t.name, first);
            return;
        }
        let team = TeamId(self.model.teams.len() as u32);
        self.people
            .insert(t.name.text.to_string(), Person::Team(team));
        let mut reps = Vec::new();
        for rep in &t.reps {
            if let Some(&prev) = self.people.get(rep.name.text.as_str()) {
                let first = self.person_span(prev);
                self.duplicate(Defined::Person, &rep.name, first);
                continue;
            }
            let id = RepId(self.model.reps.len() as u32);
            self.people
                .insert(rep.name.text.to_string(), Person::Rep(id));
            self.members
                .entry(rep.name.text.to_string())
                .or_default()
                .push(MemberRef::Rep(id));
            reps.push(id);
            self.model.reps.push(model::Rep {
                name: rep.name.text.to_string(),
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
            name: t.name.text.to_string(),
            label: text(&t.label),
            lead: None,
            coords: Vec::new(),
            reps,
            span: t.name.span,
        });
    }

    pub(super) fn define_funnel(&mut self, f: &ast::Funnel) {
        if let Some(&prev) = self.funnels.get(f.name.text.as_str()) {
            let first = self.model.funnels[prev.index()].span;
            self.duplicate(Defined::Funnel, &f.name, first);
            return;
        }
        self.funnels.insert(
            f.name.text.to_string(),
            FunnelId(self.model.funnels.len() as u32),
        );
        self.model.funnels.push(model::Funnel {
            name: f.name.text.to_string(),
            label: text(&f.label),
            deal_size: None,
            inflow: None,
            inflow_span: None,
            stages: Vec::new(),
            outcomes: Vec::new(),
            repeated_last_stage: None,
            span: f.name.span,
        });
    }

    pub(super) fn define_grades(&mut self, g: &ast::Grades) {
        for grade in &g.grades {
            if let Some(&prev) = self.grades.get(grade.name.text.as_str()) {
                let first = self.model.grades[prev.index()].span;
                self.duplicate(Defined::Grade, &grade.name, first);
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
                grade.name.text.to_string(),
                GradeId(self.model.grades.len() as u32),
            );
            self.model.grades.push(model::Grade {
                name: grade.name.text.to_string(),
                label: text(&grade.label),
                probability: probability.filter(|p| *p <= Decimal::ONE),
                span: grade.name.span,
            });
        }
    }
}

fn placeholder_goal(g: &ast::Goal) -> model::Goal {
    model::Goal {
        name: g.name.text.to_string(),
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
        names_unknown: false,
        unread: Vec::new(),
        span: g.span,
        name_span: g.name.span,
    }
}
