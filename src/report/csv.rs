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
    field: Vec<u8>,
}

impl FieldCache {
    fn get(&mut self, text: Option<&str>) -> &[u8] {
        let key = text.map(|t| (t.as_ptr(), t.len()));
        if key != self.text {
            self.text = key;
            self.field.clear();
            self.field
                .extend_from_slice(field(text.unwrap_or_default()).as_bytes());
        }
        &self.field
    }
}

/// Write the flat table; `bom` starts it with a UTF-8 byte-order mark, which spreadsheet
/// programs need to read Chinese text in a CSV file.
pub fn write(report: &Report<'_>, bom: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, out);
    if bom {
        w.write_all("\u{feff}".as_bytes())?;
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
    w.write_all(header.join(",").as_bytes())?;
    w.write_all(b"\r\n")?;
    let mut line: Vec<u8> = Vec::new();
    let mut buf = [0u8; 64];
    let mut goal = FieldCache::default();
    let mut members: Vec<FieldCache> = Vec::new();
    // Cells come in runs of the same period: its two dates are written once per run.
    let mut dates: Option<(Period, String)> = None;
    report.for_each_flat_row(|row| {
        line.clear();
        line.extend_from_slice(goal.get(Some(row.goal)));
        if members.len() < row.members.len() {
            members.resize_with(row.members.len(), FieldCache::default);
        }
        for (m, cache) in row.members.iter().zip(&mut members) {
            line.push(b',');
            if m.is_some() {
                line.extend_from_slice(cache.get(*m));
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
        w.write_all(&line)
    })?;
    w.flush()
}
