//! `docs/checks.md` is generated from `src/explain.rs`; this test keeps them equal.
//! Regenerate with `PLANCK_UPDATE_DOCS=1 cargo test --test docs`.

use std::path::Path;

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
