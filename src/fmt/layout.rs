//! The layout: the parse tree and the comments of a file to its canonical text.
//!
//! Tokens are printed exactly as written; only the space between them is decided here.
//! Comments are not in the tree: each is printed when the next token after it is, as a
//! comment ending the line it was on (`target 5M USD # stretch`) or on a line of its own,
//! as it was written.

use super::shape::{Shape, is_row, shape};
use crate::syntax::Rule;
use pest::iterators::Pair;
use unicode_width::UnicodeWidthStr;

/// The widest line a block may make when it is kept on one line.
pub const MAX_WIDTH: usize = 100;

const INDENT: &str = "  ";

/// A comment of the file: its byte range and its text, without trailing white space.
#[derive(Debug, Clone, Copy)]
pub(super) struct CommentAt<'s> {
    pub start: usize,
    pub end: usize,
    pub text: &'s str,
}

/// What separates the next token from the one before it on the same line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Glued,
    Spaces(usize),
}

/// A top-level item or a comment between items, laid out on its own; the blank lines
/// between them are decided once all are known.
struct Piece {
    text: String,
    /// `Some(rule)` for an item, `None` for a comment.
    item: Option<Rule>,
    /// Whether the source had a blank line before it.
    blank_before: bool,
}

impl Piece {
    fn one_line(&self) -> bool {
        !self.text.contains('\n')
    }
}

struct Printer<'s> {
    src: &'s str,
    comments: &'s [CommentAt<'s>],
    next_comment: usize,
    out: String,
    indent: usize,
    /// Inside a statement: a comment that breaks it makes its next lines continuation
    /// lines, one level deeper.
    in_statement: bool,
    continued: bool,
    /// Nothing printed yet in the current block (no blank line goes first).
    block_fresh: bool,
    /// Laying out a block on one line: statements are two spaces apart.
    one_line: bool,
    /// The source offset just after the last token or comment printed.
    last_end: usize,
    /// Where in `out` each comment at the end of a line begins (at the space before it).
    line_end_comments: Vec<usize>,
    sep: Sep,
}

/// Lay out a parsed file (`file_pair` is the grammar's `file` rule) with its comments.
pub(super) fn layout(src: &str, file_pair: Pair<'_, Rule>, comments: &[CommentAt<'_>]) -> String {
    let mut printer = Printer {
        src,
        comments,
        next_comment: 0,
        out: String::new(),
        indent: 0,
        in_statement: false,
        continued: false,
        block_fresh: true,
        one_line: false,
        last_end: 0,
        line_end_comments: Vec::new(),
        sep: Sep::Spaces(1),
    };
    let mut pieces = Vec::new();
    for item in file_pair.into_inner() {
        if shape(item.as_rule()) == Shape::Absent {
            continue;
        }
        let start = item.as_span().start();
        printer.comment_pieces(start, &mut pieces);
        let blank_before = has_blank_line(printer.gap(start));
        let rule = item.as_rule();
        printer.statement(item, None);
        let text = std::mem::take(&mut printer.out);
        let text = align_line_end_comments(&text, &std::mem::take(&mut printer.line_end_comments));
        pieces.push(Piece {
            text: text.trim_end_matches('\n').to_string(),
            item: Some(rule),
            blank_before,
        });
    }
    printer.comment_pieces(src.len() + 1, &mut pieces);
    assemble(&pieces)
}

/// Join the top-level pieces. Items are one blank line apart, except that one-line items
/// of the same kind keep the grouping they were written with (a blank line where there
/// was one, none where there was none). Comments right below an item, with a blank line
/// after them, stay with that item; other comments between items keep one blank line
/// before them where the source had at least one, and stay with the item below them.
fn assemble(pieces: &[Piece]) -> String {
    // For each piece, the first item at or after it.
    let mut next_item: Vec<Option<&Piece>> = vec![None; pieces.len()];
    let mut following = None;
    for (i, piece) in pieces.iter().enumerate().rev() {
        if piece.item.is_some() {
            following = Some(piece);
        }
        if let Some(slot) = next_item.get_mut(i) {
            *slot = following;
        }
    }
    let mut out = String::with_capacity(pieces.iter().map(|p| p.text.len() + 2).sum());
    let mut previous: Option<&Piece> = None;
    for (i, (piece, next)) in pieces.iter().zip(next_item).enumerate() {
        if let Some(prev) = previous {
            let blank = match (prev.item, next) {
                (Some(_), _) if ends_item(pieces.get(i..).unwrap_or_default()) => false,
                (Some(kind), Some(next))
                    if prev.one_line() && next.one_line() && next.item == Some(kind) =>
                {
                    piece.blank_before
                }
                (Some(_), Some(_)) => true,
                _ => piece.blank_before,
            };
            if blank {
                out.push('\n');
            }
        }
        out.push_str(&piece.text);
        out.push('\n');
        previous = Some(piece);
    }
    out
}

