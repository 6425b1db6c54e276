//! What each diagnostic code means: the text of `planck explain`, `planck explain CODE`
//! and the generated `docs/checks.md`, all rendered from the rules in
//! `src/check/rules/`, so they never drift.

use crate::check::rules::{RULES, Rule};
use crate::diagnostic::{Code, Severity};

/// The documentation of one code: its rule in `src/check/rules/`.
pub fn doc(code: Code) -> &'static Rule {
    crate::check::rules::rule(code)
}

fn severity_text(code: Code) -> String {
    let base = match code.default_severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let lint = if code.is_lint() {
        " (lint: can be set to allow, warn or deny in planck.toml, or allowed per goal)"
    } else {
        " (cannot be silenced)"
    };
    let smart = code
        .smart()
        .map_or_else(String::new, |s| format!("; SMART: {s}"));
    format!("{base}{lint}{smart}")
}

/// Wrap prose to `width` columns, each line indented by two spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for word in text.split_whitespace() {
        if line.chars().count() + 1 + word.chars().count() > width && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The text `planck explain CODE` prints.
pub fn text(code: Code) -> String {
    let d = doc(code);
    let mut out = format!("{code}: {}\n\n", severity_text(code));
    out.push_str(&format!("What it finds\n{}\n", wrap(d.what, 88)));
    out.push_str(&format!("Why it matters\n{}\n", wrap(d.why, 88)));
    out.push_str("Example\n");
    for line in d.example.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("\nFix\n{}", wrap(d.fix, 88)));
    if code == Code::Syntax {
        out.push_str("\nStatement forms\n");
        for (prose, snippet) in crate::check::rules::syntax::REFERENCE {
            out.push_str(&format!("\n{}\n", wrap(prose, 88)));
            for line in snippet.lines() {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The whole of `docs/checks.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Checks\n\n<!-- Generated from src/check/rules/ by `PLANCK_UPDATE_DOCS=1 cargo test --test rules`; do not edit by hand. -->\n\nEvery diagnostic planck reports has one of these codes. `planck explain CODE` prints the same text. Each example is a whole plan that reports its code; lines from `# file: PATH` on show another file of the project.\n\n| code | default | SMART |\n|---|---|---|\n",
    );
    for rule in RULES {
        let code = rule.code;
        out.push_str(&format!(
            "| [`{code}`](#{code}) | {}{} | {} |\n",
            code.default_severity().as_str(),
            if code.is_lint() { " (lint)" } else { "" },
            code.smart().map_or_else(String::new, String::from)
        ));
    }
    for d in RULES {
        let code = d.code;
        out.push_str(&format!("\n## {code}\n\n*{}*\n\n", severity_text(code)));
        out.push_str(&format!(
            "**What it finds.** {}\n\n**Why it matters.** {}\n\n**Example.**\n\n```plan expect={code}\n{}\n```\n\n**Fix.** {}\n",
            d.what, d.why, d.example, d.fix
        ));
        if code == Code::Syntax {
            out.push_str("\n### Statement forms\n");
            for (prose, snippet) in crate::check::rules::syntax::REFERENCE {
                out.push_str(&format!("\n{prose}\n\n```plan\n{snippet}\n```\n"));
            }
        }
    }
    out
}

/// The text `planck explain` prints: every code with its default level and the first
/// sentence of what it finds.
pub fn list() -> String {
    let mut out = String::from("Diagnostic codes (`planck explain CODE` for one):\n\n");
    for rule in RULES {
        let first = rule
            .what
            .split(". ")
            .next()
            .unwrap_or(rule.what)
            .trim_end_matches('.');
        out.push_str(&format!(
            "  {:<22} {:<8} {first}\n",
            rule.code.as_str(),
            rule.level.as_str()
        ));
    }
    out
}
