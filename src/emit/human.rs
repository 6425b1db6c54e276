//! The terminal report, drawn by miette.
//!
//! User text never reaches the terminal raw: control characters and bidirectional
//! overrides in messages, labels, help lines, file names and source lines are shown
//! escaped (`\u{1b}`), while tabs and line ends in source lines keep their layout.
//! miette is given only the few lines around each label, already escaped, with offsets
//! in the escaped text ("shown offsets"), so drawing a report does not depend on the size
//! of the file.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{FileId, SourceFile, Sources, escape_control, is_unsafe_char, push_escaped};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// Lines longer than this are not drawn: the report names the position instead.
const MAX_SNIPPET_LINE: usize = 400;

/// Lines of context miette draws above and below a label.
const CONTEXT_LINES: usize = 1;

/// How many diagnostics of one code are drawn in full; the others take one line each,
/// so that thousands of bad rows in a CSV file keep the report readable.
const FULL_REPORTS_PER_CODE: usize = 100;

/// Whether a character of a source line is shown escaped. Tabs and line ends (LF, or
/// CR LF) are kept: miette draws tabs as spaces and splits lines at them.
fn escaped_in_snippet(c: char, next: Option<char>) -> bool {
    is_unsafe_char(c) && c != '\t' && c != '\n' && !(c == '\r' && next == Some('\n'))
}

/// A source line (or several) as shown.
fn escape_snippet(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if escaped_in_snippet(c, chars.peek().copied()) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// One escaped character of a file.
#[derive(Debug, Clone, Copy)]
struct Escape {
    /// Its byte offset in the file.
    offset: usize,
    /// Its length in the file, in bytes.
    len: usize,
    /// How many bytes longer the shown text is up to and including this character.
    extra: usize,
}

/// The escaped characters of a file, to map file offsets to shown offsets and back.
#[derive(Debug, Default)]
struct Escapes(Vec<Escape>);

impl Escapes {
    fn of(text: &str) -> Escapes {
        let mut list = Vec::new();
        let mut extra = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((offset, c)) = chars.next() {
            if escaped_in_snippet(c, chars.peek().map(|&(_, n)| n)) {
                let mut shown = String::new();
                push_escaped(&mut shown, c);
                extra += shown.len() - c.len_utf8();
                list.push(Escape {
                    offset,
                    len: c.len_utf8(),
                    extra,
                });
            }
        }
        Escapes(list)
    }

    fn to_shown(&self, offset: usize) -> usize {
        let before = self.0.partition_point(|e| e.offset < offset);
        match before.checked_sub(1).and_then(|i| self.0.get(i)) {
            Some(e) => offset + e.extra,
            None => offset,
        }
    }

    fn to_file(&self, shown: usize) -> usize {
        // The shown offset where escape `i` starts is its offset plus the extra bytes of
        // the escapes before it.
        let shown_start = |i: usize| {
            let prior = i
                .checked_sub(1)
                .and_then(|p| self.0.get(p))
                .map_or(0, |e| e.extra);
            self.0.get(i).map_or(usize::MAX, |e| e.offset + prior)
        };
        let (mut lo, mut hi) = (0, self.0.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if shown_start(mid) < shown {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        match lo.checked_sub(1).and_then(|i| self.0.get(i)) {
            // Inside an escape (never asked for): its character.
            Some(e) if shown.saturating_sub(e.extra) < e.offset + e.len => e.offset,
            Some(e) => shown - e.extra,
            None => shown,
        }
    }
}

/// A run of whole lines of a file, escaped.
struct Window {
    /// The shown offset of its first byte.
    shown_start: usize,
    /// The 0-based line number of its first line.
    first_line: usize,
    text: String,
}

/// A source file as miette reads it: only the lines around the labels of one report.
/// The header's column is counted in characters of the file (miette's own would count
/// bytes of the shown text, which is wrong after Chinese text or an escape).
struct Source<'a> {
    name: String,
    file: &'a SourceFile,
    escapes: &'a Escapes,
    windows: Vec<Window>,
}

impl<'a> Source<'a> {
    /// The source for labels at these byte ranges of `file`.
    fn new(file: &'a SourceFile, escapes: &'a Escapes, spans: &[(usize, usize)]) -> Source<'a> {
        // Line ranges with a line to spare on each side, merged where they meet, so that
        // every span miette asks for (a label, or labels it draws together) lies in one.
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| {
                (
                    file.line_index(start).saturating_sub(CONTEXT_LINES + 1),
                    file.line_index(end.max(start)) + CONTEXT_LINES + 1,
                )
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match merged.last_mut() {
                Some(prev) if first <= prev.1 + 1 => prev.1 = prev.1.max(last),
                _ => merged.push((first, last)),
            }
        }
        let windows = merged
            .into_iter()
            .map(|(first, last)| {
                let start = file.line_start(first).unwrap_or(file.text.len());
                let end = file.line_start(last + 1).unwrap_or(file.text.len());
                Window {
                    shown_start: escapes.to_shown(start),
                    first_line: first,
                    text: escape_snippet(file.text.get(start..end).unwrap_or("")),
                }
            })
            .collect();
        Source {
            name: escape_control(&file.name).into_owned(),
            file,
            escapes,
            windows,
        }
    }

    /// A span in shown offsets.
    fn span(&self, start: usize, end: usize) -> SourceSpan {
        let start_shown = self.escapes.to_shown(start);
        let end_shown = self.escapes.to_shown(end.max(start));
        SourceSpan::new(start_shown.into(), end_shown - start_shown)
    }
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let end = span.offset() + span.len();
        let window = self
            .windows
            .iter()
            .find(|w| w.shown_start <= span.offset() && end <= w.shown_start + w.text.len())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - window.shown_start).into(), span.len());
        let inner =
            window
                .text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let mut column = inner.column();
        if context_lines_before == 0 && context_lines_after == 0 {
            let offset = self.escapes.to_file(span.offset());
            let line_start = self
                .file
                .line_start(self.file.line_index(offset))
                .unwrap_or(0);
            column = self
                .file
                .text
                .get(line_start..offset)
                .map_or(column, |s| s.chars().count());
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + window.shown_start).into(),
                inner.span().len(),
            ),
            inner.line() + window.first_line,
            column,
            // miette draws two labels as one snippet when the first snippet's line plus
            // this count reaches the second's line. Counted from the start of the file
            // (as miette's own reader does), labels hundreds of lines apart would be
            // drawn with every line between them; counted from the snippet's first line,
            // only snippets that meet are joined.
            inner.line_count().saturating_sub(inner.line()),
        )))
    }
}

