//! Parse tree (pest pairs) to typed syntax tree.
//!
//! The grammar already guarantees the shape of every pair, so a pair of an unexpected
//! rule is skipped rather than trusted; values the grammar cannot judge (numbers too
//! large to represent) become `invalid-value` diagnostics.

use super::Rule;
use super::ast::*;
use super::literal;
use super::recover::{self, Block};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use rust_decimal::Decimal;

type P<'i> = Pair<'i, Rule>;

pub(super) struct Builder<'d> {
    pub file: FileId,
    pub base: usize,
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, pair: &P) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn name(&self, pair: P) -> Name {
        Name {
            span: self.span(&pair),
            text: pair.as_str().into(),
        }
    }

    fn name_ref(&self, pair: P) -> NameRef {
        let span = self.span(&pair);
        let text = pair.as_str();
        // Without a qualifier the name is the whole text (`name_ref` is compound-atomic):
        // read without walking its one pair.
        if !text.contains('.') {
            return NameRef {
                qualifier: None,
                name: Name {
                    span,
                    text: text.into(),
                },
                span,
            };
        }
        let mut parts = pair.into_inner();
        let first = parts.next().map(|p| self.name(p));
        let second = parts.next().map(|p| self.name(p));
        let (qualifier, name) = match (first, second) {
            (qualifier, Some(name)) => (qualifier, name),
            (Some(name), None) => (None, name),
            (None, None) => (
                None,
                Name {
                    text: Text::default(),
                    span,
                },
            ),
        };
        NameRef {
            qualifier: qualifier.map(Box::new),
            name,
            span,
        }
    }

    fn string(&self, pair: P) -> Str {
        let span = self.span(&pair);
        // The body is the text between the quotes (`string` is compound-atomic).
        let body = pair
            .as_str()
            .strip_prefix('"')
            .and_then(|text| text.strip_suffix('"'))
            .unwrap_or_default();
        // Nearly every string has no escape: its text is the value as written.
        if !body.contains('\\') {
            return Str {
                value: body.into(),
                span,
            };
        }
        let mut value = Text::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Str { value, span }
    }

    /// A statement of `block` that did not parse: its diagnostic is reported, and the
    /// error node returned.
    fn broken(&mut self, pair: &P, block: Block) -> BrokenStatement {
        let start = self.base + pair.as_span().start();
        let (diagnostic, broken) =
            recover::broken_statement(self.file, start, pair.as_str(), block);
        self.diagnostics.push(diagnostic);
        broken
    }

    /// The broken statement `bad` of `block`, after `pair` (the statement before it, if a
    /// `DIMENSION MEMBER` pair). A misspelt keyword followed by a name reads as such a pair
    /// (`rpe lee "Lee" { … }` in a team), and the rest of its line as broken: when the pair
    /// ends on the line `bad` starts on and its first word is close to a keyword of the
    /// block, both are one broken statement of that keyword, and the pair is to be dropped
    /// (`true`).
    fn broken_after(&mut self, bad: &P, pair: Option<&P>, block: Block) -> (BrokenStatement, bool) {
        let input = bad.as_span().get_input();
        let merged = pair.and_then(|pair| {
            let (start, end) = (pair.as_span().start(), pair.as_span().end());
            let between = input.get(end..bad.as_span().start())?;
            let word = super::scan::name_at_start(pair.as_str());
            (!between.contains('\n') && recover::misspells_keyword(word, block))
                .then(|| Some((start, input.get(start..bad.as_span().end())?)))
                .flatten()
        });
        match merged {
            Some((start, text)) => {
                let (diagnostic, broken) =
                    recover::broken_statement(self.file, self.base + start, text, block);
                self.diagnostics.push(diagnostic);
                (broken, true)
            }
            None => (self.broken(bad, block), false),
        }
    }

    /// A member pair (`region east`) or a broken statement, in a block that takes pairs.
    /// A broken statement on the line of the pair just before it may be that pair's name
    /// misspelt as a keyword: then the pair is taken back. Returns the pair read, which the
    /// next statement may continue.
    fn pair_or_broken<'i>(
        &mut self,
        stmt: P<'i>,
        last_pair: Option<P<'i>>,
        block: Block,
        coords: &mut impl List<Coord>,
        broken: &mut Vec<BrokenStatement>,
    ) -> Option<P<'i>> {
        if stmt.as_rule() == Rule::coord {
            add(coords, self.coord(stmt.clone()));
            return Some(stmt);
        }
        let (statement, drop_pair) = self.broken_after(&stmt, last_pair.as_ref(), block);
        if drop_pair {
            coords.take_last();
        }
        broken.push(statement);
        None
    }

    /// A lint code written with spaces (`allow missing baseline`) reads as `allow missing`
    /// and a broken statement after it. When the code and the words after it on its line
    /// name a code once joined with `-`, they are one broken `allow`, reported as such.
    fn code_with_spaces(&mut self, code: Option<&P>, bad: &P) -> Option<BrokenStatement> {
        let code = code?;
        let input = bad.as_span().get_input();
        let start = code.as_span().start();
        if input
            .get(code.as_span().end()..bad.as_span().start())?
            .contains('\n')
        {
            return None;
        }
        let words: Vec<&str> = std::iter::once(code.as_str())
            .chain(bad.as_str().split_whitespace())
            .collect();
        let (n, joined) = (2..=words.len()).rev().find_map(|n| {
            let joined = words.get(..n)?.join("-");
            Code::from_name(&joined).map(|_| (n, joined))
        })?;
        // The span runs to the end of the last word joined.
        let last = words.get(n - 1)?;
        let end = bad.as_span().start() + bad.as_str().find(last)? + last.len();
        let span = Span::new(self.file, self.base + start, self.base + end);
        self.diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                span,
                format!("a code has `-` between its words: `{joined}`"),
            )
            .with_label("written with spaces")
            .with_help(format!("write `allow {joined}`")),
        );
        Some(BrokenStatement {
            keyword: Some("allow"),
            name: joined,
            span,
        })
    }

    /// A unit after an actual row's amount (`2026-Q1 east 100k USD`) reads as the row and
    /// a broken statement of one word after it on its line: the unit is the mistake.
    fn unit_after_row(&mut self, row: Option<&P>, bad: &P) -> Option<BrokenStatement> {
        let row = row?;
        let input = bad.as_span().get_input();
        let word = bad.as_str().trim_end();
        if input
            .get(row.as_span().end()..bad.as_span().start())?
            .contains('\n')
            || super::scan::name_at_start(word) != word
        {
            return None;
        }
        let span = self.span(bad);
        let span = Span::new(span.file, span.start(), span.start() + word.len());
        let amount = row
            .as_str()
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("");
        self.diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                span,
                format!("an actual row takes no unit: `{word}` after `{amount}`"),
            )
            .with_label("no unit here")
            .with_help(format!(
                "write the amount alone (`{amount}`): actuals are in the unit of their goal's target"
            )),
        );
        Some(BrokenStatement {
            keyword: None,
            name: String::new(),
            span,
        })
    }

    fn invalid(&mut self, span: Span, message: String, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::InvalidValue, span, message)
                .with_label("cannot be represented exactly")
                .with_help(help.to_string()),
        );
    }

    /// Report a number that cannot be represented.
    fn unrepresentable(&mut self, text: &str, span: Span, error: literal::NumberError) {
        if error == literal::NumberError::TooLarge {
            self.invalid(
                span,
                format!("the number `{text}` is too large"),
                "amounts must stay below 7.9 × 10²⁸",
            );
        } else {
            self.invalid(
                span,
                format!("the number `{text}` is too large or too precise"),
                "numbers may have at most 28 significant digits",
            );
        }
    }

    /// Read `decimal` text (with `_` separators) exactly, or report it.
    fn decimal(&mut self, text: &str, span: Span) -> Option<Decimal> {
        literal::decimal(text)
            .map_err(|e| self.unrepresentable(text, span, e))
            .ok()
    }

    pub(super) fn number(&mut self, pair: P) -> Num {
        let span = self.span(&pair);
        let text = pair.as_str();
        let value = literal::number(text)
            .map_err(|e| self.unrepresentable(text, span, e))
            .ok();
        Num { value, span }
    }

    fn percent(&mut self, pair: P) -> Num {
        let span = self.span(&pair);
        let text = pair.into_inner().next().map_or("", |p| p.as_str());
        let value = self
            .decimal(text, span)
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
            .map(|v| v.normalize());
        Num { value, span }
    }

    fn quantity(&mut self, pair: P) -> Quantity {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let amount = match inner.next() {
            Some(p) => self.number(p),
            None => Num { value: None, span },
        };
        let unit = inner.next().map_or(
            Name {
                text: Text::default(),
                span,
            },
            |p| self.name(p),
        );
        Quantity { amount, unit, span }
    }

    fn period_atom(&self, pair: P) -> PeriodAtom {
        let span = self.span(&pair);
        let text = pair.as_str();
        // The grammar matched one of the forms the reader reads.
        let kind = literal::period_atom(text).unwrap_or(PeriodAtomKind::Year(0));
        PeriodAtom {
            kind,
            span,
            written: text.into(),
        }
    }

    pub(super) fn period(&self, pair: P) -> PeriodExpr {
        let span = self.span(&pair);
        let mut atoms = pair.into_inner().map(|p| self.period_atom(p));
        let start = atoms.next().unwrap_or(PeriodAtom {
            kind: PeriodAtomKind::Year(0),
            span,
            written: "".into(),
        });
        PeriodExpr {
            start,
            end: atoms.next().map(Box::new),
            span,
        }
    }

    /// The value of a one-argument statement (`target 5M CNY`), with its keyword span.
    fn field<T>(&mut self, pair: P, f: impl FnOnce(&mut Self, P) -> T) -> Option<Field<T>> {
        let mut inner = pair.into_inner();
        let keyword = self.span(&inner.next()?);
        let value = f(self, inner.next()?);
        Some(Field { keyword, value })
    }

    fn name_or_text(&self, pair: P) -> NameOrText {
        if pair.as_rule() == Rule::string {
            NameOrText::Text(self.string(pair))
        } else {
            NameOrText::Name(self.name(pair))
        }
    }

    /// Name and optional label at the start of an item (`goal revenue "…"`), skipping the
    /// keyword. Returns the remaining pairs.
    fn head<'i>(
        &self,
        pair: P<'i>,
    ) -> (
        Span,
        Name,
        Option<Str>,
        std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>,
    ) {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        if inner.peek().is_some_and(|p| p.as_rule().is_keyword()) {
            inner.next();
        }
        let name = inner.next().map_or(
            Name {
                text: Text::default(),
                span,
            },
            |p| self.name(p),
        );
        let label = inner
            .next_if(|p| p.as_rule() == Rule::string)
            .map(|p| self.string(p));
        (span, name, label, inner)
    }

    pub fn items(&mut self, file: P, out: &mut Vec<Item>) {
        for pair in file.into_inner() {
            let item = match pair.as_rule() {
                Rule::plan => Item::Plan(Box::new(self.plan(pair))),
                Rule::include => {
                    let span = self.span(&pair);
                    let Some(path) = pair.into_inner().nth(1) else {
                        continue;
                    };
                    Item::Include(Box::new(Include {
                        path: self.string(path),
                        span,
                    }))
                }
                Rule::strategy => {
                    let (span, name, label, _) = self.head(pair);
                    Item::Strategy(Box::new(Strategy { name, label, span }))
                }
                Rule::dimension => Item::Dimension(Box::new(self.dimension(pair))),
                Rule::team => Item::Team(Box::new(self.team(pair))),
                Rule::goal => Item::Goal(Box::new(self.goal(pair))),
                Rule::funnel => Item::Funnel(Box::new(self.funnel(pair))),
                Rule::grades => Item::Grades(Box::new(self.grades(pair))),
                Rule::deal => Item::Deal(Box::new(self.deal(pair))),
                Rule::actuals => Item::Actuals(Box::new(self.actuals(pair))),
                Rule::deals => Item::Deals(Box::new(self.deals(pair))),
                _ => continue,
            };
            out.push(item);
        }
    }

    fn plan(&mut self, pair: P) -> Plan {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let keyword = inner.next().map_or(span, |k| self.span(&k));
        let mut plan = Plan {
            keyword,
            name: None,
            period: SmallVec::new(),
            currency: SmallVec::new(),
            as_of: SmallVec::new(),
            broken: Vec::new(),
            span,
        };
        for stmt in inner {
            match stmt.as_rule() {
                Rule::string => plan.name = Some(self.string(stmt)),
                Rule::period_stmt => add(&mut plan.period, self.field(stmt, |b, p| b.period(p))),
                Rule::currency_stmt => add(&mut plan.currency, self.field(stmt, |b, p| b.name(p))),
                Rule::as_of_stmt => add(&mut plan.as_of, self.field(stmt, |b, p| b.period_atom(p))),
                Rule::bad_stmt => plan.broken.push(self.broken(&stmt, Block::Plan)),
                _ => {}
            }
        }
        plan
    }

    fn dimension(&mut self, pair: P) -> Dimension {
        let (span, name, label, rest) = self.head(pair);
        let mut dimension = Dimension {
            name,
            label,
            members: Vec::new(),
            broken: Vec::new(),
            span,
        };
        for stmt in rest {
            match stmt.as_rule() {
                Rule::member => dimension.members.push(self.member(stmt)),
                Rule::bad_stmt => dimension.broken.push(self.broken(&stmt, Block::Dimension)),
                _ => {}
            }
        }
        dimension
    }

    fn member(&mut self, pair: P) -> Member {
        let (span, name, label, rest) = self.head(pair);
        let mut member = Member {
            name,
            label,
            attrs: Vec::new(),
            broken: Vec::new(),
            span,
        };
        for attr in rest.flat_map(|a| a.into_inner()) {
            match attr.as_rule() {
                Rule::attr => member.attrs.push(self.attr(attr)),
                Rule::bad_stmt => member.broken.push(self.broken(&attr, Block::Attrs)),
                _ => {}
            }
        }
        member
    }

    fn attr(&mut self, pair: P) -> Attr {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = inner.next().map_or(
            Name {
                text: Text::default(),
                span,
            },
            |p| self.name(p),
        );
        let value = match inner.next() {
            Some(v) => match v.as_rule() {
                Rule::money => AttrValue::Money(self.quantity(v)),
                Rule::percent => AttrValue::Percent(self.percent(v)),
                Rule::number => AttrValue::Number(self.number(v)),
                Rule::string => AttrValue::Text(self.string(v)),
                _ => AttrValue::Name(self.name_ref(v)),
            },
            None => AttrValue::Text(Str {
                value: Text::default(),
                span,
            }),
        };
        Attr { name, value, span }
    }

    fn coord(&self, pair: P) -> Option<Coord> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let dimension = self.name(inner.next()?);
        let member = self.name_ref(inner.next()?);
        Some(Coord {
            dimension,
            member,
            span,
        })
    }

    fn team(&mut self, pair: P) -> Team {
        let (span, name, label, rest) = self.head(pair);
        let mut team = Team {
            name,
            label,
            lead: SmallVec::new(),
            coords: Vec::new(),
            reps: Vec::new(),
            broken: Vec::new(),
            span,
        };
        let mut pair = None;
        for stmt in rest {
            let rule = stmt.as_rule();
            match rule {
                Rule::lead_stmt => add(&mut team.lead, self.field(stmt, |b, p| b.name_or_text(p))),
                Rule::coord | Rule::bad_stmt => {
                    pair = self.pair_or_broken(
                        stmt,
                        pair.take(),
                        Block::Team,
                        &mut team.coords,
                        &mut team.broken,
                    );
                    continue;
                }
                Rule::rep => team.reps.push(self.rep(stmt)),
                _ => {}
            }
            pair = None;
        }
        team
    }

    fn rep(&mut self, pair: P) -> Rep {
        let (span, name, label, rest) = self.head(pair);
        let mut rep = Rep {
            name,
            label,
            capacity: SmallVec::new(),
            start: SmallVec::new(),
            ramp: SmallVec::new(),
            coords: Vec::new(),
            broken: Vec::new(),
            span,
        };
        let mut pair = None;
        for stmt in rest.flat_map(|body| body.into_inner()) {
            match stmt.as_rule() {
                Rule::coord | Rule::bad_stmt => {
                    pair = self.pair_or_broken(
                        stmt,
                        pair.take(),
                        Block::Rep,
                        &mut rep.coords,
                        &mut rep.broken,
                    );
                    continue;
                }
                Rule::capacity_stmt => {
                    add(&mut rep.capacity, self.field(stmt, |b, p| b.quantity(p)))
                }
                Rule::start_stmt => add(&mut rep.start, self.field(stmt, |b, p| b.period(p))),
                Rule::ramp_stmt => {
                    let mut inner = stmt.into_inner();
                    let Some(kw) = inner.next() else { continue };
                    let keyword = self.span(&kw);
                    let value = inner.map(|p| self.percent(p)).collect();
                    rep.ramp.push(Field { keyword, value });
                }
                _ => {}
            }
            pair = None;
        }
        rep
    }

    fn goal(&mut self, pair: P) -> Goal {
        let keyword = pair
            .clone()
            .into_inner()
            .next()
            .map_or(self.span(&pair), |k| self.span(&k));
        let (span, name, label, rest) = self.head(pair);
        let mut goal = Goal {
            keyword,
            name,
            label,
            owner: SmallVec::new(),
            target: SmallVec::new(),
            baseline: SmallVec::new(),
            period: SmallVec::new(),
            supports: Vec::new(),
            parent: SmallVec::new(),
            funnel: SmallVec::new(),
            splits: Vec::new(),
            allows: Vec::new(),
            broken: Vec::new(),
            span,
        };
        let mut allow = None;
        for stmt in rest {
            let previous = allow.take();
            match stmt.as_rule() {
                Rule::allow_stmt => {
                    allow = stmt.clone().into_inner().nth(1);
                    if let Some(f) = self.field(stmt, |b, p| b.name(p)) {
                        goal.allows.push(f.value);
                    }
                    continue;
                }
                Rule::bad_stmt => match self.code_with_spaces(previous.as_ref(), &stmt) {
                    Some(broken) => {
                        goal.allows.pop();
                        goal.broken.push(broken);
                    }
                    None => goal.broken.push(self.broken(&stmt, Block::Goal)),
                },
                Rule::owner_stmt => {
                    add(&mut goal.owner, self.field(stmt, |b, p| b.name_or_text(p)))
                }
                Rule::target_stmt => add(&mut goal.target, self.field(stmt, |b, p| b.quantity(p))),
                Rule::baseline_stmt => {
                    let mut inner = stmt.into_inner();
                    let (Some(kw), Some(q), Some(_in), Some(p)) =
                        (inner.next(), inner.next(), inner.next(), inner.next())
                    else {
                        continue;
                    };
                    let keyword = self.span(&kw);
                    let quantity = self.quantity(q);
                    let period = self.period(p);
                    goal.baseline.push(Field {
                        keyword,
                        value: Baseline { quantity, period },
                    });
                }
                Rule::period_stmt => add(&mut goal.period, self.field(stmt, |b, p| b.period(p))),
                Rule::supports_stmt => {
                    if let Some(f) = self.field(stmt, |b, p| b.name(p)) {
                        goal.supports.push(f.value);
                    }
                }
                Rule::parent_stmt => add(&mut goal.parent, self.field(stmt, |b, p| b.name(p))),
                Rule::funnel_ref => add(&mut goal.funnel, self.field(stmt, |b, p| b.name(p))),
                Rule::split => goal.splits.push(self.split(stmt)),
                _ => {}
            }
        }
        goal
    }

    fn split(&mut self, pair: P) -> Split {
        let mut span = self.span(&pair);
        // The rule's span takes in the white space skipped while looking for member
        // blocks that are not there: end it at its last part.
        if let Some(last) = pair.clone().into_inner().last() {
            span = span.with_end(self.span(&last).end());
        }
        let mut inner = pair.into_inner();
        let keyword = inner.next().map_or(span, |k| self.span(&k));
        let mut broken = Vec::new();
        let dimension = inner.next().map_or(
            NameRef {
                qualifier: None,
                name: Name {
                    text: Text::default(),
                    span,
                },
                span,
            },
            |p| self.name_ref(p),
        );
        let body_pair = inner.next();
        let mut blocks = Vec::new();
        if let Some(b) = inner.next().filter(|b| b.as_rule() == Rule::member_blocks) {
            for m in b.into_inner() {
                match m.as_rule() {
                    Rule::member_block => blocks.push(self.member_block(m)),
                    Rule::bad_stmt => broken.push(self.broken(&m, Block::MemberBlocks)),
                    _ => {}
                }
            }
        }
        let body = match body_pair {
            Some(b) if b.as_rule() == Rule::even => SplitBody::Even(self.span(&b)),
            Some(b) if b.as_rule() == Rule::by => {
                let by_span = self.span(&b);
                let attr = b.into_inner().nth(1).map_or(
                    Name {
                        text: Text::default(),
                        span: by_span,
                    },
                    |p| self.name(p),
                );
                SplitBody::By(attr)
            }
            Some(b) => {
                let block_span = self.span(&b);
                let mut entries = Vec::new();
                for entry in b.into_inner() {
                    match entry.as_rule() {
                        Rule::split_entry => entries.push(self.split_entry(entry)),
                        Rule::bad_stmt => broken.push(self.broken(&entry, Block::Split)),
                        _ => {}
                    }
                }
                SplitBody::Entries {
                    entries,
                    span: block_span,
                }
            }
            None => SplitBody::Entries {
                entries: Vec::new(),
                span,
            },
        };
        Split {
            keyword,
            dimension,
            body,
            broken,
            blocks,
            span,
        }
    }

    fn member_block(&mut self, pair: P) -> MemberBlock {
        let span = self.span(&pair);
        let mut member = None;
        let mut splits = Vec::new();
        let mut broken = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::name_ref => member = Some(self.name_ref(part)),
                Rule::nested => {
                    for stmt in part.into_inner() {
                        match stmt.as_rule() {
                            Rule::split => splits.push(self.split(stmt)),
                            Rule::bad_stmt => broken.push(self.broken(&stmt, Block::Nested)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        MemberBlock {
            member,
            splits,
            broken,
            span,
        }
    }

    fn split_entry(&mut self, pair: P) -> SplitEntry {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let member = inner.next().map_or(
            NameRef {
                qualifier: None,
                name: Name {
                    text: Text::default(),
                    span,
                },
                span,
            },
            |p| self.name_ref(p),
        );
        let share = match inner.next() {
            Some(p) if p.as_rule() == Rule::percent => Share::Percent(self.percent(p)),
            Some(p) if p.as_rule() == Rule::number => Share::Amount(self.number(p)),
            Some(p) => Share::Rest(self.span(&p)),
            None => Share::Rest(span),
        };
        let mut nested = Vec::new();
        let mut broken = Vec::new();
        for stmt in inner.flat_map(|n| n.into_inner()) {
            match stmt.as_rule() {
                Rule::split => nested.push(self.split(stmt)),
                Rule::bad_stmt => broken.push(self.broken(&stmt, Block::Nested)),
                _ => {}
            }
        }
        SplitEntry {
            member,
            share,
            nested,
            broken,
            span,
        }
    }

    fn funnel(&mut self, pair: P) -> Funnel {
        let (span, name, label, rest) = self.head(pair);
        let mut funnel = Funnel {
            name,
            label,
            deal_size: SmallVec::new(),
            inflow: SmallVec::new(),
            stages: Vec::new(),
            outcomes: Vec::new(),
            broken: Vec::new(),
            span,
        };
        for stmt in rest {
            match stmt.as_rule() {
                Rule::deal_size_stmt => add(
                    &mut funnel.deal_size,
                    self.field(stmt, |b, p| b.quantity(p)),
                ),
                Rule::inflow_stmt => add(&mut funnel.inflow, self.field(stmt, |b, p| b.rate(p))),
                Rule::stage => funnel.stages.push(self.stage(stmt)),
                Rule::outcome => {
                    let (span, name, label, _) = self.head(stmt);
                    funnel.outcomes.push(Outcome { name, label, span });
                }
                Rule::bad_stmt => funnel.broken.push(self.broken(&stmt, Block::Funnel)),
                _ => {}
            }
        }
        funnel
    }

    fn rate(&mut self, pair: P) -> Rate {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let amount = match inner.next() {
            Some(p) => self.number(p),
            None => Num { value: None, span },
        };
        let per = inner.nth(1).map_or(
            Name {
                text: Text::default(),
                span,
            },
            |p| self.name(p),
        );
        Rate { amount, per, span }
    }

    fn stage(&mut self, pair: P) -> Stage {
        let (span, name, label, rest) = self.head(pair);
        let mut stage = Stage {
            name,
            label,
            buyer: SmallVec::new(),
            convert: SmallVec::new(),
            dwell: SmallVec::new(),
            milestone: SmallVec::new(),
            actions: Vec::new(),
            tools: Vec::new(),
            broken: Vec::new(),
            span,
        };
        for stmt in rest.flat_map(|body| body.into_inner()) {
            match stmt.as_rule() {
                Rule::buyer_stmt => add(&mut stage.buyer, self.field(stmt, |b, p| b.string(p))),
                Rule::convert_stmt => {
                    add(&mut stage.convert, self.field(stmt, |b, p| b.percent(p)))
                }
                Rule::dwell_stmt => add(&mut stage.dwell, self.field(stmt, |b, p| b.duration(p))),
                Rule::milestone_stmt => {
                    add(&mut stage.milestone, self.field(stmt, |b, p| b.string(p)))
                }
                Rule::actions_stmt => stage
                    .actions
                    .extend(stmt.into_inner().skip(1).map(|p| self.string(p))),
                Rule::tools_stmt => stage
                    .tools
                    .extend(stmt.into_inner().skip(1).map(|p| self.string(p))),
                Rule::bad_stmt => stage.broken.push(self.broken(&stmt, Block::Stage)),
                _ => {}
            }
        }
        stage
    }

    fn duration(&mut self, pair: P) -> Duration {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let amount = inner.next().map_or(Num { value: None, span }, |p| Num {
            value: self.decimal(p.as_str(), span),
            span,
        });
        let unit = match inner.next().map(|p| p.as_str()) {
            Some("w") => DurationUnit::Week,
            Some("mo") => DurationUnit::Month,
            _ => DurationUnit::Day,
        };
        Duration { amount, unit, span }
    }

    fn grades(&mut self, pair: P) -> Grades {
        let span = self.span(&pair);
        let mut broken = Vec::new();
        let mut grades = Vec::new();
        for g in pair.into_inner() {
            match g.as_rule() {
                Rule::grade => grades.push(g),
                Rule::bad_stmt => broken.push(self.broken(&g, Block::Grades)),
                _ => {}
            }
        }
        let grades = grades
            .into_iter()
            .map(|g| {
                let span = self.span(&g);
                let mut inner = g.into_inner().peekable();
                let name = inner.next().map_or(
                    Name {
                        text: Text::default(),
                        span,
                    },
                    |p| self.name(p),
                );
                let label = inner
                    .next_if(|p| p.as_rule() == Rule::string)
                    .map(|p| self.string(p));
                let probability = inner
                    .next()
                    .map_or(Num { value: None, span }, |p| self.percent(p));
                Grade {
                    name,
                    label,
                    probability,
                    span,
                }
            })
            .collect();
        Grades {
            grades,
            broken,
            span,
        }
    }

    fn deal(&mut self, pair: P) -> Deal {
        let (span, name, label, rest) = self.head(pair);
        let mut deal = Deal {
            name,
            label,
            owner: SmallVec::new(),
            stage: SmallVec::new(),
            amount: SmallVec::new(),
            close: SmallVec::new(),
            coords: SmallVec::new(),
            more: None,
            span,
        };
        let mut more = DealMore::default();
        let mut pair = None;
        for stmt in rest {
            match stmt.as_rule() {
                Rule::coord | Rule::bad_stmt => {
                    pair = self.pair_or_broken(
                        stmt,
                        pair.take(),
                        Block::Deal,
                        &mut deal.coords,
                        &mut more.broken,
                    );
                    continue;
                }
                Rule::owner_stmt => {
                    add(&mut deal.owner, self.field(stmt, |b, p| b.name_or_text(p)))
                }
                Rule::stage_ref => add(&mut deal.stage, self.field(stmt, |b, p| b.name(p))),
                Rule::grade_ref => add(&mut more.grade, self.field(stmt, |b, p| b.name(p))),
                Rule::amount_stmt => add(&mut deal.amount, self.field(stmt, |b, p| b.quantity(p))),
                Rule::close_stmt => add(&mut deal.close, self.field(stmt, |b, p| b.period_atom(p))),
                Rule::opened_stmt => {
                    add(&mut more.opened, self.field(stmt, |b, p| b.period_atom(p)))
                }
                Rule::funnel_ref => add(&mut more.funnel, self.field(stmt, |b, p| b.name(p))),
                _ => {}
            }
            pair = None;
        }
        if !more.is_empty() {
            deal.more = Some(Box::new(more));
        }
        deal
    }

    fn actuals(&mut self, pair: P) -> Actuals {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let mut broken = Vec::new();
        let mut mapping = None;
        let goal = inner.next().map_or(
            Name {
                text: Text::default(),
                span,
            },
            |p| self.name(p),
        );
        let mut previous = None;
        let source = match inner.next() {
            Some(p) if p.as_rule() == Rule::actuals_from => {
                let mut parts = p.into_inner().skip(1);
                let path = parts.next().map_or(
                    Str {
                        value: Text::default(),
                        span,
                    },
                    |s| self.string(s),
                );
                mapping = parts.next().map(|m| Box::new(self.mapping(m)));
                ActualsSource::File(path)
            }
            Some(block) => ActualsSource::Inline(shrunk(
                block
                    .into_inner()
                    .filter_map(|row| {
                        if row.as_rule() == Rule::bad_stmt {
                            let unit = self.unit_after_row(previous.take().as_ref(), &row);
                            broken.push(unit.unwrap_or_else(|| self.broken(&row, Block::Actuals)));
                            return None;
                        }
                        previous = Some(row.clone());
                        let span = self.span(&row);
                        let parts = row.into_inner();
                        let mut period = None;
                        let mut coords = SmallVec::new();
                        let mut amount = Num { value: None, span };
                        for part in parts {
                            match part.as_rule() {
                                Rule::period => period = Some(self.period(part)),
                                Rule::name_ref => coords.push(self.name_ref(part)),
                                _ => amount = self.number(part),
                            }
                        }
                        Some(ActualRow {
                            period: period.unwrap_or(PeriodExpr {
                                start: PeriodAtom {
                                    kind: PeriodAtomKind::Year(0),
                                    span,
                                    written: "".into(),
                                },
                                end: None,
                                span,
                            }),
                            coords,
                            amount,
                            span,
                        })
                    })
                    .collect(),
            )),
            None => ActualsSource::Inline(Vec::new()),
        };
        Actuals {
            goal,
            source,
            mapping,
            broken,
            span,
        }
    }

    fn deals(&mut self, pair: P) -> Deals {
        let span = self.span(&pair);
        let mut path = Str {
            value: Text::default(),
            span,
        };
        let mut mapping = Mapping {
            span,
            ..Mapping::default()
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => path = self.string(part),
                Rule::mapping => mapping = self.mapping(part),
                _ => {}
            }
        }
        Deals {
            path,
            mapping,
            span,
        }
    }

    /// A column as written: a bare name or a quoted header.
    fn column(&self, pair: P) -> Str {
        if pair.as_rule() == Rule::string {
            self.string(pair)
        } else {
            Str {
                span: self.span(&pair),
                value: pair.as_str().into(),
            }
        }
    }

    fn mapping(&mut self, pair: P) -> Mapping {
        let mut mapping = Mapping {
            span: self.span(&pair),
            ..Mapping::default()
        };
        for stmt in pair.into_inner() {
            let span = self.span(&stmt);
            match stmt.as_rule() {
                Rule::funnel_ref => add(&mut mapping.funnel, self.field(stmt, |b, p| b.name(p))),
                Rule::dates_stmt => add(&mut mapping.dates, self.field(stmt, |b, p| b.string(p))),
                Rule::missing_stmt => {
                    let mut inner = stmt.into_inner();
                    let keyword = inner.next().map_or(span, |k| self.span(&k));
                    let value = match inner.next().map(|p| p.as_rule()) {
                        Some(Rule::k_amount) => Missing::AmountDealSize,
                        _ => Missing::CloseCycle,
                    };
                    mapping.missing.push(Field { keyword, value });
                }
                Rule::where_stmt => {
                    let mut inner = stmt.into_inner().skip(1);
                    let (Some(column), Some(op), Some(value)) =
                        (inner.next(), inner.next(), inner.next())
                    else {
                        continue;
                    };
                    let filter_op = match op.as_str() {
                        "!=" => FilterOp::NotEqual,
                        "<" => FilterOp::Less,
                        "<=" => FilterOp::LessOrEqual,
                        ">" => FilterOp::Greater,
                        ">=" => FilterOp::GreaterOrEqual,
                        _ => FilterOp::Equal,
                    };
                    let value = match value.as_rule() {
                        Rule::date => FilterValue::Date(self.period_atom(value)),
                        Rule::number => FilterValue::Amount(self.number(value)),
                        _ => FilterValue::Text(self.string(value)),
                    };
                    mapping.filters.push(Filter {
                        column: self.column(column),
                        op: filter_op,
                        op_span: self.span(&op),
                        value,
                        span,
                    });
                }
                Rule::skip_stmt => add(
                    &mut mapping.skip_footer,
                    Some(Field {
                        keyword: span,
                        value: (),
                    }),
                ),
                Rule::map_field => {
                    let mut inner = stmt.into_inner();
                    let (Some(field), Some(column)) = (inner.next(), inner.next()) else {
                        continue;
                    };
                    mapping.fields.push(MapField {
                        field: self.name(field),
                        column: self.column(column),
                        span,
                    });
                }
                Rule::bad_stmt => mapping.broken.push(self.broken(&stmt, Block::Mapping)),
                _ => {}
            }
        }
        mapping
    }
}

/// Add a statement's value, if it could be read, to the list of its keyword.
fn add<T>(list: &mut impl List<T>, value: Option<T>) {
    if let Some(value) = value {
        list.add(value);
    }
}

/// A list of statements in the tree.
trait List<T> {
    fn add(&mut self, value: T);
    /// Takes back the value added last.
    fn take_last(&mut self);
}

impl<T> List<T> for Vec<T> {
    /// Most lists hold one value (a statement written once), so the first gets room for
    /// exactly one rather than the four that growing a list reserves.
    fn add(&mut self, value: T) {
        if self.capacity() == 0 {
            self.reserve_exact(1);
        }
        self.push(value);
    }

    fn take_last(&mut self) {
        self.pop();
    }
}

impl<T> List<T> for SmallVec<[T; 1]> {
    fn add(&mut self, value: T) {
        self.push(value);
    }

    fn take_last(&mut self) {
        self.pop();
    }
}

impl Rule {
    /// The keyword rules that open an item or a statement with a name after them.
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Rule::k_strategy
                | Rule::k_dimension
                | Rule::k_team
                | Rule::k_goal
                | Rule::k_funnel
                | Rule::k_deal
                | Rule::k_rep
                | Rule::k_stage
                | Rule::k_lost
        )
    }
}

/// A list collected without knowing its length, given back the room it grew into and
/// does not use: a block of actuals may hold thousands of rows, and the tree is held
/// until the plan is resolved.
fn shrunk<T>(mut list: Vec<T>) -> Vec<T> {
    list.shrink_to_fit();
    list
}
