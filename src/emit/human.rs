//! The terminal report, drawn by miette.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Sources};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

/// Lines longer than this are not drawn: the report names the position instead.
const MAX_SNIPPET_LINE: usize = 400;

/// A source file as miette reads it. The header's column is counted in characters
/// (miette's own would count bytes, which is wrong after Chinese text).
struct Source {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        let mut column = inner.column();
        if context_lines_before == 0 && context_lines_after == 0 {
            let offset = span.offset().min(self.text.len());
            let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
            column = self
                .text
                .get(line_start..offset)
                .map_or(column, |s| s.chars().count());
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// One diagnostic prepared for miette.
struct Report {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Source>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
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

fn source_of(file: &SourceFile) -> Source {
    Source {
        name: file.name.clone(),
        text: file.text.clone(),
    }
}

fn span(start: usize, end: usize) -> SourceSpan {
    SourceSpan::new(start.into(), end.saturating_sub(start))
}

fn report(sources: &Sources, d: &Diagnostic) -> Report {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let file = sources.get(d.span.file);
    let mut message = d.message.clone();
    let drawable = file.is_some_and(|f| {
        let (start, end) = f.line_range(d.span.start);
        end - start <= MAX_SNIPPET_LINE
    });
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some(f) = file {
        if drawable {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(d.label.clone().unwrap_or_else(|| d.message.clone())),
                span(d.span.start, d.span.end),
            ));
        } else {
            let at = f.line_col(d.span.start);
            message = format!("{message}\n  at {}:{}:{}", f.name, at.line, at.column);
        }
        for label in &d.secondary {
            if label.span.file == d.span.file && drawable {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    span(label.span.start, label.span.end),
                ));
            } else if let Some(other) = sources.get(label.span.file) {
                related.push(Report {
                    message: label.message.clone(),
                    code: d.code.as_str(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(source_of(other)),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        Some(label.message.clone()),
                        span(label.span.start, label.span.end),
                    )],
                    related: Vec::new(),
                });
            }
        }
    }
    Report {
        message,
        code: d.code.as_str(),
        severity,
        help: d.help.clone(),
        source: file.filter(|_| drawable).map(source_of),
        labels,
        related,
    }
}

/// Draw every diagnostic; `color` adds ANSI colours (for a terminal).
pub fn render(sources: &Sources, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let r = report(sources, d);
        if handler.render_report(&mut out, &r).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, d.message));
        }
        out.push('\n');
    }
    out
}