/// One diagnostic prepared for miette.
struct Report<'a> {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Source<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// The escaped characters of each file, found once per file.
#[derive(Default)]
struct EscapesByFile(HashMap<FileId, Escapes>);

impl EscapesByFile {
    fn prepare(&mut self, sources: &Sources, file: FileId) {
        if let (false, Some(f)) = (self.0.contains_key(&file), sources.get(file)) {
            self.0.insert(file, Escapes::of(&f.text));
        }
    }
}

fn escaped(text: &str) -> String {
    escape_control(text).into_owned()
}

fn report<'a>(sources: &'a Sources, escapes: &'a EscapesByFile, d: &Diagnostic) -> Report<'a> {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let file = sources.get(d.span.file);
    let file_escapes = escapes.0.get(&d.span.file);
    let mut message = escaped(&d.message);
    let drawable = file.is_some_and(|f| {
        let (start, end) = f.line_range(d.span.start());
        end - start <= MAX_SNIPPET_LINE
    });
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let mut source = None;
    if let (Some(f), Some(file_escapes)) = (file, file_escapes) {
        let same_file: Vec<_> = d
            .secondary
            .iter()
            .filter(|l| l.span.file == d.span.file && drawable)
            .collect();
        if drawable {
            let mut spans = vec![(d.span.start(), d.span.end())];
            spans.extend(same_file.iter().map(|l| (l.span.start(), l.span.end())));
            let s = Source::new(f, file_escapes, &spans);
            labels.push(LabeledSpan::new_primary_with_span(
                Some(escaped(d.label.as_deref().unwrap_or(&d.message))),
                s.span(d.span.start(), d.span.end()),
            ));
            for label in &same_file {
                labels.push(LabeledSpan::new_with_span(
                    Some(escaped(&label.message)),
                    s.span(label.span.start(), label.span.end()),
                ));
            }
            source = Some(s);
        } else {
            let at = f.line_col(d.span.start());
            message = format!(
                "{message}\n  at {}:{}:{}",
                escape_control(&f.name),
                at.line,
                at.column
            );
        }
        for label in d
            .secondary
            .iter()
            .filter(|l| !(l.span.file == d.span.file && drawable))
        {
            let (Some(other), Some(other_escapes)) = (
                sources.get(label.span.file),
                escapes.0.get(&label.span.file),
            ) else {
                continue;
            };
            let s = Source::new(
                other,
                other_escapes,
                &[(label.span.start(), label.span.end())],
            );
            let label_span = s.span(label.span.start(), label.span.end());
            related.push(Report {
                message: escaped(&label.message),
                code: d.code.as_str(),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(s),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(escaped(&label.message)),
                    label_span,
                )],
                related: Vec::new(),
            });
        }
    }
    Report {
        message,
        code: d.code.as_str(),
        severity,
        help: d.help.as_deref().map(escaped),
        source,
        labels,
        related,
    }
}

