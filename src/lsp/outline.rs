//! The shape of a document: its outline (document symbols), the blocks that fold, and
//! semantic tokens (every name coloured by what it names, keywords, strings, numbers
//! and comments).

use super::index::Kind;
use super::position::LineIndex;
use super::state::State;
use crate::source::Span;
use crate::syntax::ast;
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, FoldingRange, FoldingRangeKind,
    FoldingRangeParams, SemanticToken, SemanticTokens, SemanticTokensParams, SemanticTokensResult,
    SymbolKind,
};

/// Semantic token types, in the order of the legend.
const TOKEN_TYPES: &[&str] = &[
    "keyword",
    "type",
    "namespace",
    "enumMember",
    "class",
    "variable",
    "function",
    "interface",
    "property",
    "enum",
    "event",
    "string",
    "number",
    "comment",
];

fn token_type(name: &str) -> u32 {
    TOKEN_TYPES
        .iter()
        .position(|t| *t == name)
        .map_or(0, |i| i as u32)
}

fn kind_token(kind: Kind) -> u32 {
    token_type(match kind {
        Kind::Strategy => "type",
        Kind::Dimension => "namespace",
        Kind::Member => "enumMember",
        Kind::Team => "class",
        Kind::Rep => "variable",
        Kind::Goal => "function",
        Kind::Funnel => "interface",
        Kind::Stage => "property",
        Kind::Grade => "enum",
        Kind::Deal => "event",
    })
}

pub fn legend() -> serde_json::Value {
    serde_json::json!({ "tokenTypes": TOKEN_TYPES, "tokenModifiers": ["declaration"] })
}

/// The syntax tree of an open document, as `check` parses it.
fn tree(state: &State, uri: &lsp_types::Uri) -> Option<(ast::File, String, LineIndex)> {
    let path = state.path_of(uri)?;
    let doc = state.documents.get(&path)?;
    let (tree, _) = crate::syntax::parse(crate::source::FileId(0), &doc.text);
    Some((tree, doc.text.clone(), doc.lines.clone()))
}

/// A document's text and lines, for building its symbols.
struct Doc<'a> {
    text: &'a str,
    lines: &'a LineIndex,
}

impl Doc<'_> {
    #[allow(deprecated)] // `DocumentSymbol::deprecated` must be given, though deprecated.
    fn symbol(
        &self,
        name: String,
        detail: Option<&ast::Str>,
        kind: SymbolKind,
        (span, name_span): (Span, Span),
        children: Vec<DocumentSymbol>,
    ) -> DocumentSymbol {
        DocumentSymbol {
            name: if name.is_empty() {
                "?".to_string()
            } else {
                name
            },
            detail: detail.map(|s| s.value.to_string()),
            kind,
            tags: None,
            deprecated: None,
            range: self.lines.range(self.text, span.start(), span.end()),
            selection_range: self
                .lines
                .range(self.text, name_span.start(), name_span.end()),
            children: (!children.is_empty()).then_some(children),
        }
    }
}