/// Whether `rest` starts with comments that end the item before them: written right
/// below it, and followed by a blank line or the end of the file.
fn ends_item(rest: &[Piece]) -> bool {
    let Some(first) = rest.first() else {
        return false;
    };
    if first.item.is_some() || first.blank_before {
        return false;
    }
    let run = 1 + rest
        .iter()
        .skip(1)
        .take_while(|p| p.item.is_none() && !p.blank_before)
        .count();
    rest.get(run).is_none_or(|after| after.blank_before)
}

/// Align the comments that end consecutive lines of the same indentation one space after
/// the longest of those lines (by display width). `marks` are where each such comment
/// begins in `text`, at the one space put before it, in order.
fn align_line_end_comments(text: &str, marks: &[usize]) -> String {
    if marks.is_empty() {
        return text.to_string();
    }
    // Each line, and where its comment begins within it.
    let mut lines: Vec<(&str, Option<usize>)> = Vec::new();
    let mut marks = marks.iter().peekable();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let mark = marks.next_if(|&&m| m < end).map(|&m| m - start);
        while marks.next_if(|&&m| m < end).is_some() {}
        lines.push((line, mark));
        start = end;
    }
    let mut out = String::with_capacity(text.len() + 16 * lines.len());
    let mut rest = lines.as_slice();
    while let Some(&(line, mark)) = rest.first() {
        if mark.is_none() {
            out.push_str(line);
            rest = rest.get(1..).unwrap_or_default();
            continue;
        }
        let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
        let run = rest
            .iter()
            .take_while(|(l, m)| m.is_some() && indent(l) == indent(line))
            .count();
        let (group, after) = rest.split_at(run);
        let code_width = |line: &str, at: usize| line.get(..at).map_or(0, UnicodeWidthStr::width);
        let column = group
            .iter()
            .map(|&(line, m)| code_width(line, m.unwrap_or(0)))
            .max()
            .unwrap_or(0);
        for &(line, m) in group {
            let at = m.unwrap_or(0);
            out.push_str(line.get(..at).unwrap_or(""));
            for _ in code_width(line, at)..=column {
                out.push(' ');
            }
            out.push_str(line.get(at + 1..).unwrap_or(""));
        }
        rest = after;
    }
    out
}

/// What the grammar skips as white space on a line (commas are separators, read as space).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | ',' | '\u{feff}')
}

/// Whether a stretch of white space between two printed things holds an empty line.
fn has_blank_line(gap: &str) -> bool {
    let mut newlines = 0;
    for c in gap.chars() {
        match c {
            '\n' => {
                newlines += 1;
                if newlines >= 2 {
                    return true;
                }
            }
            c if is_space(c) => {}
            _ => newlines = 0,
        }
    }
    false
}

impl<'s> Printer<'s> {
    /// The source between the last thing printed and `until`.
    fn gap(&self, until: usize) -> &'s str {
        self.src.get(self.last_end..until).unwrap_or("")
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn push_indent(&mut self) {
        for _ in 0..self.indent + usize::from(self.continued) {
            self.out.push_str(INDENT);
        }
    }

    fn line_width(&self) -> usize {
        let line_start = self.out.rfind('\n').map_or(0, |i| i + 1);
        self.out.get(line_start..).map_or(0, UnicodeWidthStr::width)
    }

    /// A blank line before what comes next at `start`, if the writer left one there.
    fn blank_line_if_written(&mut self, start: usize) {
        if !self.block_fresh
            && !self.out.is_empty()
            && !self.out.ends_with("\n\n")
            && has_blank_line(self.gap(start))
        {
            self.out.push('\n');
        }
    }

    /// Print every comment that starts before `before`.
    fn flush_comments(&mut self, before: usize) {
        while let Some(comment) = self.comments.get(self.next_comment).copied() {
            if comment.start >= before {
                break;
            }
            self.next_comment += 1;
            let ends_line = !self.at_line_start() && !self.gap(comment.start).contains('\n');
            if ends_line {
                self.line_end_comments.push(self.out.len());
                self.out.push(' ');
            } else {
                if !self.at_line_start() {
                    self.out.push('\n');
                }
                self.blank_line_if_written(comment.start);
                self.continued |= self.in_statement;
                self.block_fresh = false;
                self.push_indent();
            }
            self.out.push_str(comment.text);
            self.out.push('\n');
            self.continued |= self.in_statement;
            self.last_end = comment.end;
        }
    }

    /// Print the comment that ends the line of the last token, if there is one.
    fn flush_line_end_comment(&mut self) {
        if let Some(comment) = self.comments.get(self.next_comment).copied()
            && comment.start >= self.last_end
            && self.gap(comment.start).chars().all(is_space)
        {
            self.flush_comments(comment.start + 1);
        }
    }