/// One line: `file:line:column: severity[code]: message (help: …)`, the help only when
/// it differs from every help already shown for the code.
fn short_line(
    sources: &Sources,
    d: &Diagnostic,
    helps_shown: &mut HashSet<(Code, String)>,
) -> String {
    let mut line = String::new();
    if let Some(f) = sources.get(d.span.file) {
        let at = f.line_col(d.span.start());
        line.push_str(&format!(
            "{}:{}:{}: ",
            escape_control(&f.name),
            at.line,
            at.column
        ));
    }
    line.push_str(&format!(
        "{}[{}]: {}",
        d.severity.as_str(),
        d.code,
        escape_control(&d.message)
    ));
    if let Some(help) = &d.help
        && helps_shown.insert((d.code, help.clone()))
    {
        line.push_str(&format!(" (help: {})", escape_control(help)));
    }
    line.push('\n');
    line
}

/// Draw every diagnostic; `color` adds ANSI colours (for a terminal). The first
/// diagnostics of each code are drawn in full, the rest in one line each, and a note at
/// the end says how many were shortened.
pub fn render(sources: &Sources, diagnostics: &[Diagnostic], color: bool) -> String {
    render_width(sources, diagnostics, color, 100)
}

/// [`render`] within `width` columns. Lines are wrapped only between words: a word is
/// never cut at its hyphens, so a date (`2026-03-31`) or a code (`over-capacity`) stays
/// on one line.
pub fn render_width(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    let mut out = String::new();
    let mut escapes = EscapesByFile::default();
    let mut full_reports: HashMap<Code, usize> = HashMap::new();
    let mut shortened: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut helps_shown: HashSet<(Code, String)> = HashSet::new();
    for d in diagnostics {
        let drawn = full_reports.entry(d.code).or_default();
        if *drawn >= FULL_REPORTS_PER_CODE {
            out.push_str(&short_line(sources, d, &mut helps_shown));
            *shortened.entry(d.code.as_str()).or_default() += 1;
            continue;
        }
        *drawn += 1;
        if let Some(help) = &d.help {
            helps_shown.insert((d.code, help.clone()));
        }
        escapes.prepare(sources, d.span.file);
        for label in &d.secondary {
            escapes.prepare(sources, label.span.file);
        }
        let r = report(sources, &escapes, d);
        if handler.render_report(&mut out, &r).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, escape_control(&d.message)));
        }
        out.push('\n');
    }
    if !shortened.is_empty() {
        out.push('\n');
    }
    for (code, count) in shortened {
        out.push_str(&format!(
            "note: {count} more `{code}` diagnostics are shown in one line each; `--format json` has every detail\n"
        ));
    }
    out
}