pub fn document_symbols(
    state: &mut State,
    p: &DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let (tree, text, lines) = tree(state, &p.text_document.uri)?;
    let doc = Doc {
        text: &text,
        lines: &lines,
    };
    let sym = |name: &ast::Name, detail, kind, span, children| {
        doc.symbol(
            name.text.to_string(),
            detail,
            kind,
            (span, name.span),
            children,
        )
    };
    let mut out = Vec::new();
    for item in &tree.items {
        match item {
            ast::Item::Plan(p) => out.push(
                doc.symbol(
                    p.name
                        .as_ref()
                        .map_or_else(|| "plan".to_string(), |n| n.value.to_string()),
                    None,
                    SymbolKind::MODULE,
                    (p.span, p.keyword),
                    Vec::new(),
                ),
            ),
            ast::Item::Include(_) => {}
            ast::Item::Strategy(s) => out.push(sym(
                &s.name,
                s.label.as_ref(),
                SymbolKind::CONSTANT,
                s.span,
                Vec::new(),
            )),
            ast::Item::Dimension(d) => {
                let members = d
                    .members
                    .iter()
                    .map(|m| {
                        sym(
                            &m.name,
                            m.label.as_ref(),
                            SymbolKind::ENUM_MEMBER,
                            m.span,
                            Vec::new(),
                        )
                    })
                    .collect();
                out.push(sym(
                    &d.name,
                    d.label.as_ref(),
                    SymbolKind::ENUM,
                    d.span,
                    members,
                ));
            }
            ast::Item::Team(t) => {
                let reps = t
                    .reps
                    .iter()
                    .map(|r| {
                        sym(
                            &r.name,
                            r.label.as_ref(),
                            SymbolKind::FIELD,
                            r.span,
                            Vec::new(),
                        )
                    })
                    .collect();
                out.push(sym(
                    &t.name,
                    t.label.as_ref(),
                    SymbolKind::CLASS,
                    t.span,
                    reps,
                ));
            }
            ast::Item::Goal(g) => {
                let splits = g
                    .splits
                    .iter()
                    .map(|s| {
                        doc.symbol(
                            format!("split {}", s.dimension.name.text),
                            None,
                            SymbolKind::ARRAY,
                            (s.span, s.dimension.span),
                            Vec::new(),
                        )
                    })
                    .collect();
                out.push(sym(
                    &g.name,
                    g.label.as_ref(),
                    SymbolKind::OBJECT,
                    g.span,
                    splits,
                ));
            }
            ast::Item::Funnel(f) => {
                let outcomes = f.outcomes.iter().map(|o| {
                    sym(
                        &o.name,
                        o.label.as_ref(),
                        SymbolKind::FIELD,
                        o.span,
                        Vec::new(),
                    )
                });
                let stages = f
                    .stages
                    .iter()
                    .map(|s| {
                        sym(
                            &s.name,
                            s.label.as_ref(),
                            SymbolKind::FIELD,
                            s.span,
                            Vec::new(),
                        )
                    })
                    .chain(outcomes)
                    .collect();
                out.push(sym(
                    &f.name,
                    f.label.as_ref(),
                    SymbolKind::STRUCT,
                    f.span,
                    stages,
                ));
            }
            ast::Item::Grades(g) => {
                for grade in &g.grades {
                    out.push(sym(
                        &grade.name,
                        grade.label.as_ref(),
                        SymbolKind::ENUM_MEMBER,
                        grade.span,
                        Vec::new(),
                    ));
                }
            }
            ast::Item::Deal(d) => out.push(sym(
                &d.name,
                d.label.as_ref(),
                SymbolKind::EVENT,
                d.span,
                Vec::new(),
            )),
            ast::Item::Actuals(a) => out.push(doc.symbol(
                format!("actuals {}", a.goal.text),
                None,
                SymbolKind::ARRAY,
                (a.span, a.goal.span),
                Vec::new(),
            )),
            ast::Item::Deals(d) => out.push(doc.symbol(
                format!("deals from \"{}\"", d.path.value),
                None,
                SymbolKind::ARRAY,
                (d.span, d.path.span),
                Vec::new(),
            )),
        }
    }
    Some(DocumentSymbolResponse::Nested(out))
}

fn split_spans(splits: &[ast::Split], out: &mut Vec<Span>) {
    for s in splits {
        out.push(s.span);
        if let ast::SplitBody::Entries { entries, .. } = &s.body {
            for e in entries {
                out.push(e.span);
                split_spans(&e.nested, out);
            }
        }
    }
}

