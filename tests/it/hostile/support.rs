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
    &file.text[d.span.range()]
}

/// The `planck compile` JSON of a compilation.
pub fn compile_json(c: &planck::Compilation) -> String {
    let mut out = Vec::new();
    planck::emit::compile::write(&c.model, &c.allocation, &c.progress, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The one error of a compilation, which must be `invalid-value` with `message`, pointing
/// at `text`, with a help line.
pub fn one_invalid_value<'c>(
    c: &'c planck::Compilation,
    message: &str,
    text: &str,
) -> &'c planck::diagnostic::Diagnostic {
    let errs = errors(c);
    assert_eq!(errs.len(), 1, "{:?}", found(c));
    let err = errs[0];
    assert_eq!(err.code.as_str(), "invalid-value");
    assert_eq!(err.message, message);
    assert_eq!(at(c, err), text);
    assert!(err.help.is_some(), "no help line: {}", err.message);
    err
}
