//! What the fuzz targets share: an in-memory file system, one way to run the phases, and
//! the properties every run must keep whatever the input (valid spans, valid JSON, GitHub
//! annotations that stay one per line).

// Each target uses a part of this module.
#![allow(dead_code)]

use planck::alloc::Detail;
use planck::config::Config;
use planck::diagnostic::{Code, Diagnostic, Severity};
use planck::resolve::load::{FileSystem, LoadOptions};
use planck::source::{Sources, Span};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files in memory, by path relative to the project root `/p`. Anything else is not found.
/// Paths are their own canonical form: there are no links.
pub struct MemFs {
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl MemFs {
    pub fn new(files: &[(&str, &[u8])]) -> MemFs {
        MemFs {
            files: files
                .iter()
                .map(|(path, bytes)| (Path::new("/p").join(path), bytes.to_vec()))
                .collect(),
        }
    }

    fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, bytes)| bytes.as_slice())
    }
}

impl FileSystem for MemFs {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        let path = planck::resolve::load::normalize(path);
        match self.get(&path) {
            Some(_) => Ok(path),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.get(path)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| std::io::ErrorKind::NotFound.into())
    }
}

/// Run every phase on `root` as `main.plan` of the project `/p`, whose other files are
/// `others`, with the default configuration and no clock.
pub fn compile(root: &[u8], others: &[(&str, &[u8])], detail: Detail) -> planck::Compilation {
    let options = LoadOptions {
        project_root: "/p".into(),
        base_dir: "/p".into(),
    };
    planck::compile(
        Path::new("main.plan"),
        root.to_vec(),
        &MemFs::new(others),
        &options,
        &Config::default(),
        &planck::RunOptions::new(detail),
    )
}

/// A span lies inside its file's text and ends after it starts. (It may end inside a
/// character: `SourceFile` moves such offsets back to a character boundary when it shows
/// them, and the invalid-UTF-8 diagnostic covers one byte of the replacement character.)
pub fn assert_span_valid(sources: &Sources, span: Span, what: &str) {
    let Some(file) = sources.get(span.file) else {
        panic!("{what}: span {span:?} names a file that was never loaded");
    };
    assert!(
        span.start <= span.end && span.end <= file.text.len(),
        "{what}: span {}..{} outside `{}` ({} bytes)",
        span.start,
        span.end,
        file.name,
        file.text.len()
    );
}

pub fn assert_diagnostics_valid(sources: &Sources, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let what = format!("{} `{}`", d.code.as_str(), d.message);
        assert_span_valid(sources, d.span, &what);
        for label in &d.secondary {
            assert_span_valid(
                sources,
                label.span,
                &format!("{what}, label `{}`", label.message),
            );
        }
    }
}

/// Render the diagnostics in every format `planck check` offers, and check each result.
pub fn render_all(sources: &Sources, diagnostics: &[Diagnostic]) {
    let _ = planck::emit::human::render(sources, diagnostics, false);

    let json = planck::emit::json::render(sources, diagnostics);
    let value: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => panic!("`check --format json` is not JSON ({e}):\n{json}"),
    };
    let listed = value["diagnostics"].as_array().map(Vec::len);
    assert_eq!(
        listed,
        Some(diagnostics.len()),
        "JSON lists every diagnostic"
    );
    let (errors, warnings) = planck::diagnostic::summary(diagnostics);
    assert_eq!(value["summary"]["errors"].as_u64(), Some(errors as u64));
    assert_eq!(value["summary"]["warnings"].as_u64(), Some(warnings as u64));

    let sarif = planck::emit::sarif::log(&[(sources, diagnostics)]);
    let text = serde_json::to_string(&sarif).unwrap();
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => panic!("SARIF is not JSON ({e}):\n{text}"),
    };
    let results = value["runs"][0]["results"].as_array().map(Vec::len);
    assert_eq!(
        results,
        Some(diagnostics.len()),
        "SARIF lists every diagnostic"
    );

    // A message that could break its line would let plan text forge annotations.
    let github = planck::emit::github::render(sources, diagnostics);
    for line in github.lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "GitHub annotation output has a line that is no annotation: {line:?}\n{github}"
        );
    }
    assert_eq!(
        github.lines().count(),
        diagnostics.len(),
        "one annotation per diagnostic"
    );
}

/// The codes of the errors, which decide whether `check` passes and `compile` writes.
pub fn error_codes(diagnostics: &[Diagnostic]) -> BTreeSet<Code> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code)
        .collect()
}

/// Write the `planck compile` JSON as the CLI does (only for a plan without errors) and
/// check that it parses.
pub fn write_compile_json(c: &planck::Compilation) {
    if !error_codes(&c.diagnostics).is_empty() {
        return;
    }
    let mut out = Vec::new();
    planck::emit::compile::write(&c.model, &c.allocation, &c.progress, &mut out).unwrap();
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out) {
        panic!(
            "`planck compile` output is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out)
        );
    }
}
