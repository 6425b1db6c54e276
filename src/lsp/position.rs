//! Byte offsets to protocol positions and back, and file paths to `file:` URIs and back.
//!
//! The protocol counts a column in UTF-16 code units: a Chinese character is one unit
//! (three bytes), a character outside the Basic Multilingual Plane two units (four
//! bytes). Spans are byte ranges, so every position is computed here from the text.

use lsp_types::{Position, Range, Uri};
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

/// The start of every line of a text, for conversions in either direction.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            line_starts: crate::source::line_starts(text),
            len: text.len(),
        }
    }

    /// The position of a byte offset. An offset past the end, or inside a character, is
    /// moved back to the nearest character boundary.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range {
            start: self.position(text, start),
            end: self.position(text, end),
        }
    }

    /// The byte offset of a position. A line past the last means the end of the text; a
    /// column past the end of its line means the end of that line (before its line
    /// break); a column inside a surrogate pair means the start of that character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return self.len.min(text.len());
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        let line_text = text.get(start..end).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + i;
            }
            units = next;
        }
        start + line_text.len()
    }
}

/// The path of a `file:` URI: absolute, percent-decoded, with no `.` or `..` left.
/// Anything else (another scheme, a host, a relative or undecodable path) is `None`.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // Only a local file: no host, or `localhost`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') || rest.contains(['?', '#']) {
        return None;
    }
    let bytes = percent_decode(rest)?;
    let decoded = String::from_utf8(bytes).ok()?;
    if decoded.contains('\0') {
        return None;
    }
    let path = PathBuf::from(decoded);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path, every byte but the unreserved ones and `/`
/// percent-encoded (Chinese names included, as editors send them).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn chinese_characters_are_one_unit_and_three_bytes() {
        let text = "goal 收入 {\n  owner 张伟\n}\n";
        let index = LineIndex::new(text);
        let brace = text.find('{').unwrap();
        assert_eq!(brace, 12);
        assert_eq!(index.position(text, brace), pos(0, 8));
        assert_eq!(index.offset(text, pos(0, 8)), brace);
        let wei = text.find('伟').unwrap();
        assert_eq!(index.position(text, wei), pos(1, 9));
        assert_eq!(index.offset(text, pos(1, 9)), wei);
        // Inside a character: moved back to its start.
        assert_eq!(index.position(text, wei + 1), pos(1, 9));
    }

    #[test]
    fn astral_characters_are_two_units() {
        let text = "deal 𝄞x 1\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(x, 9);
        assert_eq!(index.position(text, x), pos(0, 7));
        assert_eq!(index.offset(text, pos(0, 7)), x);
        // A column between the two halves of the pair means the character's start.
        assert_eq!(index.offset(text, pos(0, 6)), 5);
    }

    #[test]
    fn positions_out_of_range_are_clamped() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 99)), 2);
        assert_eq!(index.offset(text, pos(1, 1)), 5);
        assert_eq!(index.offset(text, pos(7, 0)), 6);
        assert_eq!(index.position(text, 99), pos(1, 2));
        assert_eq!(LineIndex::new("").offset("", pos(3, 3)), 0);
    }

    #[test]
    fn file_uris_round_trip_with_chinese_and_spaces() {
        let path = Path::new("/tmp/计划 2026/销售.plan");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/%E8%AE%A1%E5%88%92%202026/%E9%94%80%E5%94%AE.plan"
        );
        assert_eq!(uri_to_path(&uri).unwrap(), path);
    }

    #[test]
    fn a_bad_percent_escape_is_not_a_path() {
        assert_eq!(percent_decode("/a/%ZZ"), None);
        assert_eq!(percent_decode("/a/%4"), None);
        assert_eq!(percent_decode("/a/%41"), Some(b"/a/A".to_vec()));
    }

    #[test]
    fn only_local_file_uris_are_paths() {
        let parse = |s: &str| uri_to_path(&Uri::from_str(s).unwrap());
        assert_eq!(parse("untitled:Untitled-1"), None);
        assert_eq!(parse("https://example.com/a.plan"), None);
        assert_eq!(parse("file://server/share/a.plan"), None);
        assert_eq!(parse("file:///a/%00.plan"), None);
        assert_eq!(
            parse("file:///a/b/../../../c.plan"),
            Some(PathBuf::from("/c.plan"))
        );
        assert_eq!(
            parse("file://localhost/a.plan"),
            Some(PathBuf::from("/a.plan"))
        );
    }
}