    /// Top-level comments before `before`, each a piece of its own.
    fn comment_pieces(&mut self, before: usize, pieces: &mut Vec<Piece>) {
        while let Some(comment) = self.comments.get(self.next_comment).copied() {
            if comment.start >= before {
                break;
            }
            self.next_comment += 1;
            pieces.push(Piece {
                text: comment.text.to_string(),
                item: None,
                blank_before: has_blank_line(self.gap(comment.start)),
            });
            self.last_end = comment.end;
        }
    }

    fn token(&mut self, start: usize, end: usize, text: &str) {
        self.flush_comments(start);
        if self.at_line_start() {
            self.push_indent();
        } else if let Sep::Spaces(n) = self.sep {
            for _ in 0..n {
                self.out.push(' ');
            }
        }
        self.sep = Sep::Spaces(1);
        self.out.push_str(text);
        self.last_end = end;
    }

    /// A statement: on a line of its own, unless its block is laid out on one line.
    /// `columns`: in a block laid out as a table, the width of each column but the last.
    fn statement(&mut self, pair: Pair<'_, Rule>, columns: Option<&[usize]>) {
        let start = pair.as_span().start();
        self.flush_comments(start);
        if !self.one_line {
            if !self.at_line_start() {
                self.out.push('\n');
            }
            self.blank_line_if_written(start);
        }
        self.block_fresh = false;
        self.in_statement = true;
        self.continued = false;
        match columns {
            Some(columns) => {
                let line_start = self.out.len();
                let mut parts = pair.into_inner().peekable();
                let mut column = 0;
                while let Some(part) = parts.next() {
                    let width = rendered_width(&part);
                    self.node(part);
                    // Pad only when the next cell follows on the same line.
                    if let (Some(next), Some(column_width)) = (parts.peek(), columns.get(column))
                        && shape(next.as_rule()) != Shape::Block
                        && self
                            .comments
                            .get(self.next_comment)
                            .is_none_or(|c| c.start >= next.as_span().start())
                        && !self.out.get(line_start..).unwrap_or("").contains('\n')
                    {
                        self.sep = Sep::Spaces(column_width.saturating_sub(width) + 1);
                    }
                    column += 1;
                }
            }
            None => self.node(pair),
        }
        self.flush_line_end_comment();
        self.in_statement = false;
        self.continued = false;
    }

    fn node(&mut self, pair: Pair<'_, Rule>) {
        let span = pair.as_span();
        match shape(pair.as_rule()) {
            Shape::Token => self.token(span.start(), span.end(), span.as_str()),
            Shape::Range => {
                for (i, atom) in pair.into_inner().enumerate() {
                    let at = atom.as_span();
                    if i > 0 {
                        self.sep = Sep::Glued;
                        self.token(at.start(), at.start(), "..");
                        self.sep = Sep::Glued;
                    }
                    self.token(at.start(), at.end(), at.as_str());
                }
            }
            Shape::Phrase => {
                for part in pair.into_inner() {
                    self.node(part);
                }
            }
            Shape::Item => {
                let mut parts = pair.into_inner().peekable();
                let mut header_end = span.start();
                while let Some(token) = parts.next_if(|p| shape(p.as_rule()) == Shape::Token) {
                    header_end = token.as_span().end();
                    self.node(token);
                }
                let open = self.open_brace_after(header_end);
                let close = span.end().saturating_sub(1);
                self.block(open, close, parts.collect());
            }
            Shape::Block => {
                let close = span.end().saturating_sub(1);
                self.block(span.start(), close, pair.into_inner().collect());
            }
            Shape::Absent => {}
        }
    }

