//! Completion: the keywords a statement may start with where the cursor is, the names
//! a keyword expects after it (`owner` → reps and teams, `stage` → stages, …), the
//! members of the dimension inside `split DIM { … }` and after a coordinate's
//! dimension, and the lint codes after `allow` (from the rule registry).
//!
//! The context is read from the text before the cursor with a small scan (strings and
//! comments skipped, braces counted), so a half-typed statement still completes.

use super::index::{Index, Kind};
use super::state::State;
use crate::check::rules::RULES;
use crate::period::TimeDim;
use crate::syntax::scan::ITEM_KEYWORDS;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse};

/// The block the cursor is in.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Top,
    Plan,
    Dimension,
    Team,
    Rep,
    Goal,
    /// Inside `split DIM { … }`.
    Split(String),
    /// The nested block of a split entry, which holds splits.
    Nested,
    Funnel,
    Stage,
    Grades,
    Deal,
    Actuals,
    Other,
}

/// A token before the cursor: a word (or number) as written, or `"` for a string.
fn tokens(text: &str) -> (Vec<Block>, Vec<String>) {
    let mut stack = vec![Block::Top];
    let mut recent: Vec<String> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
                recent.push("\"".to_string());
            }
            '{' => {
                let parent = stack.last().cloned().unwrap_or(Block::Top);
                stack.push(opened(&parent, &recent));
                recent.clear();
            }
            '}' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                recent.clear();
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || matches!(d, '_' | '%' | '.' | '-') {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                recent.push(text.get(i..end).unwrap_or("").to_string());
            }
            _ => {}
        }
    }
    (stack, recent)
}

/// The block a `{` opens, from the block it is in and the tokens before it.
fn opened(parent: &Block, recent: &[String]) -> Block {
    let n = recent.len();
    let word = |k: usize| {
        n.checked_sub(k)
            .and_then(|i| recent.get(i))
            .map(String::as_str)
    };
    match parent {
        Block::Top => match recent.first().map(String::as_str) {
            Some("plan") => Block::Plan,
            Some("dimension") => Block::Dimension,
            Some("team") => Block::Team,
            Some("goal") => Block::Goal,
            Some("funnel") => Block::Funnel,
            Some("grades") => Block::Grades,
            Some("deal") => Block::Deal,
            Some("actuals") => Block::Actuals,
            _ => Block::Other,
        },
        Block::Goal | Block::Nested => match (word(2), word(1)) {
            (Some("split"), Some(dim)) => {
                Block::Split(dim.split('.').next_back().unwrap_or(dim).to_string())
            }
            _ => Block::Other,
        },
        Block::Split(_) => Block::Nested,
        Block::Team if recent.iter().any(|w| w == "rep") => Block::Rep,
        Block::Funnel if recent.iter().any(|w| w == "stage") => Block::Stage,
        _ => Block::Other,
    }
}

fn keywords(block: &Block) -> &'static [&'static str] {
    match block {
        // The scanner's list of the words that start an item.
        Block::Top => ITEM_KEYWORDS,
        Block::Plan => &["period", "currency", "as_of"],
        Block::Team => &["lead", "rep"],
        Block::Rep => &["capacity", "start", "ramp"],
        Block::Goal => &[
            "owner", "target", "baseline", "period", "supports", "parent", "funnel", "split",
            "allow",
        ],
        Block::Nested => &["split"],
        Block::Funnel => &["deal_size", "inflow", "stage"],
        Block::Stage => &["buyer", "convert", "dwell", "milestone", "actions", "tools"],
        Block::Deal => &["owner", "stage", "grade", "amount", "close", "funnel"],
        Block::Split(_) => &["rest"],
        Block::Dimension | Block::Grades | Block::Actuals | Block::Other => &[],
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..Default::default()
    }
}

fn item_kind(kind: Kind) -> CompletionItemKind {
    match kind {
        Kind::Strategy => CompletionItemKind::CONSTANT,
        Kind::Dimension => CompletionItemKind::MODULE,
        Kind::Member | Kind::Grade => CompletionItemKind::ENUM_MEMBER,
        Kind::Team => CompletionItemKind::CLASS,
        Kind::Rep => CompletionItemKind::VARIABLE,
        Kind::Goal => CompletionItemKind::FUNCTION,
        Kind::Funnel => CompletionItemKind::INTERFACE,
        Kind::Stage => CompletionItemKind::FIELD,
        Kind::Deal => CompletionItemKind::EVENT,
    }
}

