//! `docs/checks.md` is generated from `src/explain.rs`; this test keeps them equal.
//! Regenerate with `PLANCK_UPDATE_DOCS=1 cargo test --test docs`.

use std::path::Path;

mod common;

#[test]
fn checks_md_is_generated_from_explain() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let expected = planck::explain::markdown();
    if std::env::var_os("PLANCK_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap_or_else(|e| panic!("{e}"));
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/checks.md is out of date: run `PLANCK_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn every_code_is_documented_in_full() {
    for &code in planck::diagnostic::Code::ALL {
        let doc = planck::explain::doc(code);
        for (part, text) in [
            ("what", doc.what),
            ("why", doc.why),
            ("example", doc.example),
            ("fix", doc.fix),
        ] {
            assert!(text.len() > 20, "{code}: `{part}` is too short");
        }
    }
}

/// The ```plan blocks of docs/language.md: whole plans must check without errors, and
/// blocks of items must at least parse.
#[test]
fn language_reference_examples_are_valid() {
    use planck::diagnostic::{Code, Severity};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let blocks: Vec<&str> = text
        .split("```plan\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .collect();
    assert!(blocks.len() >= 10, "found {} plan blocks", blocks.len());
    let item_keywords = planck::syntax::scan::ITEM_KEYWORDS;
    for block in blocks {
        let first_word = block
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or("");
        if !item_keywords.contains(&first_word) {
            continue;
        }
        let (_, diagnostics) = planck::syntax::parse(planck::source::FileId(0), block);
        assert!(diagnostics.is_empty(), "{block}\n{diagnostics:#?}");
        if block.contains("plan \"") && block.contains("goal ") {
            let compiled = compile_text(block);
            let errors: Vec<_> = compiled
                .iter()
                // Fragments may name things defined elsewhere; lints judge the plan, not
                // the language.
                .filter(|d| {
                    d.severity == Severity::Error
                        && d.code != Code::UnresolvedName
                        && !d.code.is_lint()
                })
                .collect();
            assert!(errors.is_empty(), "{block}\n{errors:#?}");
        }
    }
}

fn compile_text(text: &str) -> Vec<planck::diagnostic::Diagnostic> {
    common::compile(text, planck::alloc::Detail::RepTotals).diagnostics
}
