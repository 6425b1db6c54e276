//! `planck compile` on one file: every phase with `Detail::Cells`, then the compile JSON
//! written (when there is no error, as the CLI does) and parsed back. `planck check` must
//! find the same errors, so a plan `check` passes is one `compile` accepts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planck::alloc::Detail;

mod common;

fuzz_target!(|data: &[u8]| {
    let compiled = common::compile(data, &[("main.plan", data)], Detail::Cells);
    common::assert_diagnostics_valid(&compiled.sources, &compiled.diagnostics);
    common::write_compile_json(&compiled);

    let checked = common::compile(data, &[("main.plan", data)], Detail::ExactRepTotals);
    let (by_compile, by_check) = (
        common::error_codes(&compiled.diagnostics),
        common::error_codes(&checked.diagnostics),
    );
    assert_eq!(
        by_compile, by_check,
        "compile and check disagree on the errors\ncompile: {:#?}\ncheck: {:#?}",
        compiled.diagnostics, checked.diagnostics
    );
});
