//! Pass 2 for teams, funnels, goals (with their splits) and deals: each statement's
//! references and values are resolved into the model.

use super::{Defined, NameKind, Person, Resolver, first, text};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, *};
use crate::period::Period;
use crate::suggest::did_you_mean;
use crate::syntax::ast;
use rust_decimal::Decimal;

impl Resolver<'_> {
    pub(super) fn team(&mut self, t: &ast::Team) {
        let Some(Person::Team(team)) = self.people.get(t.name.text.as_str()).copied() else {
            return;
        };
        if self.model.teams[team.index()].span != t.name.span {
            return; // a duplicate, already reported
        }
        self.report_repeats(&t.lead, "lead");
        let lead = first(&t.lead).map(|l| match l {
            ast::NameOrText::Name(n) => n.text.clone(),
            ast::NameOrText::Text(s) => s.value.clone(),
        });
        let coords: Vec<Coord> = t.coords.iter().filter_map(|c| self.coord(c)).collect();
        self.model.teams[team.index()].lead = lead.map(String::from);
        self.model.teams[team.index()].coords = coords.clone();
        for rep in &t.reps {
            let Some(Person::Rep(id)) = self.people.get(rep.name.text.as_str()).copied() else {
                continue;
            };
            if self.model.reps[id.index()].span != rep.name.span {
                continue;
            }
            self.report_repeats(&rep.capacity, "capacity");
            self.report_repeats(&rep.start, "start");
            self.report_repeats(&rep.ramp, "ramp");
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

    pub(super) fn funnel(&mut self, f: &ast::Funnel) {
        let Some(&id) = self.funnels.get(f.name.text.as_str()) else {
            return;
        };
        if self.model.funnels[id.index()].span != f.name.span {
            return;
        }
        self.report_repeats(&f.deal_size, "deal_size");
        self.report_repeats(&f.inflow, "inflow");
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
            Some((value, rate.per.text.to_string()))
        });
        // The whole statement, keyword and rate.
        let inflow_span = inflow
            .as_ref()
            .and(f.inflow.first())
            .map(|field| field.keyword.with_end(field.value.span.end()));
        let mut stages: Vec<model::Stage> = Vec::with_capacity(f.stages.len());
        let last = f.stages.len().saturating_sub(1);
        for (i, s) in f.stages.iter().enumerate() {
            if let Some(prev) = stages.iter().find(|x| x.name == s.name.text) {
                let first = prev.span;
                self.duplicate(Defined::Stage, &s.name, first);
                continue;
            }
            self.report_repeats(&s.convert, "convert");
            self.report_repeats(&s.dwell, "dwell");
            self.report_repeats(&s.buyer, "buyer");
            self.report_repeats(&s.milestone, "milestone");
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
            } else if convert.is_none() && s.convert.is_empty() && !ast::lost(&s.broken, "convert")
            {
                self.invalid(
                    s.name.span,
                    format!("stage `{}` has no conversion rate", s.name.text),
                    "add `convert PERCENT`: the share of entries that move on to the next stage",
                );
            }
            stages.push(model::Stage {
                name: s.name.text.to_string(),
                label: text(&s.label),
                buyer: first(&s.buyer).map(|b| b.value.to_string()),
                convert,
                dwell_days,
                milestone: first(&s.milestone).map(|m| m.value.to_string()),
                actions: s.actions.iter().map(|a| a.value.to_string()).collect(),
                tools: s.tools.iter().map(|a| a.value.to_string()).collect(),
                span: s.name.span,
            });
        }
        let repeated_last_stage = f.stages.last().and_then(|last| {
            let earlier = stages.iter().position(|s| s.name == last.name.text)?;
            let kept = stages.get(earlier)?;
            (kept.span != last.name.span).then_some((earlier, last.name.span))
        });
        let mut outcomes: Vec<model::Outcome> = Vec::with_capacity(f.outcomes.len());
        for o in &f.outcomes {
            let earlier = stages
                .iter()
                .map(|s| (&s.name, s.span))
                .chain(outcomes.iter().map(|x| (&x.name, x.span)))
                .find(|(name, _)| **name == o.name.text);
            if let Some((_, first)) = earlier {
                self.duplicate(Defined::Stage, &o.name, first);
                continue;
            }
            outcomes.push(model::Outcome {
                name: o.name.text.to_string(),
                label: text(&o.label),
                span: o.name.span,
            });
        }
        let funnel = &mut self.model.funnels[id.index()];
        funnel.deal_size = deal_size;
        funnel.inflow = inflow;
        funnel.inflow_span = inflow_span;
        funnel.stages = stages;
        funnel.outcomes = outcomes;
        funnel.repeated_last_stage = repeated_last_stage;
    }

    pub(super) fn goal(&mut self, g: &ast::Goal) {
        let Some(&id) = self.goals.get(g.name.text.as_str()) else {
            return;
        };
        if self.model.goals[id.index()].name_span != g.name.span {
            return;
        }
        self.report_repeats(&g.owner, "owner");
        self.report_repeats(&g.target, "target");
        self.report_repeats(&g.baseline, "baseline");
        self.report_repeats(&g.period, "period");
        self.report_repeats(&g.parent, "parent");
        self.report_repeats(&g.funnel, "funnel");
        // Names left unreported because a broken item may define them: those the goal's
        // numbers depend on (its owner, funnel and splits) are counted.
        let explained_before_owner = self.explained;
        let owner = first(&g.owner).and_then(|o| match o {
            ast::NameOrText::Text(s) => Some(Owner::Text(s.value.to_string())),
            ast::NameOrText::Name(n) => match self.people.get(n.text.as_str()) {
                Some(Person::Rep(r)) => Some(Owner::Rep(*r)),
                Some(Person::Team(t)) => Some(Owner::Team(*t)),
                None => {
                    self.unresolved(
                        n,
                        NameKind::Person,
                        Some("an owner is a rep, a team, or a quoted name such as `owner \"销售总监\"`".into()),
                    );
                    None
                }
            },
        });
        let explained_by_owner = self.explained - explained_before_owner;
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
            .filter_map(|s| match self.strategies.get(s.text.as_str()) {
                Some(&id) => Some(id),
                None => {
                    self.unresolved(s, NameKind::Strategy, None);
                    None
                }
            })
            .collect();
        let parent = first(&g.parent).and_then(|p| match self.goals.get(p.text.as_str()) {
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
                self.unresolved(p, NameKind::Goal, None);
                None
            }
        });
        let explained_before_funnel = self.explained;
        let funnel = first(&g.funnel).and_then(|f| match self.funnels.get(f.text.as_str()) {
            Some(&fid) => Some(fid),
            None => {
                self.unresolved(f, NameKind::Funnel, None);
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
        // An `allow` that did not parse but names a lint (a code written with spaces)
        // still says what the writer allows: its lint would only repeat the mistake.
        for b in &g.broken {
            if b.keyword == Some("allow")
                && let Some(code) = Code::from_name(&b.name).filter(|c| c.is_lint())
            {
                allows.push(code);
            }
        }
        let splits = g.splits.iter().filter_map(|s| self.split(s)).collect();
        let names_unknown = explained_by_owner > 0 || self.explained > explained_before_funnel;

        // A statement lost to a syntax error may have said what the goal lacks.
        let lost = |keyword| ast::lost(&g.broken, keyword);
        let goal = &mut self.model.goals[id.index()];
        goal.owner_invalid = owner.is_none() && (!g.owner.is_empty() || lost("owner"));
        goal.owner = owner;
        goal.target_invalid = target_invalid || (target.is_none() && lost("target"));
        goal.target = target;
        goal.baseline_invalid = baseline.is_none() && (!g.baseline.is_empty() || lost("baseline"));
        goal.baseline = baseline;
        goal.period = period;
        let links_written =
            !g.supports.is_empty() || !g.parent.is_empty() || lost("supports") || lost("parent");
        goal.links_invalid = supports.is_empty() && parent.is_none() && links_written;
        goal.supports = supports;
        goal.parent = parent;
        goal.funnel = funnel;
        goal.funnel_span = first(&g.funnel).map(|f| f.span);
        goal.allows = allows;
        goal.splits = splits;
        goal.names_unknown = names_unknown;
        goal.unread = unread_statements(g);
    }

    pub(super) fn split(&mut self, s: &ast::Split) -> Option<Split> {
        let dim = self.dim_ref(&s.dimension)?;
        let kind = match &s.body {
            ast::SplitBody::Even(_) => SplitKind::Even,
            ast::SplitBody::By(attr) => SplitKind::By {
                attr: attr.text.to_string(),
                span: attr.span,
            },
            ast::SplitBody::Entries { entries, span } => {
                let mut out = Vec::with_capacity(entries.len());
                // An entry lost to a syntax error leaves the sums unknown.
                let mut complete = s.broken.is_empty();
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
        let mut blocks = Vec::with_capacity(s.blocks.len());
        for b in &s.blocks {
            let member = match &b.member {
                None => None,
                Some(name) => match self.split_member(dim, name) {
                    Some(m) => Some(m),
                    // Already reported: the block's splits would apply to no member.
                    None => continue,
                },
            };
            blocks.push(MemberBlock {
                member,
                splits: b.splits.iter().filter_map(|n| self.split(n)).collect(),
                span: b.span,
            });
        }
        Some(Split {
            dim,
            kind,
            blocks,
            span: s.span,
            dim_span: s.dimension.span,
        })
    }

    /// Resolve a deal, taking its name and label over from the syntax tree.
    pub(super) fn deal(&mut self, deal: ast::Deal) {
        let d = &deal;
        if let Some(&prev) = self.deals.get(d.name.text.as_str()) {
            let first = self
                .model
                .deals
                .get(prev.index())
                .map_or(d.name.span, |p| p.span);
            self.duplicate(Defined::Deal, &d.name, first);
            return;
        }
        self.report_repeats(&d.owner, "owner");
        self.report_repeats(&d.stage, "stage");
        self.report_repeats(d.grade(), "grade");
        self.report_repeats(&d.amount, "amount");
        self.report_repeats(&d.close, "close");
        self.report_repeats(d.opened(), "opened");
        self.report_repeats(d.funnel(), "funnel");
        let owner = first(&d.owner).and_then(|o| match o {
            ast::NameOrText::Name(n) => match self.people.get(n.text.as_str()) {
                Some(Person::Rep(r)) => Some(*r),
                _ => {
                    self.unresolved(n, NameKind::Rep, None);
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
        let mut funnel = first(d.funnel()).and_then(|f| match self.funnels.get(f.text.as_str()) {
            Some(&id) => Some(id),
            None => {
                self.unresolved(f, NameKind::Funnel, None);
                None
            }
        });
        let mut stage = None;
        if let Some(s) = first(&d.stage) {
            // Nearly always one: kept inline, not allocated for every deal.
            let candidates: smallvec::SmallVec<[(FunnelId, StageRef); 2]> = self
                .model
                .funnels
                .iter()
                .enumerate()
                .filter(|(i, _)| funnel.is_none_or(|f| f.index() == *i))
                .filter_map(|(i, f)| Some((FunnelId(i as u32), f.stage_named(&s.text)?)))
                .collect();
            match candidates.as_slice() {
                [(f, idx)] => {
                    funnel = Some(*f);
                    stage = Some(*idx);
                }
                [] => {
                    self.unresolved(s, NameKind::Stage(funnel), None);
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
        let grade = first(d.grade()).and_then(|g| match self.grades.get(g.text.as_str()) {
            Some(&id) => Some(id),
            None => {
                self.unresolved(g, NameKind::Grade, None);
                None
            }
        });
        let amount = first(&d.amount).and_then(|q| self.amount(q, "a deal amount"));
        // A won or lost deal is history: it may have closed before the plan period.
        let closed = match (funnel, stage) {
            (Some(f), Some(s)) => self.model.funnels[f.index()].state(s) != DealState::Open,
            _ => false,
        };
        let close = first(&d.close).and_then(|c| {
            let date = self.date(c)?;
            if !closed {
                self.inside_plan(
                    Period {
                        start: date,
                        end: date,
                    },
                    c.span,
                    "the close date",
                );
            }
            Some(date)
        });
        let opened = first(d.opened()).and_then(|o| {
            let date = self.date(o)?;
            if let Some(close) = close.filter(|c| *c < date) {
                self.invalid(
                    o.span,
                    format!("the deal was opened on {date}, after it closes on {close}"),
                    "`opened` is the day the deal entered the funnel: on or before `close`",
                );
                return None;
            }
            Some(date)
        });
        let owner_span = first(&d.owner).map(|o| match o {
            ast::NameOrText::Name(n) => n.span,
            ast::NameOrText::Text(s) => s.span,
        });
        let mut coords = model::DealCoords::with_capacity(d.coords.len());
        let mut written: smallvec::SmallVec<[&ast::Coord; 4]> = smallvec::SmallVec::new();
        for c in &d.coords {
            let Some(coord) = self.coord(c) else { continue };
            if let Some(k) = coords.iter().position(|x| x.dim == coord.dim) {
                let dim = &self.model.dimensions[coord.dim.index()].name;
                let diagnostic = Diagnostic::new(
                    Code::DuplicateName,
                    c.span,
                    format!(
                        "deal `{}` names two members of `{dim}`: `{}` and `{}`",
                        d.name.text, written[k].member.name.text, c.member.name.text
                    ),
                )
                .with_label(format!("a second `{dim}` member"))
                .with_secondary(written[k].span, format!("the first `{dim}` member"))
                .with_help(format!(
                    "a deal belongs to one member of each dimension: keep one `{dim}`"
                ));
                self.push(diagnostic);
                continue;
            }
            if let (Some(rep), Some(at)) = (owner, owner_span)
                && let Some(implied) = rep_implies(&self.model, rep, coord)
            {
                let what = format!("deal `{}`", d.name.text);
                self.push(rep_conflict(
                    &self.model,
                    &what,
                    rep,
                    coord,
                    implied,
                    c.span,
                    at,
                ));
            }
            coords.push(coord);
            written.push(c);
        }
        let stage_invalid =
            stage.is_none() && (!d.stage.is_empty() || ast::lost(d.broken(), "stage"));
        let close_span = first(&d.close).map(|c| c.span);
        drop(written);
        let ast::Deal { name, label, .. } = deal;
        self.deals
            .insert(name.text.clone(), DealId(self.model.deals.len() as u32));
        self.model.deals.push(model::Deal {
            name: &name.text,
            label: label.as_ref().map(|l| l.value.as_str()),
            owner,
            funnel,
            stage,
            stage_invalid,
            grade,
            amount: amount.as_ref().map(|a| model::DealAmount {
                value: a.value,
                unit: &a.unit,
            }),
            close,
            close_span,
            opened,
            coords: &coords,
            span: name.span,
        });
    }
}

impl Resolver<'_> {
    /// Whether an inline actual row names no member that contradicts its rep's (see
    /// [`rep_implies`]); each contradiction is reported and the row counts nowhere.
    pub(super) fn row_agrees_with_rep(
        &mut self,
        row: &ast::ActualRow,
        coords: &[Option<MemberRef>],
    ) -> bool {
        let Some((rep, rep_at)) = coords
            .iter()
            .zip(&row.coords)
            .find_map(|(m, written)| match m {
                Some(MemberRef::Rep(r)) => Some((*r, written.span)),
                _ => None,
            })
        else {
            return true;
        };
        let mut ok = true;
        for (m, written) in coords.iter().zip(&row.coords) {
            let Some(MemberRef::User(dim, member)) = *m else {
                continue;
            };
            let coord = Coord { dim, member };
            if let Some(implied) = rep_implies(&self.model, rep, coord) {
                ok = false;
                let d = rep_conflict(
                    &self.model,
                    "this row",
                    rep,
                    coord,
                    implied,
                    written.span,
                    rep_at,
                );
                self.push(d);
            }
        }
        ok
    }
}

/// The member that `rep` stands for on `coord`'s dimension (through its team, or its
/// own coordinates) when that is not `coord`'s member: a deal owned by, or a row of, a
/// rep of the team in `region east` that names `region west`. `None` when the rep is
/// tied to no member of that dimension, or to `coord`'s.
pub(super) fn rep_implies(model: &Model, rep: RepId, coord: Coord) -> Option<MemberId> {
    let coords = &model.rep(rep)?.coords;
    let mut on_dim = coords.iter().filter(|c| c.dim == coord.dim);
    let implied = on_dim.next()?;
    (implied.member != coord.member && on_dim.all(|c| c.member != coord.member))
        .then_some(implied.member)
}

/// The `invalid-value` error for a member that contradicts the one its rep stands for
/// (see [`rep_implies`]): `what` names the deal or row, `at` is the member as written
/// and `rep_at` the rep.
pub(super) fn rep_conflict(
    model: &Model,
    what: &str,
    rep: RepId,
    coord: Coord,
    implied: MemberId,
    at: crate::source::Span,
    rep_at: crate::source::Span,
) -> Diagnostic {
    let dim = model.dimension(coord.dim);
    let dim_name = dim.map_or("", |d| d.name.as_str());
    let member = |m: MemberId| {
        dim.and_then(|d| d.members.get(m.index()))
            .map_or("", |m| m.name.as_str())
    };
    let rep_name = model.rep(rep).map_or("", |r| r.name.as_str());
    Diagnostic::new(
        Code::InvalidValue,
        at,
        format!(
            "{what} names `{dim_name} {}`, but its rep `{rep_name}` is in `{dim_name} {}`",
            member(coord.member),
            member(implied)
        ),
    )
    .with_label(format!("not `{rep_name}`'s `{dim_name}`"))
    .with_secondary(rep_at, format!("`{rep_name}` is in `{}`", member(implied)))
    .with_help(format!(
        "a rep's deals and results are in the members its team is tied to: write `{dim_name} {}` or leave it out, or name the right rep",
        member(implied)
    ))
}

/// The spans of a goal's statements that its allocation does not read.
fn unread_statements(g: &ast::Goal) -> Vec<crate::source::Span> {
    use crate::source::Span;
    let statement = |keyword: Span, end: Span| Span::new(keyword.file, keyword.start(), end.end());
    let parents = g.parent.iter().map(|f| statement(f.keyword, f.value.span));
    let baselines = g
        .baseline
        .iter()
        .map(|f| statement(f.keyword, f.value.period.span));
    let names = g.supports.iter().chain(&g.allows).map(|n| n.span);
    let broken = g
        .broken
        .iter()
        .filter(|b| {
            matches!(
                b.keyword,
                Some("parent" | "supports" | "allow" | "baseline")
            )
        })
        .map(|b| b.span);
    parents
        .chain(baselines)
        .chain(names)
        .chain(broken)
        .collect()
}
