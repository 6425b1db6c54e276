//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=CODE::message`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Sources, escape_control};

/// Escape the message part of a workflow command. User text in it has already had its
/// control characters made visible, so the only line ends left are planck's own.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value, where `:` and `,` are separators too.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // The log that shows annotations interprets terminal escapes: none may pass.
        let mut message = escape_control(&d.message).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape_control(help));
        }
        match sources.get(d.span.file) {
            Some(f) => {
                let start = f.line_col(d.span.start());
                let end = f.line_col(d.span.end());
                out.push_str(&format!(
                    "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                    escape_property(&escape_control(&f.name)),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    escape_property(d.code.as_str()),
                    escape_data(&message)
                ));
            }
            None => out.push_str(&format!(
                "::{kind} title={}::{}\n",
                escape_property(d.code.as_str()),
                escape_data(&message)
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_separators() {
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(escape_data("x\ny"), "x%0Ay");
    }
}
