//! `planck fmt` on any bytes that are UTF-8 text: it must not panic or hang. When it
//! formats, formatting again changes nothing, every comment is kept in order, and the
//! formatted plan means the same: the same compile JSON and the same diagnostics (codes
//! and messages).

#![no_main]

use libfuzzer_sys::fuzz_target;
use planck::alloc::Detail;
use planck::source::FileId;

mod common;

fn comments(text: &str) -> Vec<String> {
    planck::syntax::scan::scan(FileId(0), text)
        .comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

fn meaning(text: &str) -> (Vec<u8>, Vec<String>) {
    let c = common::compile(text.as_bytes(), &[("main.plan", text.as_bytes())], Detail::Cells);
    let mut json = Vec::new();
    if let Err(e) = planck::emit::compile::write(&c.model, &c.allocation, &c.progress, &mut json) {
        panic!("cannot write the compile JSON: {e}");
    }
    let diagnostics = c
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    (json, diagnostics)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = planck::fmt::format(FileId(0), text) else {
        return;
    };
    match planck::fmt::format(FileId(0), &formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting twice differs"),
        Err(diagnostics) => panic!("the formatted text has syntax errors: {diagnostics:#?}"),
    }
    assert_eq!(comments(&formatted), comments(text), "comments differ");
    assert!(meaning(&formatted) == meaning(text), "the plan means something else");
});
