//! `planck fmt`: one canonical layout for `.plan` files (the rules are in `docs/style.md`).
//!
//! The scanner gives the comments and the chunks `check` parses item by item; the file is
//! parsed whole by the grammar, whose parse tree gives every token with its position,
//! which the layout prints exactly as written. A file whose items do not parse as they
//! do item by item is left as it is, with the syntax errors `check` reports for it. It
//! never resolves names nor reads other files.
//!
//! The formatter knows the grammar only through `shape.rs` (how each rule is laid out)
//! and the comments only through their spans and text.

mod layout;
mod shape;

pub use layout::MAX_WIDTH;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{FileId, Span};
use crate::syntax::{PlanParser, Rule, scan};
use layout::CommentAt;
use pest::Parser;

/// The canonical text of `text` (the file `file`), or the syntax errors that keep it
/// from being formatted.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let scanned = scan::scan(file, text);
    // Read whole only when that bounds the grammar's nesting (see `Chunk::joinable`); a
    // block left open is a syntax error either way.
    let tree = if scanned.chunks.iter().all(scan::Chunk::joinable) {
        PlanParser::parse(Rule::file, text).map_err(|e| match e.location {
            pest::error::InputLocation::Pos(at) => at,
            pest::error::InputLocation::Span((at, _)) => at,
        })
    } else {
        Err(0)
    };
    let parsed = tree.and_then(|mut pairs| {
        let file_pair = pairs.next().ok_or(0usize)?;
        // Read whole, it must have the items `check` reads item by item: then there is no
        // syntax error, and the layout cannot change what the file means.
        crate::syntax::items_within_chunks(&file_pair, 0, &scanned.chunks)?;
        // A statement the grammar could not read is kept by recovery as raw text: the
        // file has a syntax error, and is left as it is.
        if let Some(broken) = file_pair
            .clone()
            .into_inner()
            .flatten()
            .find(|p| p.as_rule() == Rule::bad_stmt)
        {
            return Err(broken.as_span().start());
        }
        Ok(file_pair)
    });
    let file_pair = match parsed {
        Ok(file_pair) => file_pair,
        Err(at) => {
            // Report the file as `check` does: parsed item by item.
            let errors: Vec<Diagnostic> = crate::syntax::parse(file, text)
                .1
                .into_iter()
                .filter(|d| d.code == Code::Syntax && d.severity == Severity::Error)
                .collect();
            return Err(if errors.is_empty() {
                vec![reads_differently(file, at, text.len())]
            } else {
                errors
            });
        }
    };
    let comments: Vec<CommentAt<'_>> = scanned
        .comments
        .iter()
        .filter_map(|c| {
            let text = text.get(c.span.range())?;
            Some(CommentAt {
                start: c.span.start(),
                end: c.span.end(),
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