pub fn folding_ranges(state: &mut State, p: &FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let (tree, text, lines) = tree(state, &p.text_document.uri)?;
    let mut spans = Vec::new();
    for item in &tree.items {
        spans.push(item.span());
        match item {
            ast::Item::Team(t) => spans.extend(t.reps.iter().map(|r| r.span)),
            ast::Item::Funnel(f) => spans.extend(f.stages.iter().map(|s| s.span)),
            ast::Item::Dimension(d) => spans.extend(d.members.iter().map(|m| m.span)),
            ast::Item::Goal(g) => split_spans(&g.splits, &mut spans),
            _ => {}
        }
    }
    let mut out: Vec<FoldingRange> = Vec::new();
    for span in spans {
        let start = lines.position(&text, span.start()).line;
        let end = lines.position(&text, span.end()).line;
        if end > start {
            out.push(FoldingRange {
                start_line: start,
                end_line: end,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            });
        }
    }
    // Runs of comment lines.
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: Option<(u32, u32)>, out: &mut Vec<FoldingRange>| {
        if let Some((a, b)) = run
            && b > a
        {
            out.push(FoldingRange {
                start_line: a,
                end_line: b,
                kind: Some(FoldingRangeKind::Comment),
                ..Default::default()
            });
        }
    };
    for c in &tree.comments {
        let line = lines.position(&text, c.span.start()).line;
        let own_line = text
            .get(..c.span.start())
            .and_then(|t| t.rsplit('\n').next())
            .is_some_and(|before| before.trim().is_empty());
        if !own_line {
            continue;
        }
        run = match run {
            Some((a, b)) if b + 1 == line => Some((a, line)),
            other => {
                flush(other, &mut out);
                Some((line, line))
            }
        };
    }
    flush(run, &mut out);
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out.dedup_by_key(|r| (r.start_line, r.end_line));
    Some(out)
}

pub fn semantic_tokens(
    state: &mut State,
    p: &SemanticTokensParams,
) -> Option<SemanticTokensResult> {
    let view = state.view(&p.text_document.uri)?;
    let text = view.text;
    let index = &view.index();
    let names = index.occurrences.get(&view.file);
    // (start, end, type, modifiers)
    let mut tokens: Vec<(usize, usize, u32, u32)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|t| t.chars().next()) {
        let start = i;
        if c == '#' {
            let end = text
                .get(i..)
                .and_then(|t| t.find('\n'))
                .map_or(text.len(), |n| i + n);
            tokens.push((start, end, token_type("comment"), 0));
            i = end;
        } else if c == '"' {
            i += 1;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'\\' => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b'\n' => break,
                    _ => i += 1,
                }
            }
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i += 1;
            }
            tokens.push((start, i, token_type("string"), 0));
        } else if c.is_ascii_digit() {
            while let Some(ch) = text.get(i..).and_then(|t| t.chars().next()) {
                if ch.is_alphanumeric() || matches!(ch, '.' | '%' | '-' | '_') {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            tokens.push((start, i, token_type("number"), 0));
        } else if c.is_alphabetic() || c == '_' {
            while let Some(ch) = text.get(i..).and_then(|t| t.chars().next()) {
                if ch.is_alphanumeric() || ch == '_' {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            let word = text.get(start..i).unwrap_or("");
            let name = names.and_then(|list| {
                let k = list.partition_point(|o| o.span.start() < start);
                list.get(k)
                    .filter(|o| o.span.start() == start && o.span.end() == i)
            });
            if let Some(o) = name {
                if let Some(s) = index.symbols.get(o.symbol) {
                    tokens.push((start, i, kind_token(s.kind), u32::from(o.definition)));
                }
            } else if crate::syntax::keywords().contains(&word) {
                tokens.push((start, i, token_type("keyword"), 0));
            }
        } else {
            i += c.len_utf8();
        }
    }
    let mut data = Vec::with_capacity(tokens.len());
    let (mut line, mut column) = (0u32, 0u32);
    for (start, end, kind, modifiers) in tokens {
        let a = view.lines.position(text, start);
        let b = view.lines.position(text, end);
        if b.line != a.line || b.character <= a.character {
            continue;
        }
        let delta_line = a.line - line;
        let delta_start = if delta_line == 0 {
            a.character - column
        } else {
            a.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: b.character - a.character,
            token_type: kind,
            token_modifiers_bitset: modifiers,
        });
        line = a.line;
        column = a.character;
    }
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}
