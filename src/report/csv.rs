//! The flat table: one row per cell of every allocated goal (or per group with `--by`):
//! `goal`, one column per dimension, `period_start`, `period_end`, `target`, `actual`,
//! `expected`, `forecast`. RFC 4180 quoting; a field that a spreadsheet would read as a
//! formula (starting with `=`, `+`, `-` or `@`, or a tab or carriage return) is
//! neutralised with a leading apostrophe. Numbers are written plainly ("-15000"), so only
//! text from the plan can be neutralised.

use super::model::Report;
use crate::period::Period;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::io::Write;

/// A text field as CSV: neutralised if a spreadsheet would run it, quoted if needed.
pub fn field(text: &str) -> Cow<'_, str> {
    let risky = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let quote = text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !risky && !quote {
        return Cow::Borrowed(text);
    }
    let text = if risky {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if quote {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Owned(text)
    }
}

fn number(line: &mut Vec<u8>, value: Option<Decimal>, buf: &mut [u8; 64]) {
    if let Some(v) = value {
        line.extend_from_slice(crate::emit::compile::decimal_str(v, buf));
    }
}

/// A text field as CSV, remembered for the next row: a row mostly repeats the names of
/// the row before it (cells come in runs), which are then neither checked nor quoted
/// again. Names are compared by address and length: they are borrowed from the report
/// (or its model) for the whole table, so one address holds one text throughout.
#[derive(Default)]
struct FieldCache {
    text: Option<(*const u8, usize)>,
    /// Whether the remembered text is its own field, written as it is.
    plain: bool,
    /// The field of the remembered text when it is not plain.
    field: Vec<u8>,
}

impl FieldCache {
    /// Append `text` as a CSV field to `line`.
    fn push(&mut self, text: &str, line: &mut Vec<u8>) {
        let key = Some((text.as_ptr(), text.len()));
        if key != self.text {
            self.text = key;
            match field(text) {
                Cow::Borrowed(_) => self.plain = true,
                Cow::Owned(quoted) => {
                    self.plain = false;
                    self.field.clear();
                    self.field.extend_from_slice(quoted.as_bytes());
                }
            }
        }
        if self.plain {
            line.extend_from_slice(text.as_bytes());
        } else {
            line.extend_from_slice(&self.field);
        }
    }
}

/// How many bytes of rows are gathered before they are written out in one piece.
const CHUNK: usize = 1 << 20;

/// Write the flat table; `bom` starts it with a UTF-8 byte-order mark, which spreadsheet
/// programs need to read Chinese text in a CSV file.
pub fn write(report: &Report<'_>, bom: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut line: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    if bom {
        line.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut header = vec!["goal".to_string()];
    header.extend(report.column_names().iter().map(|n| field(n).into_owned()));
    header.extend(
        [
            "period_start",
            "period_end",
            "target",
            "actual",
            "expected",
            "forecast",
        ]
        .map(String::from),
    );
    line.extend_from_slice(header.join(",").as_bytes());
    line.extend_from_slice(b"\r\n");
    let mut buf = [0u8; 64];
    let mut goal = FieldCache::default();
    let mut members: Vec<FieldCache> = Vec::new();
    // Cells come in runs of the same period: its two dates are written once per run.
    let mut dates: Option<(Period, String)> = None;
    // Rows are formatted straight into one buffer, written out whenever it holds a chunk.
    report.for_each_flat_row(|row| {
        goal.push(row.goal, &mut line);
        if members.len() < row.members.len() {
            members.resize_with(row.members.len(), FieldCache::default);
        }
        for (m, cache) in row.members.iter().zip(&mut members) {
            line.push(b',');
            if let Some(m) = m {
                cache.push(m, &mut line);
            }
        }
        line.push(b',');
        if let Some(p) = row.period {
            match &dates {
                Some((q, text)) if *q == p => line.extend_from_slice(text.as_bytes()),
                _ => {
                    let text = format!("{},{}", p.start, p.end);
                    line.extend_from_slice(text.as_bytes());
                    dates = Some((p, text));
                }
            }
        } else {
            line.push(b',');
        }
        line.push(b',');
        number(&mut line, Some(row.target), &mut buf);
        line.push(b',');
        number(&mut line, row.actual, &mut buf);
        line.push(b',');
        number(&mut line, row.expected, &mut buf);
        line.push(b',');
        number(&mut line, row.forecast, &mut buf);
        line.extend_from_slice(b"\r\n");
        if line.len() >= CHUNK {
            out.write_all(&line)?;
            line.clear();
        }
        Ok::<(), std::io::Error>(())
    })?;
    out.write_all(&line)?;
    out.flush()
}
