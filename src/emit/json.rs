//! `planck check --format json`: the fixed JSON object of the language reference.

use crate::diagnostic::{Diagnostic, summary};
use crate::source::Sources;
use serde::Serialize;

#[derive(Serialize)]
pub struct Report {
    pub version: u32,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonLabel>,
}

/// A secondary location ("first defined here").
#[derive(Serialize)]
pub struct JsonLabel {
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

/// File name, start and end (line, column) of a span; columns count characters.
fn locate(sources: &Sources, span: crate::source::Span) -> (String, usize, usize, usize, usize) {
    match sources.get(span.file) {
        Some(f) => {
            let start = f.line_col(span.start());
            let end = f.line_col(span.end());
            (
                f.name.clone(),
                start.line,
                start.column,
                end.line,
                end.column,
            )
        }
        None => (String::new(), 1, 1, 1, 1),
    }
}

pub fn report(sources: &Sources, diagnostics: &[Diagnostic]) -> Report {
    let (errors, warnings) = summary(diagnostics);
    Report {
        version: 1,
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let (file, line, column, end_line, end_column) = locate(sources, d.span);
                JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: d.message.clone(),
                    help: d.help.clone(),
                    file,
                    line,
                    column,
                    end_line,
                    end_column,
                    related: d
                        .secondary
                        .iter()
                        .map(|l| {
                            let (file, line, column, end_line, end_column) =
                                locate(sources, l.span);
                            JsonLabel {
                                message: l.message.clone(),
                                file,
                                line,
                                column,
                                end_line,
                                end_column,
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        summary: Summary { errors, warnings },
    }
}

pub fn render(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let report = report(sources, diagnostics);
    let mut text =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