    /// The offset of the `{` that follows `from`, past white space and comments.
    fn open_brace_after(&self, from: usize) -> usize {
        let rest = self.src.get(from..).unwrap_or("");
        let mut in_comment = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\n' => in_comment = false,
                _ if in_comment => {}
                '#' => in_comment = true,
                '{' => return from + i,
                _ => {}
            }
        }
        from
    }

    /// The column widths of each statement of a block laid out over lines, if it is a row
    /// of a table: a run of statements of the same kind that can be rows, not broken by a
    /// blank line or a comment on a line of its own.
    fn tables(&self, statements: &[Pair<'_, Rule>]) -> Vec<Option<Vec<usize>>> {
        let mut out = Vec::with_capacity(statements.len());
        let mut rest = statements;
        while let Some(first) = rest.first() {
            let rule = first.as_rule();
            if !is_row(rule) {
                out.push(None);
                rest = rest.get(1..).unwrap_or_default();
                continue;
            }
            let run = 1 + rest
                .windows(2)
                .take_while(|pair| match pair {
                    [a, b] => {
                        b.as_rule() == rule
                            && !breaks_table(
                                self.src
                                    .get(content_end(a)..b.as_span().start())
                                    .unwrap_or(""),
                            )
                    }
                    _ => false,
                })
                .count();
            let (rows, after) = rest.split_at(run.min(rest.len()));
            let widths = column_widths(rows);
            out.extend(rows.iter().map(|_| Some(widths.clone())));
            rest = after;
        }
        out
    }

    /// Braces and the statements between them: on one line when they were written on
    /// one line and still fit, else one statement per line, one level deeper.
    fn block(&mut self, open: usize, close: usize, statements: Vec<Pair<'_, Rule>>) {
        self.token(open, open + 1, "{");
        let comment_inside = self
            .comments
            .get(self.next_comment)
            .is_some_and(|c| c.start < close);
        if statements.is_empty() && !comment_inside {
            self.sep = Sep::Glued;
            self.token(close, close + 1, "}");
            return;
        }
        let saved = (self.in_statement, self.continued, self.block_fresh);
        let written_on_one_line = !comment_inside
            && !self
                .src
                .get(open..close)
                .is_some_and(|inside| inside.contains('\n'));
        if self.one_line || written_on_one_line {
            let mark = self.out.len();
            let outer_one_line = self.one_line;
            self.one_line = true;
            for (i, statement) in statements.iter().enumerate() {
                self.sep = Sep::Spaces(if i == 0 { 1 } else { 2 });
                self.statement(statement.clone(), None);
            }
            self.token(close, close + 1, "}");
            self.one_line = outer_one_line;
            (self.in_statement, self.continued, self.block_fresh) = saved;
            if outer_one_line || self.line_width() <= MAX_WIDTH {
                return;
            }
            self.out.truncate(mark);
            self.line_end_comments.retain(|&at| at < mark);
            self.last_end = open + 1;
        }

        self.indent += 1;
        (self.in_statement, self.continued, self.block_fresh) = (false, false, true);
        let columns = self.tables(&statements);
        for (statement, columns) in statements.into_iter().zip(columns) {
            self.statement(statement, columns.as_deref());
        }
        self.flush_comments(close);
        self.indent = self.indent.saturating_sub(1);
        if !self.at_line_start() {
            self.out.push('\n');
        }
        self.token(close, close + 1, "}");
        (self.in_statement, self.continued, self.block_fresh) = saved;
    }
}

/// Where the last token of a statement ends. Its span may run further: the grammar's
/// spans take in the white space and comments skipped while looking for an optional last
/// part (`split_entry`'s nested block).
fn content_end(pair: &Pair<'_, Rule>) -> usize {
    match shape(pair.as_rule()) {
        Shape::Token | Shape::Item | Shape::Block => pair.as_span().end(),
        _ => pair
            .clone()
            .into_inner()
            .last()
            .map_or(pair.as_span().end(), |last| content_end(&last)),
    }
}

/// Whether the text between two statements ends a table: it holds a blank line or a
/// comment on a line of its own.
fn breaks_table(gap: &str) -> bool {
    has_blank_line(gap)
        || gap
            .split('\n')
            .skip(1)
            .any(|line| line.trim_start_matches(is_space).starts_with('#'))
}

/// The width of each column of a table but the last of each row: the widest cell in it.
/// The cells of a row are the parts of its statement before any block.
fn column_widths(rows: &[Pair<'_, Rule>]) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        let cells: Vec<usize> = row
            .clone()
            .into_inner()
            .take_while(|part| shape(part.as_rule()) != Shape::Block)
            .map(|part| rendered_width(&part))
            .collect();
        for (i, width) in cells.iter().take(cells.len().saturating_sub(1)).enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(*width),
                None => widths.push(*width),
            }
        }
    }
    widths
}

/// The display width a part of a statement takes once laid out on one line.
fn rendered_width(pair: &Pair<'_, Rule>) -> usize {
    match shape(pair.as_rule()) {
        Shape::Token => pair.as_str().width(),
        Shape::Range => {
            let atoms: Vec<usize> = pair
                .clone()
                .into_inner()
                .map(|a| a.as_str().width())
                .collect();
            atoms.iter().sum::<usize>() + 2 * atoms.len().saturating_sub(1)
        }
        _ => {
            let parts: Vec<usize> = pair
                .clone()
                .into_inner()
                .map(|p| rendered_width(&p))
                .collect();
            parts.iter().sum::<usize>() + parts.len().saturating_sub(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_blank_line;

    #[test]
    fn blank_lines_are_lines_of_white_space_only() {
        assert!(has_blank_line("\n\n"));
        assert!(has_blank_line(" \n \t,\r\n  "));
        assert!(!has_blank_line(" \n  "));
        assert!(!has_blank_line("\n{\n"));
    }
}
