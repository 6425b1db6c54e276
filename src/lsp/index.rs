//! Every name of a compilation: where it is defined and where it is used, across the
//! files of a root plan. Built from the syntax trees `syntax::parse` gives (the
//! compilation's own trees were consumed by resolution), with the resolver's scoping:
//! members belong to their dimension, stages to their funnel, and teams and reps share
//! one namespace.

use crate::Compilation;
use crate::source::{FileId, Span};
use crate::syntax::{self, ast};
use std::collections::HashMap;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Strategy,
    Dimension,
    Member,
    Team,
    Rep,
    Goal,
    Funnel,
    Stage,
    Grade,
    Deal,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Strategy => "strategy",
            Kind::Dimension => "dimension",
            Kind::Member => "member",
            Kind::Team => "team",
            Kind::Rep => "rep",
            Kind::Goal => "goal",
            Kind::Funnel => "funnel",
            Kind::Stage => "stage",
            Kind::Grade => "grade",
            Kind::Deal => "deal",
        }
    }

    /// Kinds whose names may not repeat one another's (in the same scope).
    fn namespace(self) -> u8 {
        match self {
            Kind::Team | Kind::Rep => 0,
            other => other as u8 + 1,
        }
    }
}

/// A defined name: its kind, the dimension or funnel it belongs to (else empty), and
/// the name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Symbol {
    pub kind: Kind,
    pub scope: String,
    pub name: String,
}

/// One place a name is written.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: usize,
    pub definition: bool,
}

#[derive(Default)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    ids: HashMap<Symbol, usize>,
    /// Every place a name is written, per file, sorted by position.
    pub occurrences: HashMap<FileId, Vec<Occurrence>>,
    /// The syntax tree of every plan file.
    pub trees: HashMap<FileId, ast::File>,
}

impl Index {
    pub fn build(c: &Compilation) -> Index {
        let mut index = Index::default();
        for f in &c.files {
            if let Some(source) = c.sources.get(f.id) {
                let (tree, _) = syntax::parse(f.id, &source.text);
                index.trees.insert(f.id, tree);
            }
        }
        let mut ids: Vec<FileId> = index.trees.keys().copied().collect();
        ids.sort();
        let mut found = Vec::new();
        for id in &ids {
            if let Some(tree) = index.trees.get(id) {
                definitions(tree, &mut found);
            }
        }
        for (symbol, span) in found {
            let i = index.intern(symbol);
            index.push(span, i, true);
        }
        let mut refs = Vec::new();
        for id in &ids {
            if let Some(tree) = index.trees.get(id) {
                index.references(tree, &mut refs);
            }
        }
        for (span, i) in refs {
            index.push(span, i, false);
        }
        for list in index.occurrences.values_mut() {
            list.sort_by_key(|o| (o.span.start(), !o.definition));
        }
        index
    }

    fn intern(&mut self, symbol: Symbol) -> usize {
        if let Some(&i) = self.ids.get(&symbol) {
            return i;
        }
        self.symbols.push(symbol.clone());
        self.ids.insert(symbol, self.symbols.len() - 1);
        self.symbols.len() - 1
    }

    fn push(&mut self, span: Span, symbol: usize, definition: bool) {
        self.occurrences
            .entry(span.file)
            .or_default()
            .push(Occurrence {
                span,
                symbol,
                definition,
            });
    }

    pub fn id(&self, kind: Kind, scope: &str, name: &str) -> Option<usize> {
        self.ids
            .get(&Symbol {
                kind,
                scope: scope.to_string(),
                name: name.to_string(),
            })
            .copied()
    }

    /// The name written at a byte offset (touching either end counts).
    pub fn at(&self, file: FileId, offset: usize) -> Option<Occurrence> {
        let list = self.occurrences.get(&file)?;
        let after = list.partition_point(|o| o.span.start() <= offset);
        list.get(..after)?
            .iter()
            .rev()
            .find(|o| o.span.end() >= offset)
            .copied()
    }