fn names(index: &Index, kind: Kind, scope: Option<&str>, out: &mut Vec<CompletionItem>) {
    for s in index.of_kind(kind, scope) {
        out.push(item(
            &s.name,
            item_kind(kind),
            Some(kind.noun().to_string()),
        ));
    }
}

pub fn completion(state: &mut State, p: &CompletionParams) -> Option<CompletionResponse> {
    let at = &p.text_document_position;
    let path = state.path_of(&at.text_document.uri)?;
    let doc = state.documents.get(&path)?;
    let offset = doc.lines.offset(&doc.text, at.position);
    let before = doc.text.get(..offset)?.to_string();
    let view = state.view(&at.text_document.uri);
    let index = view.as_ref().map(|v| v.index());
    let model = view.as_ref().map(|v| &v.analysis.compilation.model);
    let (stack, mut recent) = tokens(&before);
    // The word being typed is not context.
    if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
        recent.pop();
    }
    let block = stack.last().cloned().unwrap_or(Block::Top);
    let previous = recent.last().map(String::as_str);
    let mut out = Vec::new();
    let dims: Vec<String> = index
        .map(|i| {
            i.of_kind(Kind::Dimension, None)
                .map(|s| s.name.clone())
                .collect()
        })
        .unwrap_or_default();
    match (previous, index) {
        (Some("allow"), _) => {
            for rule in RULES.iter().filter(|r| r.lint) {
                out.push(item(
                    rule.code.as_str(),
                    CompletionItemKind::VALUE,
                    Some(rule.what.to_string()),
                ));
            }
        }
        (Some("owner" | "lead"), Some(index)) => {
            names(index, Kind::Rep, None, &mut out);
            if previous == Some("owner") && block == Block::Goal {
                names(index, Kind::Team, None, &mut out);
            }
        }
        (Some("supports"), Some(index)) => names(index, Kind::Strategy, None, &mut out),
        (Some("parent"), Some(index)) => names(index, Kind::Goal, None, &mut out),
        (Some("actuals"), Some(index)) if block == Block::Top => {
            names(index, Kind::Goal, None, &mut out)
        }
        (Some("funnel"), Some(index)) if block != Block::Top => {
            names(index, Kind::Funnel, None, &mut out)
        }
        (Some("grade"), Some(index)) => names(index, Kind::Grade, None, &mut out),
        (Some("stage"), Some(index)) if block == Block::Deal => {
            names(index, Kind::Stage, None, &mut out)
        }
        (Some("split"), Some(index)) => {
            names(index, Kind::Dimension, None, &mut out);
            out.push(item("rep", CompletionItemKind::KEYWORD, None));
            for t in [
                TimeDim::Half,
                TimeDim::Quarter,
                TimeDim::Month,
                TimeDim::Week,
            ] {
                out.push(item(t.name(), CompletionItemKind::KEYWORD, None));
            }
        }
        (Some(d), Some(index))
            if dims.iter().any(|x| x == d)
                && matches!(block, Block::Team | Block::Rep | Block::Deal) =>
        {
            names(index, Kind::Member, Some(d), &mut out)
        }
        _ => {
            if let Block::Split(dim) = &block {
                if let Some(index) = index {
                    if dim == "rep" {
                        names(index, Kind::Rep, None, &mut out);
                    } else {
                        names(index, Kind::Member, Some(dim), &mut out);
                    }
                }
                if let (Some(t), Some(model)) = (TimeDim::from_name(dim), model) {
                    for s in model.slices(t) {
                        out.push(item(&s.name, CompletionItemKind::ENUM_MEMBER, None));
                    }
                }
            }
            for k in keywords(&block) {
                out.push(item(k, CompletionItemKind::KEYWORD, None));
            }
            if matches!(block, Block::Team | Block::Rep | Block::Deal) {
                for d in &dims {
                    out.push(item(
                        d,
                        CompletionItemKind::MODULE,
                        Some("dimension".to_string()),
                    ));
                }
            }
        }
    }
    Some(CompletionResponse::Array(out))
}
