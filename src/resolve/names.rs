//! Names in references: dimensions, members, reps, time slices and the other named
//! things, with "did you mean" for an unknown one, and silence when a broken item may
//! define it.

use super::{BUILTIN_DIMENSIONS, Person, Resolver, invalid_value};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::period::TimeDim;
use crate::suggest;
use crate::syntax::ast;
use crate::syntax::scan::Keyword;

/// What kind of thing a reference names. It decides the noun of the messages, the names
/// a "did you mean" is chosen from, and which broken items may define the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum NameKind {
    /// A user dimension (in a coordinate).
    Dimension,
    /// A user dimension or a built-in one (`rep`, `month` …), in a split.
    AnyDimension,
    Member(DimId),
    /// A rep or a team: an owner.
    Person,
    Rep,
    Slice(TimeDim),
    Strategy,
    Goal,
    Funnel,
    /// A stage of one funnel, or of any.
    Stage(Option<FunnelId>),
    Grade,
    /// A bare member name: a user member or a rep.
    AnyMember,
}

/// What kind of thing a definition defines: the noun of a `duplicate-name` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Defined {
    Goal,
    Strategy,
    Dimension,
    Member,
    Attribute,
    /// A team or a rep, which share a namespace.
    Person,
    Funnel,
    Stage,
    Grade,
    Deal,
}

impl Defined {
    pub(super) fn noun(self) -> &'static str {
        match self {
            Defined::Goal => "goal",
            Defined::Strategy => "strategy",
            Defined::Dimension => "dimension",
            Defined::Member => "member",
            Defined::Attribute => "attribute",
            Defined::Person => "team or rep",
            Defined::Funnel => "funnel",
            Defined::Stage => "stage",
            Defined::Grade => "grade",
            Defined::Deal => "deal",
        }
    }
}

impl NameKind {
    /// The kinds of items whose breakage may hide a definition of this kind.
    fn defined_by(self) -> &'static [Keyword] {
        match self {
            NameKind::Member(_) | NameKind::AnyMember => {
                &[Keyword::Dimension, Keyword::Team, Keyword::Rep]
            }
            NameKind::Person | NameKind::Rep => &[Keyword::Team, Keyword::Rep],
            NameKind::Stage(_) => &[Keyword::Funnel, Keyword::Stage],
            NameKind::Grade => &[Keyword::Grades],
            NameKind::Dimension
            | NameKind::AnyDimension
            | NameKind::Slice(_)
            | NameKind::Strategy
            | NameKind::Goal
            | NameKind::Funnel => &[],
        }
    }
}

/// Why a name did not resolve.
#[derive(Debug)]
pub(super) enum NameError {
    /// A problem to report. The caller reports it, possibly saying more about where the
    /// name was written (a CSV row and column).
    Report(Box<Diagnostic>),
    /// Already explained by another diagnostic (an item that did not parse, a plan
    /// without a period): reporting it too would mislead.
    Explained,
}

