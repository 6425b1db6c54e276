//! A small CSV reader for actuals files: comma-separated, `"quoted"` fields with `""`
//! for a quote, LF or CRLF line ends (the BOM is already gone). Every field keeps its
//! byte span, so a diagnostic points at the exact cell.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use std::borrow::Cow;

/// One field: its text (unquoted, trimmed) and where it is. The text borrows from the
/// file unless a doubled quote had to be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'t> {
    pub text: Cow<'t, str>,
    pub span: Span,
}

/// Where one record was: its line number (1-based) and its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub span: Span,
}

/// Records read one at a time, into a list of fields the caller keeps and reuses, so a
/// file of a million rows is never held as a million rows.
pub struct Reader<'t> {
    file: FileId,
    text: &'t str,
    pos: usize,
    line: usize,
    failed: bool,
}

impl<'t> Reader<'t> {
    pub fn new(file: FileId, text: &'t str) -> Reader<'t> {
        Reader {
            file,
            text,
            pos: 0,
            line: 1,
            failed: false,
        }
    }

    /// The next record that is not blank, its fields in `fields` (cleared first); `None`
    /// at the end. An unterminated quote is an error and ends the file.
    pub fn next_into(
        &mut self,
        fields: &mut Vec<Field<'t>>,
    ) -> Option<Result<Record, Box<Diagnostic>>> {
        let text = self.text;
        let bytes = text.as_bytes();
        while self.pos < bytes.len() && !self.failed {
            fields.clear();
            let record_start = self.pos;
            let record_line = self.line;
            loop {
                let start = self.pos;
                let field = if bytes.get(start) == Some(&b'"') {
                    match self.quoted(start) {
                        Some(field) => field,
                        None => {
                            self.failed = true;
                            return Some(Err(Box::new(
                                Diagnostic::new(
                                    Code::Syntax,
                                    Span::new(self.file, start, start + 1),
                                    format!(
                                        "line {record_line}: this quoted field is never closed"
                                    ),
                                )
                                .with_label("opened here")
                                .with_help(
                                    "close the field with `\"`; write a quote inside it as `\"\"`",
                                ),
                            )));
                        }
                    }
                } else {
                    let end = field_end(bytes, start);
                    self.pos = end;
                    Cow::Borrowed(trimmed(text.get(start..end).unwrap_or_default()))
                };
                fields.push(Field {
                    text: field,
                    span: Span::new(self.file, start, self.pos),
                });
                match bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    _ => break,
                }
            }
            let record_end = self.pos;
            if bytes.get(self.pos) == Some(&b'\r') {
                self.pos += 1;
            }
            if bytes.get(self.pos) == Some(&b'\n') {
                self.pos += 1;
            }
            self.line += 1;
            if fields.iter().any(|f| !f.text.is_empty()) {
                return Some(Ok(Record {
                    line: record_line,
                    span: Span::new(self.file, record_start, record_end),
                }));
            }
        }
        None
    }

    /// A quoted field starting at `start`, up to the separator after its closing quote
    /// (anything between the two is kept); `None` if the quote is never closed.
    fn quoted(&mut self, start: usize) -> Option<Cow<'t, str>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut pos = start + 1;
        let mut owned: Option<String> = None;
        let mut piece = pos;
        loop {
            let at = pos + bytes.get(pos..)?.iter().position(|&b| b == b'"')?;
            self.line += bytes.get(pos..at)?.iter().filter(|&&b| b == b'\n').count();
            if bytes.get(at + 1) == Some(&b'"') {
                let buffer = owned.get_or_insert_with(String::new);
                buffer.push_str(text.get(piece..=at)?);
                pos = at + 2;
                piece = pos;
                continue;
            }
            let inner = text.get(piece..at)?;
            pos = at + 1;
            let tail_end = field_end(bytes, pos);
            let tail = text.get(pos..tail_end)?;
            self.pos = tail_end;
            return Some(match owned {
                None if tail.is_empty() => Cow::Borrowed(trimmed(inner)),
                None => Cow::Owned(format!("{inner}{tail}").trim().to_string()),
                Some(mut buffer) => {
                    buffer.push_str(inner);
                    buffer.push_str(tail);
                    Cow::Owned(buffer.trim().to_string())
                }
            });
        }
    }
}

