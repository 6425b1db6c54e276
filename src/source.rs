//! Source files, spans and the mapping from byte offsets to lines and columns.
//!
//! Spans are byte ranges into one file. Lines and columns are computed only when a
//! diagnostic is shown: columns count characters (for the terminal and JSON) or UTF-16
//! code units (for a language server), never bytes, so Chinese text points at the
//! right place.

use std::sync::Arc;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file: 12 bytes, since a compilation holds one on nearly every
/// node. Offsets are kept as `u32`; files over [`MAX_FILE_BYTES`] are refused before they
/// are parsed, and an offset past `u32::MAX` given anyway is kept as `u32::MAX` rather
/// than wrapped round to the start of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    start: u32,
    end: u32,
}

/// The largest file planck reads (1 GiB), so that every byte offset fits a [`Span`].
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A byte offset as a span stores it: beyond `u32::MAX` it stays at `u32::MAX`.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: offset(start),
            end: offset(end),
        }
    }

    /// The byte offset where the span starts.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// The byte offset just after the span.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The byte range, for slicing the file's text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The same span starting at `start` instead.
    pub fn with_start(self, start: usize) -> Span {
        Span {
            start: offset(start),
            ..self
        }
    }

    /// The same span ending at `end` instead.
    pub fn with_end(self, end: usize) -> Span {
        Span {
            end: offset(end),
            ..self
        }
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(&self) -> usize {
        self.end().saturating_sub(self.start())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A 1-based line and column, with the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user (relative where the user gave it relative).
    pub name: String,
    pub text: Arc<str>,
    /// Where each line starts, found at the first position asked for: a data file of a
    /// million rows is mostly read without one, and the list takes 8 bytes a line.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// The 0-based line index holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Clamp an offset into the text and back onto a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// Line and column (1-based, column in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let (line, before) = self.line_before(offset);
        LineCol {
            line: line + 1,
            column: before.chars().count() + 1,
        }
    }

    /// Line (0-based) and column in UTF-16 code units (0-based), as the LSP counts.
    pub fn line_col_utf16(&self, offset: usize) -> (usize, usize) {
        let (line, before) = self.line_before(offset);
        (line, before.chars().map(char::len_utf16).sum())
    }

    /// The 0-based line holding `offset` (clamped into the text), and the text of that
    /// line before it.
    fn line_before(&self, offset: usize) -> (usize, &str) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts().get(line).copied().unwrap_or(0);
        (line, self.text.get(start..offset).unwrap_or(""))
    }

    /// The byte range of the line holding `offset`, without its line end.
    pub fn line_range(&self, offset: usize) -> (usize, usize) {
        let line = self.line_index(self.clamp(offset));
        let start = self.line_starts().get(line).copied().unwrap_or(0);
        let end = self
            .line_starts()
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        (start, end)
    }

    /// The byte offset where the 0-based line `line` starts, if the file has it.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts().get(line).copied()
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// The byte offset where each line of a text starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// Whether a character must not reach a terminal as it is: control characters (which
/// can clear the screen, set the window title or hide text) and the bidirectional
/// overrides and isolates (which reorder what is shown).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How an unsafe character is shown: `\n`, `\r`, `\t`, else `\u{1b}`.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ => out.push_str(&c.escape_unicode().to_string()),
    }
}

/// User text made safe to print: every unsafe character escaped (see
/// [`is_unsafe_char`]), everything else — Chinese text included — untouched.
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Every file of one run, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let file = SourceFile::new("a.plan", "goal 华东 {\n  target 5M 元\n}");
        // `{` is the 9th character of line 1 but its 13th byte.
        let brace = file.text.find('{').unwrap_or(0);
        assert_eq!(file.line_col(brace), LineCol { line: 1, column: 9 });
        let unit = file.text.find('元').unwrap_or(0);
        assert_eq!(
            file.line_col(unit),
            LineCol {
                line: 2,
                column: 13
            }
        );
        assert_eq!(file.line_col_utf16(unit), (1, 12));
    }

    #[test]
    fn astral_characters_take_two_utf16_units() {
        let file = SourceFile::new("a.plan", "𝄞x");
        assert_eq!(file.line_col(4), LineCol { line: 1, column: 2 });
        assert_eq!(file.line_col_utf16(4), (0, 2));
    }

    #[test]
    fn control_characters_are_escaped_and_chinese_is_not() {
        assert_eq!(
            escape_control("华东\u{1b}[2J\u{7}\n\t\u{202e}x"),
            "华东\\u{1b}[2J\\u{7}\\n\\t\\u{202e}x"
        );
        assert!(matches!(
            escape_control("区域 north"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_span_is_twelve_bytes_and_never_wraps() {
        assert_eq!(std::mem::size_of::<Span>(), 12);
        let span = Span::new(FileId(3), 7, 11);
        assert_eq!((span.start(), span.end(), span.range()), (7, 11, 7..11));
        assert_eq!(span.len(), 4);
        // The largest offset a file planck reads can have fits exactly.
        let last = MAX_FILE_BYTES as usize;
        assert_eq!(Span::new(FileId(0), last - 1, last).range(), last - 1..last);
        // An offset past `u32::MAX` stays at the end rather than wrapping to the start.
        let beyond = u32::MAX as usize + 5;
        let span = Span::new(FileId(0), 2, beyond);
        assert_eq!(span.range(), 2..u32::MAX as usize);
        assert_eq!(span.with_start(beyond).start(), u32::MAX as usize);
        assert_eq!(span.with_end(beyond + 1).end(), u32::MAX as usize);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let file = SourceFile::new("a.plan", "ab\ncd");
        assert_eq!(file.line_col(99), LineCol { line: 2, column: 3 });
    }
}
