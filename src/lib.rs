//! planck: a compiler and checker for `.plan` files, sales plans kept as code.
//!
//! The phases run one way: [`syntax`] (text → syntax tree) → [`resolve`] (names, units,
//! periods → [`model`]) → [`check`] (model → diagnostics) → [`emit`] (diagnostics →
//! terminal, JSON, GitHub annotations). See `ARCHITECTURE.md`.
//!
//! ```
//! use planck::config::Config;
//! use planck::resolve::load::{FileSystem, LoadOptions};
//! use std::path::{Path, PathBuf};
//!
//! /// This plan includes nothing, so no file is ever read.
//! struct NoFiles;
//! impl FileSystem for NoFiles {
//!     fn canonicalize(&self, _: &Path) -> std::io::Result<PathBuf> {
//!         Err(std::io::ErrorKind::NotFound.into())
//!     }
//!     fn read(&self, _: &Path) -> std::io::Result<Vec<u8>> {
//!         Err(std::io::ErrorKind::NotFound.into())
//!     }
//! }
//!
//! let text = r#"
//! plan "FY2026" { period 2026  currency CNY }
//! dimension region { east  north }
//! goal revenue { target 12M CNY  split region { east 40%  north 55% } }
//! "#;
//! let options = LoadOptions { project_root: PathBuf::from("/p"), base_dir: PathBuf::from("/p") };
//! let run = planck::RunOptions::new(planck::alloc::Detail::RepTotals);
//! let c = planck::compile(
//!     Path::new("sales.plan"), text.into(), &NoFiles, &options, &Config::default(), &run,
//! );
//! let shares = c.diagnostics.iter().find(|d| d.code.as_str() == "shares-sum").unwrap();
//! assert_eq!(shares.message, "the shares of `split region` total 95%, not 100%");
//! assert_eq!(shares.help.as_deref(), Some("shares total 95%: add 5% to a member, or give one member `rest`"));
//! ```

pub mod alloc;
pub mod calibrate;
pub mod capacity;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod explain;
pub mod fmt;
pub mod fmt_num;
pub mod fs;
pub mod hash;
pub mod init;
pub mod lsp;
pub mod model;
pub mod period;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod resolve;
pub mod source;
pub mod suggest;
pub mod syntax;
mod trust;

use chrono::NaiveDate;
use config::Config;
use diagnostic::Diagnostic;
use resolve::load::{FileSystem, LoadOptions, LoadedFile};
use source::Sources;
use std::path::Path;

/// How to run the phases.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// "Today" for progress, overriding the plan's `as_of` (`--as-of`).
    pub as_of: Option<NaiveDate>,
    /// The date to use when neither the caller nor the plan gives one. The library never
    /// reads the clock itself, so runs are reproducible.
    pub today: Option<NaiveDate>,
    /// How much of the allocation to compute (every cell, or only rep totals).
    pub detail: alloc::Detail,
}

impl RunOptions {
    /// No dates from outside the plan.
    pub fn new(detail: alloc::Detail) -> RunOptions {
        RunOptions {
            as_of: None,
            today: None,
            detail,
        }
    }
}

/// Everything one run over a root plan produced.
#[derive(Debug)]
pub struct Compilation {
    pub sources: Sources,
    pub files: Vec<LoadedFile>,
    pub model: model::Model,
    /// The allocation of every goal that has no errors.
    pub allocation: alloc::Allocation,
    /// Funnel numbers, and progress of the goals with actuals or deals.
    pub progress: progress::Progress,
    /// Sorted by file and position; lint levels already applied.
    pub diagnostics: Vec<Diagnostic>,
}

/// Load, resolve and check the plan rooted at `root` (whose bytes the caller has read),
/// allocating its goals in the detail asked for. `as_of` overrides the plan's own `as_of`.
pub fn compile(
    root: &Path,
    root_bytes: Vec<u8>,
    fs: &dyn FileSystem,
    options: &LoadOptions,
    config: &Config,
    run: &RunOptions,
) -> Compilation {
    let go_on = || Ok::<(), std::convert::Infallible>(());
    match phases(root, root_bytes, fs, options, config, run, &go_on) {
        Ok(compilation) => compilation,
        Err(never) => match never {},
    }
}