/// The field starting at byte `start` of `text`, as [`Reader::next_into`] reads it
/// (unquoted and trimmed), and the offset where it ends; `None` if it is quoted and
/// never closed.
pub fn field_at(file: FileId, text: &str, start: usize) -> Option<(Cow<'_, str>, usize)> {
    if text.as_bytes().get(start) == Some(&b'"') {
        let mut reader = Reader::new(file, text);
        let field = reader.quoted(start)?;
        Some((field, reader.pos))
    } else {
        let end = field_end(text.as_bytes(), start);
        Some((Cow::Borrowed(trimmed(text.get(start..end)?)), end))
    }
}

/// A field without the white space around it. Most fields have none: a field that starts
/// and ends with a printable ASCII character is returned as it is, without a scan.
fn trimmed(field: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let bytes = field.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        field
    } else {
        field.trim()
    }
}

/// Where the field running from `start` ends: at the next separator or line end.
fn field_end(bytes: &[u8], start: usize) -> usize {
    bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|b| matches!(b, b',' | b'\n' | b'\r')))
        .map_or(bytes.len(), |n| start + n)
}

/// An amount's text without its thousands separators, or `None` when a comma is not
/// one. A comma may stand only in the integer part, between groups of digits: one to
/// three digits (not starting with 0), then groups of exactly three (`-1,234,567.89`).
/// `1,5` is a decimal comma in much of the world and `1,23` a typo; reading either as
/// 15 or 123 would be a silent wrong number.
pub fn without_thousands(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains(',') {
        return Some(Cow::Borrowed(text));
    }
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let integer_len = unsigned
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(unsigned.len());
    let (integer, tail) = unsigned.split_at(integer_len);
    if tail.contains(',') {
        return None;
    }
    let mut groups = integer.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || first.starts_with('0') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(sign);
    out.push_str(first);
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        out.push_str(group);
    }
    out.push_str(tail);
    Some(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record: its line and its fields' texts, or the error that ended the file.
    fn parse(text: &str) -> (Vec<(usize, Vec<String>)>, Vec<Diagnostic>) {
        let mut reader = Reader::new(FileId(0), text);
        let mut fields = Vec::new();
        let mut records = Vec::new();
        let mut errors = Vec::new();
        while let Some(record) = reader.next_into(&mut fields) {
            match record {
                Ok(r) => {
                    records.push((r.line, fields.iter().map(|f| f.text.to_string()).collect()))
                }
                Err(e) => errors.push(*e),
            }
        }
        (records, errors)
    }

    fn texts(text: &str) -> Vec<Vec<String>> {
        parse(text).0.into_iter().map(|(_, f)| f).collect()
    }

    #[test]
    fn quotes_crlf_and_blank_lines() {
        let text = "period,区域,amount\r\n2026-Q1,\"华东, 上海\",\"1,200\"\r\n\r\n2026-Q2,\"say \"\"hi\"\"\",5\n";
        assert_eq!(
            texts(text),
            vec![
                vec!["period", "区域", "amount"],
                vec!["2026-Q1", "华东, 上海", "1,200"],
                vec!["2026-Q2", "say \"hi\"", "5"],
            ]
        );
        let records = parse(text).0;
        assert_eq!(records[2].0, 4);
    }

    #[test]
    fn thousands_separators() {
        for (text, plain) in [
            ("1,234,567.89", Some("1234567.89")),
            ("-1,500", Some("-1500")),
            ("1,234k", Some("1234k")),
            ("260k", Some("260k")),
            ("0.5", Some("0.5")),
            ("1,5", None),
            ("1,23", None),
            (",123", None),
            ("123,", None),
            ("1,,234", None),
            ("1,234,56", None),
            ("1234,567", None),
            ("0,500", None),
            ("-,123", None),
            ("1.234,5", None),
            ("1,000k,000", None),
            ("华东,123", None),
        ] {
            assert_eq!(without_thousands(text).as_deref(), plain, "{text}");
        }
    }

    #[test]
    fn an_unclosed_quote_is_reported() {
        let (records, diags) = parse("a,b\n\"x,1\n");
        assert_eq!(records.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("line 2"));
    }
}
