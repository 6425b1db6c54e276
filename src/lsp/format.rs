//! Formatting through `planck fmt`'s engine. A file the engine refuses (a syntax error,
//! or a file that reads differently whole) gets no edits: it is never rewritten.

use super::state::State;
use lsp_types::{DocumentFormattingParams, TextEdit};

pub fn formatting(state: &mut State, p: &DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let path = state.path_of(&p.text_document.uri)?;
    let doc = state.documents.get(&path)?;
    let Ok(formatted) = crate::fmt::format(crate::source::FileId(0), &doc.text) else {
        return Some(Vec::new());
    };
    if formatted == doc.text {
        return Some(Vec::new());
    }
    // One edit replacing the whole text: the layout may move every line.
    let end = doc.lines.position(&doc.text, doc.text.len());
    Some(vec![TextEdit {
        range: lsp_types::Range {
            start: lsp_types::Position {
                line: 0,
                character: 0,
            },
            end,
        },
        new_text: formatted,
    }])
}
