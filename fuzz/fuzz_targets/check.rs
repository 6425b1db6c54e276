//! `planck check` on one file: every phase with `Detail::ExactRepTotals` (as the CLI's
//! `check` runs them), then the diagnostics rendered for the terminal, as JSON, as SARIF
//! and as GitHub annotations. The plan can include itself (`main.plan`); every other file is
//! missing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planck::alloc::Detail;

mod common;

fuzz_target!(|data: &[u8]| {
    let c = common::compile(data, &[("main.plan", data)], Detail::ExactRepTotals);
    common::assert_diagnostics_valid(&c.sources, &c.diagnostics);
    common::render_all(&c.sources, &c.diagnostics);
});
