//! `compile_cancellable`: the run asks before each phase and before each goal is
//! allocated, stops at the first yes, and otherwise gives what `compile` gives.

use crate::common;

use common::{MemFs, ROOT};
use planck::alloc::Detail;
use planck::config::Config;
use planck::resolve::load::LoadOptions;
use std::cell::Cell;
use std::path::Path;

/// Three goals without an error, so each is allocated; a shares mistake in none.
const PLAN: &str = "plan \"计划\" { period 2026  currency CNY }
dimension 区域 { 华东  华北 }
goal 收入 { target 12M CNY  split 区域 { 华东 60%  华北 rest } }
goal 回款 { target 10M CNY  split 区域 { 华东 50%  华北 rest } }
goal 新客 { target 3M CNY }
";

fn run(cancelled: &dyn Fn() -> bool) -> Option<planck::Compilation> {
    let options = LoadOptions {
        project_root: ROOT.into(),
        base_dir: ROOT.into(),
    };
    planck::compile_cancellable(
        Path::new("main.plan"),
        PLAN.into(),
        &MemFs::new(&[]),
        &options,
        &Config::default(),
        &planck::RunOptions::new(Detail::Cells),
        cancelled,
    )
}

#[test]
fn a_run_never_cancelled_equals_compile_and_asks_per_phase_and_goal() {
    let asked = Cell::new(0);
    let c = run(&|| {
        asked.set(asked.get() + 1);
        false
    })
    .unwrap();
    // Before loading, resolving, checking, allocating, the checks on the allocation and
    // progress: six, and one before each of the three goals.
    assert_eq!(asked.get(), 9);
    let plain = common::compile(PLAN, Detail::Cells);
    assert_eq!(c.diagnostics, plain.diagnostics);
    // Lints only (no owner, label, baseline or strategy): every goal is allocated.
    assert_eq!(c.diagnostics.len(), 12);
    assert!(
        c.diagnostics
            .iter()
            .all(|d| d.severity == planck::diagnostic::Severity::Warning)
    );
    assert_eq!(c.allocation.goals.len(), 3);
    assert!(c.allocation.goals.iter().all(Option::is_some));
    assert_eq!(common::cells(&c, "收入"), common::cells(&plain, "收入"));
}

#[test]
fn a_yes_at_any_point_ends_the_run_without_a_result() {
    for k in 1..=9 {
        let asked = Cell::new(0);
        let result = run(&|| {
            asked.set(asked.get() + 1);
            asked.get() >= k
        });
        assert!(result.is_none(), "cancelled at question {k}");
        // Once told to stop, it asks only to skip each goal left (questions 5 to 7 are
        // the goals') and once more after the allocation, and runs no further phase.
        let last = if (5..=7).contains(&k) { 8 } else { k };
        assert_eq!(asked.get(), last, "cancelled at question {k}");
    }
}

#[test]
fn a_flag_set_from_another_thread_stops_a_run() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let flag = AtomicBool::new(true);
    assert!(run(&|| flag.load(Ordering::SeqCst)).is_none());
    flag.store(false, Ordering::SeqCst);
    assert!(run(&|| flag.load(Ordering::SeqCst)).is_some());
}
