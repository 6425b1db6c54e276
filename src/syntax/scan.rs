//! A fast line scanner that runs before the grammar.
//!
//! It collects comments (the grammar skips them, the formatter must keep them), cuts the
//! file into chunks at the start of each top-level item so a syntax error in one item
//! cannot hide the diagnostics of the others, and finds blocks nested too deeply for the
//! recursive grammar before the grammar sees them.

use super::ast::Comment;
use crate::source::{FileId, Span};

/// The words that start a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "plan",
    "include",
    "strategy",
    "dimension",
    "team",
    "goal",
    "funnel",
    "grades",
    "deal",
    "actuals",
];

/// Blocks nested deeper than this are refused before parsing.
pub const MAX_DEPTH: usize = 48;

/// A byte range of the file holding zero or more whole top-level items.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// The offset of the first `{` that went past [`MAX_DEPTH`], if any.
    pub too_deep: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub chunks: Vec<Chunk>,
    pub comments: Vec<Comment>,
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Whether `line` (after its indentation) starts with an item keyword.
fn starts_item(rest: &str) -> bool {
    ITEM_KEYWORDS.iter().any(|kw| {
        rest.strip_prefix(kw)
            .is_some_and(|after| !after.starts_with(is_ident_continue))
    })
}

pub fn scan(file: FileId, text: &str) -> Scan {
    let mut out = Scan::default();
    let mut depth = 0usize;
    let mut chunk_start = 0usize;
    let mut too_deep: Option<usize> = None;
    let mut offset = 0usize;

    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{feff}']);
        let indent = line.len() - trimmed.len();
        if starts_item(trimmed) && (indent == 0 || depth == 0) && offset > chunk_start {
            out.chunks.push(Chunk {
                start: chunk_start,
                end: offset,
                too_deep,
            });
            chunk_start = offset;
            too_deep = None;
            depth = 0;
        }

        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '#' => {
                    let body = line[i..].trim_end_matches(['\n', '\r']);
                    out.comments.push(Comment {
                        span: Span::new(file, offset + i, offset + i + body.len()),
                        text: body.to_string(),
                    });
                    break;
                }
                '{' => {
                    depth += 1;
                    if depth > MAX_DEPTH && too_deep.is_none() {
                        too_deep = Some(offset + i);
                    }
                }
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        offset += line.len();
    }
    if offset > chunk_start || out.chunks.is_empty() {
        out.chunks.push(Chunk {
            start: chunk_start,
            end: offset,
            too_deep,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk_texts(text: &str) -> Vec<&str> {
        scan(FileId(0), text)
            .chunks
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn splits_at_items_in_column_zero() {
        let text = "plan { period 2026 }\ngoal a {\n  target 1 x\n}\n# note\ngoal b { }\n";
        assert_eq!(
            chunk_texts(text),
            vec![
                "plan { period 2026 }\n",
                "goal a {\n  target 1 x\n}\n# note\n",
                "goal b { }\n"
            ]
        );
    }

    #[test]
    fn an_unclosed_block_does_not_swallow_the_next_item() {
        let text = "goal a {\n  target 1 x\ngoal b { }\n";
        assert_eq!(chunk_texts(text).len(), 2);
    }

    #[test]
    fn indented_keywords_inside_blocks_do_not_split() {
        let text = "dimension d {\n  plan \"x\"\n  goal\n}\n";
        assert_eq!(chunk_texts(text).len(), 1);
    }

    #[test]
    fn comments_are_collected_but_not_inside_strings() {
        let s = scan(FileId(0), "goal a \"#1\" { # owner later\r\n}\n");
        assert_eq!(s.comments.len(), 1);
        assert_eq!(s.comments[0].text, "# owner later");
    }

    #[test]
    fn deep_nesting_is_flagged() {
        let text = "goal a {".to_string() + &"{".repeat(MAX_DEPTH + 5);
        let s = scan(FileId(0), &text);
        assert!(s.chunks[0].too_deep.is_some());
    }
}
