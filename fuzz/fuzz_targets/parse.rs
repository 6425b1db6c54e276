//! The syntax phase on arbitrary bytes: decoded as the loader decodes a file (invalid
//! UTF-8 lossily), then scanned and parsed. It must not panic or hang, and every
//! diagnostic must point inside the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planck::source::{FileId, SourceFile, Sources};

mod common;

fuzz_target!(|data: &[u8]| {
    let text = match planck::resolve::load::decode(data.to_vec()) {
        Ok(text) => text,
        Err((_, lossy)) => lossy,
    };
    let mut sources = Sources::new();
    let id: FileId = sources.add(SourceFile::new("main.plan", text.as_str()));
    let (_file, diagnostics) = planck::syntax::parse(id, &text);
    common::assert_diagnostics_valid(&sources, &diagnostics);
});
