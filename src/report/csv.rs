//! The flat table: one row per cell of every allocated goal (or per group with `--by`):
//! `goal`, one column per dimension, `period_start`, `period_end`, `target`, `actual`,
//! `expected`, `forecast`. RFC 4180 quoting; a field that a spreadsheet would read as a
//! formula (starting with `=`, `+`, `-` or `@`, or a tab or carriage return) is
//! neutralised with a leading apostrophe. Numbers are written plainly ("-15000"), so only
//! text from the plan can be neutralised.

use super::model::Report;
use rust_decimal::Decimal;
use std::io::Write;

/// A text field as CSV: neutralised if a spreadsheet would run it, quoted if needed.
pub fn field(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let text = if risky {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn number(value: Option<Decimal>) -> String {
    value.map_or_else(String::new, |v| v.normalize().to_string())
}

/// Write the flat table; `bom` starts it with a UTF-8 byte-order mark, which spreadsheet
/// programs need to read Chinese text in a CSV file.
pub fn write(report: &Report<'_>, bom: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, out);
    if bom {
        w.write_all("\u{feff}".as_bytes())?;
    }
    let mut header = vec!["goal".to_string()];
    header.extend(report.column_names().iter().map(|n| field(n)));
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
    let mut line = String::new();
    for row in report.flat_rows() {
        line.clear();
        line.push_str(&field(row.goal));
        for m in &row.members {
            line.push(',');
            line.push_str(&m.as_deref().map(field).unwrap_or_default());
        }
        for v in [
            row.period.map(|p| p.start.to_string()),
            row.period.map(|p| p.end.to_string()),
        ] {
            line.push(',');
            line.push_str(&v.unwrap_or_default());
        }
        for v in [Some(row.target), row.actual, row.expected, row.forecast] {
            line.push(',');
            line.push_str(&number(v));
        }
        line.push_str("\r\n");
        w.write_all(line.as_bytes())?;
    }
    w.flush()
}