/// [`compile`], asking `cancelled` before each phase and before each goal is allocated,
/// and giving up (`None`) as soon as it says yes: for a caller whose input changed while
/// it ran (an editor's text), to which the result would be stale. It does not ask
/// within one goal's allocation, nor while the files are read and parsed.
pub fn compile_cancellable(
    root: &Path,
    root_bytes: Vec<u8>,
    fs: &dyn FileSystem,
    options: &LoadOptions,
    config: &Config,
    run: &RunOptions,
    cancelled: &dyn Fn() -> bool,
) -> Option<Compilation> {
    let go_on = || if cancelled() { Err(()) } else { Ok(()) };
    phases(root, root_bytes, fs, options, config, run, &go_on).ok()
}

/// The phases of [`compile`], each preceded by `go_on()`, whose error ends the run.
fn phases<Stop>(
    root: &Path,
    root_bytes: Vec<u8>,
    fs: &dyn FileSystem,
    options: &LoadOptions,
    config: &Config,
    run: &RunOptions,
    go_on: &dyn Fn() -> Result<(), Stop>,
) -> Result<Compilation, Stop> {
    go_on()?;
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut files = resolve::load::load(
        root,
        root_bytes,
        fs,
        options,
        &mut sources,
        &mut diagnostics,
    );
    go_on()?;
    let (mut model, resolve_diagnostics) = resolve::resolve(&mut files, &sources);
    diagnostics.extend(resolve_diagnostics);
    // `as_of`: the caller's, else the plan's, else today.
    model.plan.as_of = run.as_of.or(model.plan.as_of).or(run.today);
    go_on()?;
    diagnostics.extend(check::check(&model, &config.policy));
    go_on()?;
    let stopped = || go_on().is_err();
    let (allocation, alloc_diagnostics) = allocate_checked(
        &model,
        &files,
        &sources,
        config,
        run.detail,
        &diagnostics,
        &stopped,
    );
    // A goal skipped because the run was stopped must not pass for one with an error.
    go_on()?;
    diagnostics.extend(alloc_diagnostics);
    diagnostics.extend(check::check_allocation(&model, &config.policy, &allocation));
    go_on()?;
    let progress = progress::progress(&model, &allocation);
    diagnostics.extend(check::check_pipeline(&model, &config.policy, &progress));
    config::apply_levels(config, &mut diagnostics);
    diagnostics.sort_by(|a, b| {
        (
            a.span.file,
            a.span.start(),
            a.span.end(),
            a.code,
            &a.message,
        )
            .cmp(&(
                b.span.file,
                b.span.start(),
                b.span.end(),
                b.code,
                &b.message,
            ))
    });
    diagnostics.dedup();
    Ok(Compilation {
        sources,
        files,
        model,
        allocation,
        progress,
        diagnostics,
    })
}

/// Allocate the goals whose values can be trusted: those with no error inside them or in
/// anything their numbers depend on (see [`trust`]). An error elsewhere (a deal, a grade,
/// another goal) holds back no goal.
/// Once `stopped()` says yes, the goals left are skipped.
fn allocate_checked(
    model: &model::Model,
    files: &[LoadedFile],
    sources: &Sources,
    config: &Config,
    detail: alloc::Detail,
    diagnostics: &[Diagnostic],
    stopped: &dyn Fn() -> bool,
) -> (alloc::Allocation, Vec<Diagnostic>) {
    if model.plan.period.is_none() {
        let none = alloc::Allocation {
            goals: vec![None; model.goals.len()],
        };
        return (none, Vec::new());
    }
    let trusted = trust::trusted_goals(model, files, sources, diagnostics);
    let skip = |id: model::GoalId| !trusted.get(id.index()).copied().unwrap_or(false) || stopped();
    // Progress needs the cells of goals with actuals or deals, whatever was asked for.
    let detail_of = |id: model::GoalId| {
        if progress::needs_cells(model, id) {
            alloc::Detail::Cells
        } else {
            detail
        }
    };
    alloc::allocate(model, &config.policy, &detail_of, &skip)
}
