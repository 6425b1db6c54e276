//! The rules of `src/check/rules/` document themselves: `docs/checks.md` is generated
//! from them, and each rule's example is a plan that reports its code.
//! Regenerate the document with `PLANCK_UPDATE_DOCS=1 cargo test --test rules`.

use planck::check::rules::{RULES, Rule};
use planck::config::{Config, Level};
use planck::diagnostic::Code;
use std::collections::BTreeSet;
use std::path::Path;

use crate::common;

#[test]
fn checks_md_is_generated_from_the_rules() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let expected = planck::explain::markdown();
    if std::env::var_os("PLANCK_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap_or_else(|e| panic!("{e}"));
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        actual == expected,
        "docs/checks.md is out of date: run `PLANCK_UPDATE_DOCS=1 cargo test --test rules`"
    );
}

#[test]
fn every_code_is_documented_in_full() {
    for rule in RULES {
        for (part, text) in [
            ("what", rule.what),
            ("why", rule.why),
            ("example", rule.example),
            ("fix", rule.fix),
        ] {
            assert!(text.len() > 20, "{}: `{part}` is too short", rule.code);
        }
        assert!(
            !rule.example.contains('…'),
            "{}: the example leaves something out",
            rule.code
        );
    }
}

/// Compile a rule's example with every other lint allowed: an example shows its own
/// code, not the lints any short goal triggers.
fn compile_example(rule: &Rule) -> planck::Compilation {
    let mut sections = rule.example.split("\n# file: ");
    // `split` yields at least one piece.
    let main = sections.next().unwrap_or_default();
    // The plan, then each `# file: PATH` section as that file of the project.
    let others: Vec<(&str, &[u8])> = sections
        .map(|section| {
            let (path, text) = section.split_once('\n').unwrap_or((section, ""));
            (path, text.as_bytes())
        })
        .collect();
    let mut config = Config::default();
    for &code in Code::ALL {
        if code.is_lint() && code != rule.code {
            config.lints.insert(code, Level::Allow);
        }
    }
    common::compile_files(main, &others, &config, planck::alloc::Detail::Cells)
}

#[test]
fn every_example_reports_its_own_code_and_no_other() {
    let mut wrong = Vec::new();
    for rule in RULES {
        let c = compile_example(rule);
        let found: BTreeSet<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
        if found != BTreeSet::from([rule.code.as_str()]) {
            let messages: Vec<String> = c
                .diagnostics
                .iter()
                .map(|d| format!("  {}: {}", d.code, d.message))
                .collect();
            wrong.push(format!("{}:\n{}", rule.code, messages.join("\n")));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_form_in_the_syntax_reference_parses() {
    let reference = planck::check::rules::syntax::REFERENCE;
    assert!(reference.len() >= 5);
    for (_, snippet) in reference {
        let (file, diagnostics) = planck::syntax::parse(planck::source::FileId(0), snippet);
        assert!(diagnostics.is_empty(), "{snippet}\n{diagnostics:#?}");
        assert!(!file.items.is_empty(), "{snippet}");
    }
    let text = planck::explain::text(Code::Syntax);
    assert!(text.contains("Statement forms"), "{text}");
    assert!(text.contains("stage won \"成交\""), "{text}");
}