    /// Every place a symbol is written, its definitions first.
    pub fn all(&self, symbol: usize) -> Vec<Occurrence> {
        let mut out: Vec<Occurrence> = self
            .occurrences
            .values()
            .flatten()
            .filter(|o| o.symbol == symbol)
            .copied()
            .collect();
        out.sort_by_key(|o| (!o.definition, o.span.file, o.span.start()));
        out
    }

    /// Whether a name is taken in the namespace and scope of `symbol`.
    pub fn taken(&self, symbol: &Symbol, name: &str) -> bool {
        self.symbols.iter().any(|s| {
            s.kind.namespace() == symbol.kind.namespace()
                && s.scope == symbol.scope
                && s.name == name
        })
    }

    /// Every symbol of a kind (and scope, if given).
    pub fn of_kind(&self, kind: Kind, scope: Option<&str>) -> impl Iterator<Item = &Symbol> {
        self.symbols
            .iter()
            .filter(move |s| s.kind == kind && scope.is_none_or(|sc| s.scope == sc))
    }

    fn person(&self, name: &str) -> Option<usize> {
        self.id(Kind::Rep, "", name)
            .or_else(|| self.id(Kind::Team, "", name))
    }

    /// A member named inside `dimension` (a user dimension, or `rep`).
    fn member(&self, dimension: &str, name: &str) -> Option<usize> {
        if dimension == "rep" {
            return self.person(name);
        }
        self.id(Kind::Member, dimension, name)
    }

    /// A reference to a member, qualified or in the dimension given by its context.
    fn member_ref(&self, r: &ast::NameRef, dimension: Option<&str>, out: &mut Vec<(Span, usize)>) {
        match &r.qualifier {
            Some(q) => {
                if let Some(d) = self.id(Kind::Dimension, "", &q.text) {
                    out.push((q.span, d));
                }
                if let Some(m) = self.member(&q.text, &r.name.text) {
                    out.push((r.name.span, m));
                }
            }
            None => {
                let found = match dimension {
                    Some(d) => self.member(d, &r.name.text),
                    // Any dimension's member, else a rep.
                    None => self
                        .symbols
                        .iter()
                        .position(|s| s.kind == Kind::Member && s.name == r.name.text)
                        .or_else(|| self.person(&r.name.text)),
                };
                if let Some(m) = found {
                    out.push((r.name.span, m));
                }
            }
        }
    }

    fn coord(&self, c: &ast::Coord, out: &mut Vec<(Span, usize)>) {
        if let Some(d) = self.id(Kind::Dimension, "", &c.dimension.text) {
            out.push((c.dimension.span, d));
        }
        self.member_ref(&c.member, Some(&c.dimension.text), out);
    }

    fn named(&self, kind: Kind, n: &ast::Name, out: &mut Vec<(Span, usize)>) {
        if let Some(i) = self.id(kind, "", &n.text) {
            out.push((n.span, i));
        }
    }

    fn owner(&self, o: &ast::NameOrText, out: &mut Vec<(Span, usize)>) {
        if let ast::NameOrText::Name(n) = o
            && let Some(i) = self.person(&n.text)
        {
            out.push((n.span, i));
        }
    }

    fn splits(&self, splits: &[ast::Split], out: &mut Vec<(Span, usize)>) {
        for s in splits {
            let dimension = match &s.dimension.qualifier {
                Some(q) => q.text.as_str(),
                None => s.dimension.name.text.as_str(),
            };
            if let Some(d) = self.id(Kind::Dimension, "", &s.dimension.name.text) {
                out.push((s.dimension.name.span, d));
            }
            if let ast::SplitBody::Entries { entries, .. } = &s.body {
                for e in entries {
                    self.member_ref(&e.member, Some(dimension), out);
                    self.splits(&e.nested, out);
                }
            }
        }
    }

