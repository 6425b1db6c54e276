//! SARIF 2.1.0, for code-scanning tools (GitHub code scanning, IDE viewers).
//!
//! SARIF counts columns in UTF-16 code units by default, so regions are computed with
//! [`SourceFile::line_col_utf16`](crate::source::SourceFile::line_col_utf16).

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{Sources, Span};
use serde_json::{Value, json};

fn region(sources: &Sources, span: Span) -> Option<(String, Value)> {
    let file = sources.get(span.file)?;
    let (line, column) = file.line_col_utf16(span.start());
    let (end_line, end_column) = file.line_col_utf16(span.end());
    Some((
        file.name.clone(),
        json!({
            "startLine": line + 1,
            "startColumn": column + 1,
            "endLine": end_line + 1,
            "endColumn": end_column + 1,
        }),
    ))
}

fn location(sources: &Sources, span: Span, message: Option<&str>) -> Option<Value> {
    let (uri, region) = region(sources, span)?;
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": region,
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({ "text": m });
    }
    Some(loc)
}

/// One SARIF log for the diagnostics of one or more compilations.
pub fn log(runs: &[(&Sources, &[Diagnostic])]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&code| {
            let doc = crate::explain::doc(code);
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": doc.what },
                "fullDescription": { "text": doc.why },
                "help": { "text": doc.fix },
                "defaultConfiguration": {
                    "level": match code.default_severity() {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    }
                },
            })
        })
        .collect();
    let results: Vec<Value> = runs
        .iter()
        .flat_map(|(sources, diagnostics)| {
            diagnostics.iter().map(|d| {
                let mut text = d.message.clone();
                if let Some(help) = &d.help {
                    text.push_str("\nhelp: ");
                    text.push_str(help);
                }
                let mut result = json!({
                    "ruleId": d.code.as_str(),
                    "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                    "level": d.severity.as_str(),
                    "message": { "text": text },
                    "locations": location(sources, d.span, None).into_iter().collect::<Vec<_>>(),
                });
                let related: Vec<Value> = d
                    .secondary
                    .iter()
                    .filter_map(|l| location(sources, l.span, Some(&l.message)))
                    .collect();
                if !related.is_empty() {
                    result["relatedLocations"] = Value::Array(related);
                }
                result
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "planck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}
