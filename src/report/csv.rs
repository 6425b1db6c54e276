//! The flat table: one row per cell of every allocated goal (or per group with `--by`):
//! `goal`, one column per dimension, `period_start`, `period_end`, `target`, `actual`,
//! `expected`, `forecast`. RFC 4180 quoting; a field that a spreadsheet would read as a
//! formula (starting with `=`, `+`, `-` or `@`, or a tab or carriage return) is
//! neutralised with a leading apostrophe. Numbers are written plainly ("-15000"), so only
//! text from the plan can be neutralised.

use super::model::{FlatRow, Report};
use crate::period::Period;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::io::Write;

/// Whether a spreadsheet would run `text` as a formula.
fn risky(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Whether `text` must be quoted.
fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Append `text` to `line` as a CSV field (see [`field`]).
#[inline]
fn push_field(text: &str, line: &mut Vec<u8>) {
    if risky(text) || needs_quotes(text) {
        line.extend_from_slice(field(text).as_bytes());
    } else {
        line.extend_from_slice(text.as_bytes());
    }
}

/// A text field as CSV: neutralised if a spreadsheet would run it, quoted if needed.
pub fn field(text: &str) -> Cow<'_, str> {
    let (risky, quote) = (risky(text), needs_quotes(text));
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

/// A table of at least this many rows is formatted on several threads.
const PARALLEL_ROWS: usize = 200_000;

/// How many rows a thread formats into one block (about a megabyte of text).
const BLOCK_ROWS: usize = 16_384;

/// At most this many threads format rows.
const MAX_THREADS: usize = 8;

/// Write the flat table; `bom` starts it with a UTF-8 byte-order mark, which spreadsheet
/// programs need to read Chinese text in a CSV file.
///
/// A large table is cut into blocks of consecutive rows, formatted on as many threads
/// as the machine runs at once (each thread the blocks of its turn, a few ahead of the
/// writer) and written out in order: the bytes are those of one thread.
pub fn write(report: &Report<'_>, bom: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    write_on(report, bom, threads, out)
}

/// [`write`] on at most `threads` threads (one: never in blocks). The bytes are the
/// same for any number.
pub fn write_on(
    report: &Report<'_>,
    bom: bool,
    threads: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
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
    let rows = report.flat_row_count();
    if threads > 1 && rows >= PARALLEL_ROWS {
        out.write_all(&line)?;
        return write_in_blocks(report, rows, threads, out);
    }
    let mut writer = RowWriter::new();
    // Rows are formatted straight into one buffer, written out whenever it holds a chunk.
    report.for_each_flat_row(|row| {
        writer.row(row, &mut line);
        if line.len() >= CHUNK {
            out.write_all(&line)?;
            line.clear();
        }
        Ok::<(), std::io::Error>(())
    })?;
    out.write_all(&line)?;
    out.flush()
}

/// The `rows` rows of the flat table, formatted in blocks on `threads` threads and
/// written in order.
fn write_in_blocks(
    report: &Report<'_>,
    rows: usize,
    threads: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let blocks = rows.div_ceil(BLOCK_ROWS);
    // Block `block` of the table, appended to `text`.
    let format = |writer: &mut RowWriter, block: usize, text: &mut Vec<u8>| {
        let start = block * BLOCK_ROWS;
        report.for_each_flat_row_in(start..start + BLOCK_ROWS, |row| {
            writer.row(row, text);
            Ok::<(), std::convert::Infallible>(())
        })
    };
    std::thread::scope(|scope| {
        // Thread `t` formats blocks t, t + threads, …, each sent as it is done; a thread
        // runs at most two blocks ahead of the writer. The blocks of a thread the system
        // would not start are formatted here, in turn.
        let receivers: Vec<_> = (0..threads)
            .map(|t| {
                let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
                let started = std::thread::Builder::new().spawn_scoped(scope, move || {
                    let mut writer = RowWriter::new();
                    for block in (t..blocks).step_by(threads) {
                        let mut text = Vec::with_capacity(BLOCK_ROWS * 96);
                        // The writer stopped (it could not write): so does this thread.
                        if format(&mut writer, block, &mut text).is_err()
                            || send.send(text).is_err()
                        {
                            return;
                        }
                    }
                });
                started.ok().map(|_| receive)
            })
            .collect();
        let mut here = RowWriter::new();
        let mut text = Vec::new();
        for block in 0..blocks {
            match receivers.get(block % threads) {
                Some(Some(receiver)) => {
                    let Ok(text) = receiver.recv() else {
                        return Err(std::io::Error::other("a thread formatting rows stopped"));
                    };
                    out.write_all(&text)?;
                }
                _ => {
                    text.clear();
                    let Ok(()) = format(&mut here, block, &mut text);
                    out.write_all(&text)?;
                }
            }
        }
        out.flush()
    })
}

/// Formats rows one after another, remembering what the next row may repeat.
struct RowWriter {
    buf: [u8; 64],
    goal: FieldCache,
    members: Vec<FieldCache>,
    /// Cells come in runs of the same period: its two dates are formatted once per run.
    dates: Option<(Period, String)>,
    /// Within a run of rows that differ only in one column ([`FlatRow::varying`]): that
    /// column, and the text of the row before it and after it, up to the numbers. The
    /// rows of the run are written as that text around the column's field.
    template: Option<usize>,
    before: Vec<u8>,
    after: Vec<u8>,
    /// The last target written, and its text: siblings often share a value.
    target: Option<([u8; 16], Vec<u8>)>,
}

impl RowWriter {
    fn new() -> RowWriter {
        RowWriter {
            buf: [0; 64],
            goal: FieldCache::default(),
            members: Vec::new(),
            dates: None,
            template: None,
            before: Vec::new(),
            after: Vec::new(),
            target: None,
        }
    }

    /// Append `row` to `line`, with its line break.
    fn row(&mut self, row: &FlatRow<'_>, line: &mut Vec<u8>) {
        match row.varying {
            Some(k) if self.template == Some(k) => {
                line.extend_from_slice(&self.before);
                // A new name in nearly every row: nothing to remember.
                if let Some(Some(m)) = row.members.get(k) {
                    push_field(m, line);
                }
                line.extend_from_slice(&self.after);
            }
            _ => {
                let start = line.len();
                let column = self.text(row, line);
                // The text around the column that varies is the same for the rows of
                // the run after this one.
                self.template = None;
                if let (Some(k), Some((from, to))) = (row.varying, column)
                    && let (Some(before), Some(after)) = (line.get(start..from), line.get(to..))
                {
                    self.before.clear();
                    self.before.extend_from_slice(before);
                    self.after.clear();
                    self.after.extend_from_slice(after);
                    self.template = Some(k);
                }
            }
        }
        let buf = &mut self.buf;
        line.push(b',');
        // The same mantissa and scale: the same text.
        let key = row.target.serialize();
        match &mut self.target {
            Some((k, text)) if *k == key => line.extend_from_slice(text),
            Some((k, kept)) => {
                let text = crate::emit::compile::decimal_str(row.target, buf);
                line.extend_from_slice(text);
                *k = key;
                kept.clear();
                kept.extend_from_slice(text);
            }
            slot => {
                let text = crate::emit::compile::decimal_str(row.target, buf);
                line.extend_from_slice(text);
                *slot = Some((key, text.to_vec()));
            }
        }
        line.push(b',');
        number(line, row.actual, buf);
        line.push(b',');
        number(line, row.expected, buf);
        line.push(b',');
        number(line, row.forecast, buf);
        line.extend_from_slice(b"\r\n");
    }

    /// Append the goal, members and dates of `row` to `line`; where the field of the
    /// column [`FlatRow::varying`] names starts and ends in `line`.
    fn text(&mut self, row: &FlatRow<'_>, line: &mut Vec<u8>) -> Option<(usize, usize)> {
        self.goal.push(row.goal, line);
        if self.members.len() < row.members.len() {
            self.members
                .resize_with(row.members.len(), FieldCache::default);
        }
        let mut column = None;
        for (k, (m, cache)) in row.members.iter().zip(&mut self.members).enumerate() {
            line.push(b',');
            let from = line.len();
            if let Some(m) = m {
                cache.push(m, line);
            }
            if row.varying == Some(k) {
                column = Some((from, line.len()));
            }
        }
        line.push(b',');
        if let Some(p) = row.period {
            match &self.dates {
                Some((q, text)) if *q == p => line.extend_from_slice(text.as_bytes()),
                _ => {
                    let text = format!("{},{}", p.start, p.end);
                    line.extend_from_slice(text.as_bytes());
                    self.dates = Some((p, text));
                }
            }
        } else {
            line.push(b',');
        }
        column
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Rows of one run (written from the run's template), each differing from the row
    /// before in its name and in one number or none: every row is written with its own
    /// name and numbers, as if it stood alone.
    #[test]
    fn rows_of_a_run_keep_their_own_numbers() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let numbers = [
            (d("10"), None, None, None),
            (d("10"), None, None, None),
            (d("10"), Some(d("1")), None, None),
            (d("10"), Some(d("2")), None, None),
            (d("10"), Some(d("2")), Some(d("3")), None),
            (d("10"), Some(d("2")), Some(d("4")), None),
            (d("10"), Some(d("2")), Some(d("4")), Some(d("5"))),
            (d("10"), Some(d("2")), Some(d("4")), Some(d("6"))),
            (d("10.5"), Some(d("2")), Some(d("4")), Some(d("6"))),
            (d("10.50"), Some(d("2")), Some(d("4")), Some(d("6"))),
        ];
        // Names a spreadsheet would run, or that need quotes, among plain ones.
        let names: Vec<String> = (0..numbers.len())
            .map(|i| match i % 4 {
                1 => format!("=rep{i}"),
                2 => format!("rep \"{i}\", east"),
                _ => format!("rep{i}"),
            })
            .collect();
        let period = Period {
            start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end: chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        };
        let mut writer = RowWriter::new();
        let mut line = Vec::new();
        let mut expected = String::new();
        for (i, (name, &(target, actual, expected_value, forecast))) in
            names.iter().zip(&numbers).enumerate()
        {
            let row = FlatRow {
                goal: "revenue",
                members: vec![Some("east"), Some(name)],
                period: Some(period),
                target,
                actual,
                expected: expected_value,
                forecast,
                varying: (i > 0).then_some(1),
            };
            writer.row(&row, &mut line);
            let number =
                |v: Option<Decimal>| v.map_or(String::new(), |v| v.normalize().to_string());
            expected.push_str(&format!(
                "revenue,east,{},2026-01-01,2026-01-31,{},{},{},{}\r\n",
                field(name),
                target.normalize(),
                number(actual),
                number(expected_value),
                number(forecast)
            ));
        }
        assert_eq!(String::from_utf8(line).unwrap(), expected);
    }
}