    fn references(&self, tree: &ast::File, out: &mut Vec<(Span, usize)>) {
        for item in &tree.items {
            match item {
                ast::Item::Team(t) => {
                    for l in &t.lead {
                        self.owner(&l.value, out);
                    }
                    for c in &t.coords {
                        self.coord(c, out);
                    }
                    for r in &t.reps {
                        for c in &r.coords {
                            self.coord(c, out);
                        }
                    }
                }
                ast::Item::Goal(g) => {
                    for o in &g.owner {
                        self.owner(&o.value, out);
                    }
                    for s in &g.supports {
                        self.named(Kind::Strategy, s, out);
                    }
                    for p in &g.parent {
                        self.named(Kind::Goal, &p.value, out);
                    }
                    for f in &g.funnel {
                        self.named(Kind::Funnel, &f.value, out);
                    }
                    self.splits(&g.splits, out);
                }
                ast::Item::Deal(d) => {
                    for o in &d.owner {
                        self.owner(&o.value, out);
                    }
                    for f in d.funnel() {
                        self.named(Kind::Funnel, &f.value, out);
                    }
                    for g in d.grade() {
                        self.named(Kind::Grade, &g.value, out);
                    }
                    for s in &d.stage {
                        let funnel = d.funnel().first().map(|f| f.value.text.as_str());
                        let mut found = self
                            .symbols
                            .iter()
                            .enumerate()
                            .filter(|(_, x)| {
                                x.kind == Kind::Stage
                                    && x.name == s.value.text
                                    && funnel.is_none_or(|f| x.scope == f)
                            })
                            .map(|(i, _)| i);
                        if let (Some(i), None) = (found.next(), found.next()) {
                            out.push((s.value.span, i));
                        }
                    }
                    for c in &d.coords {
                        self.coord(c, out);
                    }
                }
                ast::Item::Actuals(a) => {
                    self.named(Kind::Goal, &a.goal, out);
                    if let ast::ActualsSource::Inline(rows) = &a.source {
                        for row in rows {
                            for c in &row.coords {
                                self.member_ref(c, None, out);
                            }
                        }
                    }
                }
                ast::Item::Dimension(d) => {
                    for m in &d.members {
                        for a in &m.attrs {
                            if let ast::AttrValue::Name(r) = &a.value {
                                self.member_ref(r, None, out);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn symbol(kind: Kind, scope: &str, name: &ast::Name) -> (Symbol, Span) {
    (
        Symbol {
            kind,
            scope: scope.to_string(),
            name: name.text.to_string(),
        },
        name.span,
    )
}

/// Every definition of a file's names.
fn definitions(tree: &ast::File, out: &mut Vec<(Symbol, Span)>) {
    for item in &tree.items {
        match item {
            ast::Item::Strategy(s) => out.push(symbol(Kind::Strategy, "", &s.name)),
            ast::Item::Dimension(d) => {
                out.push(symbol(Kind::Dimension, "", &d.name));
                for m in &d.members {
                    out.push(symbol(Kind::Member, &d.name.text, &m.name));
                }
            }
            ast::Item::Team(t) => {
                out.push(symbol(Kind::Team, "", &t.name));
                for r in &t.reps {
                    out.push(symbol(Kind::Rep, "", &r.name));
                }
            }
            ast::Item::Goal(g) => out.push(symbol(Kind::Goal, "", &g.name)),
            ast::Item::Funnel(f) => {
                out.push(symbol(Kind::Funnel, "", &f.name));
                for s in &f.stages {
                    out.push(symbol(Kind::Stage, &f.name.text, &s.name));
                }
                for o in &f.outcomes {
                    out.push(symbol(Kind::Stage, &f.name.text, &o.name));
                }
            }
            ast::Item::Grades(g) => {
                for grade in &g.grades {
                    out.push(symbol(Kind::Grade, "", &grade.name));
                }
            }
            ast::Item::Deal(d) => out.push(symbol(Kind::Deal, "", &d.name)),
            ast::Item::Plan(_)
            | ast::Item::Include(_)
            | ast::Item::Actuals(_)
            | ast::Item::Deals(_) => {}
        }
    }
}