impl Resolver<'_> {
    /// Whether a failed lookup may be explained by an item that did not parse: then the
    /// syntax error is the one to fix, and a second error would mislead.
    fn maybe_broken(&self, kind: NameKind, name: &str) -> bool {
        self.definitions_unknown
            || self.broken_names.contains(name)
            || kind
                .defined_by()
                .iter()
                .any(|k| self.broken_keywords.contains(k))
    }

    /// The noun for a kind of name in messages: "no rep named …".
    fn noun(&self, kind: NameKind) -> String {
        match kind {
            NameKind::Dimension | NameKind::AnyDimension => "dimension".to_string(),
            NameKind::Member(dim) => {
                let dimension = self.model.dimensions.get(dim.index());
                format!("member of `{}`", dimension.map_or("", |d| d.name.as_str()))
            }
            NameKind::Person => "rep or team".to_string(),
            NameKind::Rep => "rep".to_string(),
            NameKind::Slice(t) => t.name().to_string(),
            NameKind::Strategy => "strategy".to_string(),
            NameKind::Goal => "goal".to_string(),
            NameKind::Funnel => "funnel".to_string(),
            NameKind::Stage(_) => "stage".to_string(),
            NameKind::Grade => "grade".to_string(),
            NameKind::AnyMember => "member or rep".to_string(),
        }
    }

    /// The defined names of a kind, for suggestions.
    fn names_of(&self, kind: NameKind) -> Vec<&str> {
        match kind {
            NameKind::Dimension => self.dimensions.keys().map(String::as_str).collect(),
            NameKind::AnyDimension => self
                .dimensions
                .keys()
                .map(String::as_str)
                .chain(BUILTIN_DIMENSIONS.iter().copied())
                .collect(),
            NameKind::Member(dim) => self
                .model
                .dimensions
                .get(dim.index())
                .map(|d| d.members.iter().map(|m| m.name.as_str()).collect())
                .unwrap_or_default(),
            NameKind::Person => self.people.keys().map(String::as_str).collect(),
            NameKind::Rep => self.model.reps.iter().map(|r| r.name.as_str()).collect(),
            NameKind::Slice(t) => self
                .model
                .slices(t)
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
            NameKind::Strategy => self.strategies.keys().map(String::as_str).collect(),
            NameKind::Goal => self.goals.keys().map(String::as_str).collect(),
            NameKind::Funnel => self.funnels.keys().map(String::as_str).collect(),
            NameKind::Stage(funnel) => self
                .model
                .funnels
                .iter()
                .enumerate()
                .filter(|(i, _)| funnel.is_none_or(|f| f.index() == *i))
                .flat_map(|(_, f)| {
                    let outcomes = f.outcomes.iter().map(|o| o.name.as_str());
                    f.stages.iter().map(|s| s.name.as_str()).chain(outcomes)
                })
                .collect(),
            NameKind::Grade => self.grades.keys().map(String::as_str).collect(),
            NameKind::AnyMember => self.members.keys().map(String::as_str).collect(),
        }
    }

    /// Why `name`, of `kind`, is unknown: the closest defined name as a suggestion, else
    /// `extra` or a general help. The candidates are gathered once per kind, since a
    /// file of actuals may name thousands of unknowns.
    pub(super) fn unknown_name(
        &mut self,
        name: &ast::Name,
        kind: NameKind,
        extra: Option<String>,
    ) -> NameError {
        if self.maybe_broken(kind, &name.text) {
            return NameError::Explained;
        }
        if !self.suggesters.contains_key(&kind) {
            let suggester = suggest::Suggester::new(self.names_of(kind).into_iter());
            self.suggesters.insert(kind, suggester);
        }
        let noun = self.noun(kind);
        let suggestion = self
            .suggesters
            .get_mut(&kind)
            .and_then(|s| s.suggest(&name.text));
        let help = match suggestion {
            Some(best) => format!("did you mean `{best}`?"),
            None => extra.unwrap_or_else(|| format!("define the {noun} or correct the name")),
        };
        NameError::Report(Box::new(
            Diagnostic::new(
                Code::UnresolvedName,
                name.span,
                format!("no {noun} named `{}`", name.text),
            )
            .with_label(format!("unknown {noun}"))
            .with_help(help),
        ))
    }

    /// Report an unknown name (see [`Self::unknown_name`]).
    pub(super) fn unresolved(&mut self, name: &ast::Name, kind: NameKind, extra: Option<String>) {
        let error = self.unknown_name(name, kind, extra);
        self.report(error);
    }

    /// Report a name that did not resolve, unless it is already explained.
    pub(super) fn report(&mut self, error: NameError) {
        match error {
            NameError::Report(diagnostic) => self.push(*diagnostic),
            NameError::Explained => self.explained += 1,
        }
    }

    /// The value of a lookup, after reporting why it failed.
    fn reported<T>(&mut self, result: Result<T, NameError>) -> Option<T> {
        result.map_err(|e| self.report(e)).ok()
    }

    /// A diagnostic about a name, to report.
    fn name_error(diagnostic: Diagnostic) -> NameError {
        NameError::Report(Box::new(diagnostic))
    }

    pub(super) fn coord(&mut self, c: &ast::Coord) -> Option<Coord> {
        let Some(&dim) = self.dimensions.get(c.dimension.text.as_str()) else {
            // `stge lead` in a deal reads as a pair: its "dimension" may be a misspelt
            // statement keyword.
            let keywords = crate::syntax::keywords_beside_coordinates();
            let help = match suggest::did_you_mean(&c.dimension.text, keywords.into_iter()) {
                Some(keyword) => format!(
                    "did you mean the statement `{keyword}`? As written, `{} {}` reads as a `DIMENSION MEMBER` pair",
                    c.dimension.text, c.member.name.text
                ),
                None => "coordinates are `DIMENSION MEMBER` pairs, such as `region east`".into(),
            };
            self.unresolved(&c.dimension, NameKind::Dimension, Some(help));
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
        let member = self.user_member(dim, &c.member.name);
        let member = self.reported(member)?;
        Some(Coord { dim, member })
    }

    fn user_member(&mut self, dim: DimId, name: &ast::Name) -> Result<MemberId, NameError> {
        let d = &self.model.dimensions[dim.index()];
        match d.member_index.get(name.text.as_str()) {
            Some(&m) => Ok(m),
            None => Err(self.unknown_name(name, NameKind::Member(dim), None)),
        }
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
        self.unresolved(&name.name, NameKind::AnyDimension, None);
        None
    }

    /// A member of `dim`, as a split entry names it; reported if unknown.
    pub(super) fn split_member(&mut self, dim: DimRef, m: &ast::NameRef) -> Option<MemberRef> {
        let member = self.member_of(dim, m);
        self.reported(member)
    }

    /// A member of `dim`, or why there is none, for the caller to report.
    pub(super) fn member_of(
        &mut self,
        dim: DimRef,
        m: &ast::NameRef,
    ) -> Result<MemberRef, NameError> {
        if let Some(q) = &m.qualifier {
            let expected = match dim {
                DimRef::User(d) => self.model.dimensions[d.index()].name.clone(),
                DimRef::Rep => "rep".to_string(),
                DimRef::Time(t) => t.name().to_string(),
            };
            if q.text != expected {
                return Err(Self::name_error(invalid_value(
                    q.span,
                    format!("this split is on `{expected}`, not `{}`", q.text),
                    format!(
                        "write `{expected}.{}` or just `{}`",
                        m.name.text, m.name.text
                    ),
                )));
            }
        }
        match dim {
            DimRef::User(d) => self
                .user_member(d, &m.name)
                .map(|id| MemberRef::User(d, id)),
            DimRef::Rep => match self.people.get(m.name.text.as_str()) {
                Some(Person::Rep(r)) => Ok(MemberRef::Rep(*r)),
                _ => Err(self.unknown_name(&m.name, NameKind::Rep, None)),
            },
            DimRef::Time(t) => {
                let found = self
                    .slices
                    .get(&t)
                    .and_then(|s| s.get(m.name.text.as_str()))
                    .and_then(|&i| MemberRef::time(t, i));
                match found {
                    Some(member) => Ok(member),
                    // The missing period was reported; no slice can be named.
                    None if self.model.plan.period.is_none() => Err(NameError::Explained),
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
                        Err(self.unknown_name(&m.name, NameKind::Slice(t), Some(range)))
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
                name: ast::Name::clone(q),
                span: q.span,
            })?;
            return self.split_member(dim, m);
        }
        // Nearly every name is a member of one dimension: read in place, the members
        // are copied only for a message.
        if let Some([one]) = self
            .members
            .get(m.name.text.as_str())
            .map(|found| found.as_slice())
        {
            return Some(*one);
        }
        let found = self
            .members
            .get(m.name.text.as_str())
            .cloned()
            .unwrap_or_default();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                self.unresolved(&m.name, NameKind::AnyMember, None);
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
