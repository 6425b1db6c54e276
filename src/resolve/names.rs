//! Names in references: dimensions, members, reps, time slices and the other named
//! things, with "did you mean" for an unknown one, and silence when a broken item may
//! define it.

use super::{BUILTIN_DIMENSIONS, Names, Person, Resolver};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::period::TimeDim;
use crate::suggest;
use crate::syntax::ast;
use crate::syntax::scan::Keyword;

impl Resolver<'_> {
    /// Whether a failed lookup may be explained by an item that did not parse: then the
    /// syntax error is the one to fix, and a second error would mislead.
    pub(super) fn maybe_broken(&self, kind: &str, name: &str) -> bool {
        if self.definitions_unknown || self.broken_names.contains(name) {
            return true;
        }
        let keywords: &[Keyword] = if kind.starts_with("member") {
            &[Keyword::Dimension, Keyword::Team, Keyword::Rep]
        } else if kind.contains("rep") {
            &[Keyword::Team, Keyword::Rep]
        } else if kind == "stage" {
            &[Keyword::Funnel, Keyword::Stage]
        } else if kind == "grade" {
            &[Keyword::Grades]
        } else {
            &[]
        };
        keywords.iter().any(|k| self.broken_keywords.contains(k))
    }

    pub(super) fn names_of(&self, names: Names) -> Vec<&str> {
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
    pub(super) fn unresolved(
        &mut self,
        kind: &str,
        name: &ast::Name,
        names: Names,
        extra: Option<String>,
    ) {
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

    pub(super) fn coord(&mut self, c: &ast::Coord) -> Option<Coord> {
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

    pub(super) fn user_member(&mut self, dim: DimId, name: &ast::Name) -> Option<MemberId> {
        let d = &self.model.dimensions[dim.index()];
        if let Some(&m) = d.member_index.get(&name.text) {
            return Some(m);
        }
        let kind = format!("member of `{}`", d.name);
        self.unresolved(&kind, name, Names::Members(dim), None);
        None
    }

    pub(super) fn dim_ref(&mut self, name: &ast::NameRef) -> Option<DimRef> {
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

    pub(super) fn split_member(&mut self, dim: DimRef, m: &ast::NameRef) -> Option<MemberRef> {
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

    /// A bare or qualified member in an actuals row.
    pub(super) fn any_member(&mut self, m: &ast::NameRef) -> Option<MemberRef> {
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
}
