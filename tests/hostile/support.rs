//! What the hostile-input tests share: exact decimals, and ways to read a compilation's
//! diagnostics and output.

use rust_decimal::Decimal;

/// An exact decimal from its text.
pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Every diagnostic as `code: message`, in order.
pub fn found(c: &planck::Compilation) -> Vec<String> {
    c.diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

/// The diagnostics of severity error.
pub fn errors(c: &planck::Compilation) -> Vec<&planck::diagnostic::Diagnostic> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == planck::diagnostic::Severity::Error)
        .collect()
}

/// The text a diagnostic points at.
pub fn at<'c>(c: &'c planck::Compilation, d: &planck::diagnostic::Diagnostic) -> &'c str {
    let file = c.sources.get(d.span.file).unwrap();
    &file.text[d.span.start..d.span.end]
}

/// The `planck compile` JSON of a compilation.
pub fn compile_json(c: &planck::Compilation) -> String {
    let mut out = Vec::new();
    planck::emit::compile::write(&c.model, &c.allocation, &c.progress, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
