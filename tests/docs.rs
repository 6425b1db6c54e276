//! The examples of the language reference. (`docs/checks.md` is tested in
//! `tests/rules.rs`.)

use std::path::Path;

mod common;

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
    common::compile(text, planck::alloc::Depth::RepTotals).diagnostics
}
