//! A small CSV reader for actuals files: comma-separated, `"quoted"` fields with `""`
//! for a quote, LF or CRLF line ends (the BOM is already gone). Every field keeps its
//! byte span, so a diagnostic points at the exact cell.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// One field: its text (unquoted) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub text: String,
    pub span: Span,
}

/// One record: its fields and its line number (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub fields: Vec<Field>,
    pub line: usize,
    pub span: Span,
}

/// Read every record; blank lines are skipped. An unterminated quote is reported and
/// ends the file.
pub fn parse(file: FileId, text: &str) -> (Vec<Record>, Vec<Diagnostic>) {
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut diagnostics = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    while pos < bytes.len() {
        let record_start = pos;
        let record_line = line;
        let mut fields = Vec::new();
        loop {
            // One field.
            let start = pos;
            let mut value = String::new();
            if bytes.get(pos) == Some(&b'"') {
                pos += 1;
                let mut closed = false;
                while pos < bytes.len() {
                    match bytes[pos] {
                        b'"' if bytes.get(pos + 1) == Some(&b'"') => {
                            value.push('"');
                            pos += 2;
                        }
                        b'"' => {
                            pos += 1;
                            closed = true;
                            break;
                        }
                        b => {
                            if b == b'\n' {
                                line += 1;
                            }
                            let ch_len = text[pos..].chars().next().map_or(1, char::len_utf8);
                            value.push_str(&text[pos..pos + ch_len]);
                            pos += ch_len;
                        }
                    }
                }
                if !closed {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Syntax,
                            Span::new(file, start, start + 1),
                            format!("line {record_line}: this quoted field is never closed"),
                        )
                        .with_label("opened here")
                        .with_help("close the field with `\"`; write a quote inside it as `\"\"`"),
                    );
                    return (records, diagnostics);
                }
                // Anything between the closing quote and the separator is kept verbatim.
                while pos < bytes.len() && !matches!(bytes[pos], b',' | b'\n' | b'\r') {
                    let ch_len = text[pos..].chars().next().map_or(1, char::len_utf8);
                    value.push_str(&text[pos..pos + ch_len]);
                    pos += ch_len;
                }
            } else {
                while pos < bytes.len() && !matches!(bytes[pos], b',' | b'\n' | b'\r') {
                    pos += 1;
                }
                value.push_str(&text[start..pos]);
            }
            fields.push(Field {
                text: value.trim().to_string(),
                span: Span::new(file, start, pos),
            });
            match bytes.get(pos) {
                Some(b',') => pos += 1,
                _ => break,
            }
        }
        let record_end = pos;
        // The line end.
        if bytes.get(pos) == Some(&b'\r') {
            pos += 1;
        }
        if bytes.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        line += 1;
        let blank = fields.iter().all(|f| f.text.is_empty());
        if !blank {
            records.push(Record {
                fields,
                line: record_line,
                span: Span::new(file, record_start, record_end),
            });
        }
    }
    (records, diagnostics)
}

/// An amount's text without its thousands separators, or `None` when a comma is not
/// one. A comma may stand only in the integer part, between groups of digits: one to
/// three digits (not starting with 0), then groups of exactly three (`-1,234,567.89`).
/// `1,5` is a decimal comma in much of the world and `1,23` a typo; reading either as
/// 15 or 123 would be a silent wrong number.
pub fn without_thousands(text: &str) -> Option<String> {
    if !text.contains(',') {
        return Some(text.to_string());
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
    let mut out = format!("{sign}{first}");
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        out.push_str(group);
    }
    out.push_str(tail);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<Vec<String>> {
        parse(FileId(0), text)
            .0
            .into_iter()
            .map(|r| r.fields.into_iter().map(|f| f.text).collect())
            .collect()
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
        let records = parse(FileId(0), text).0;
        assert_eq!(records[2].line, 4);
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
        let (records, diags) = parse(FileId(0), "a,b\n\"x,1\n");
        assert_eq!(records.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("line 2"));
    }
}
