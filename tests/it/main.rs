//! planck's integration tests, one module per area, built as one test binary so the
//! library and its dependencies are linked once. Run one area with
//! `cargo test --test it diff::`.

#[path = "../common/mod.rs"]
mod common;

mod alloc;
mod calibrate;
mod cancel;
mod checks;
mod cli;
mod compile;
mod crm;
mod diff;
mod docs;
mod editors;
mod fmt;
mod history;
mod hostile;
mod import;
mod lsp;
mod mistakes;
mod pipeline;
mod report;
mod report_html;
mod robustness;
mod rounding;
mod rules;
mod ui;
