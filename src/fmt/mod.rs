//! `planck fmt`: one canonical layout for `.plan` files (the rules are in `docs/style.md`).
//!
//! The formatter reads the file twice: [`crate::syntax::parse`] decides whether it has
//! syntax errors (then it is left as it is, and those errors are returned) and gives its
//! comments; the grammar's parse tree gives every token with its position, which the
//! layout prints exactly as written. It never resolves names nor reads other files.
//!
//! The formatter knows the grammar only through `shape.rs` (how each rule is laid out)
//! and the comments only through their spans and text.

mod layout;
mod shape;

pub use layout::MAX_WIDTH;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{FileId, Span};
use crate::syntax::{PlanParser, Rule};
use layout::CommentAt;
use pest::Parser;

/// The canonical text of `text` (the file `file`), or the syntax errors that keep it
/// from being formatted.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (tree, diagnostics) = crate::syntax::parse(file, text);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.code == Code::Syntax && d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let file_pair = match PlanParser::parse(Rule::file, text) {
        Ok(mut pairs) => pairs.next(),
        Err(error) => {
            let at = match error.location {
                pest::error::InputLocation::Pos(at) => at,
                pest::error::InputLocation::Span((at, _)) => at,
            };
            return Err(vec![reads_differently(file, at, text.len())]);
        }
    };
    let Some(file_pair) = file_pair else {
        return Ok(String::new());
    };
    let comments: Vec<CommentAt<'_>> = tree
        .comments
        .iter()
        .filter_map(|c| {
            let text = text.get(c.span.start..c.span.end)?;
            Some(CommentAt {
                start: c.span.start,
                end: c.span.end,
                text: text.trim_end(),
            })
        })
        .collect();
    Ok(layout::layout(text, file_pair, &comments))
}

/// Item by item the file parses, but not as a whole: formatting would change what it
/// means, so it is refused.
fn reads_differently(file: FileId, at: usize, len: usize) -> Diagnostic {
    let end = (at + 1).min(len).max(at);
    Diagnostic::new(
        Code::Syntax,
        Span::new(file, at, end),
        "this file reads differently as a whole than item by item".to_string(),
    )
    .with_label("here")
    .with_help("start every top-level item in column 0 and close each block before the next item")
}
