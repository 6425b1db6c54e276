//! Checks on the semantic model: decompositions that do not add up, and goals that are
//! not SMART.
//!
//! Invariant: nothing under `src/check/` reads files or prints; checks are functions from
//! the model and the policy to diagnostics.

mod pipeline;
pub mod rules;
mod splits;

use crate::alloc::Allocation;
use crate::config::Policy;
use crate::diagnostic::Diagnostic;
use crate::model::{Goal, Model};

/// The checks that need only the model.
pub fn check(model: &Model, policy: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::invalid_value::parent_cycles(model, &mut out);
    rules::invalid_value::no_terminal_stage(model, &mut out);
    for goal in &model.goals {
        goal_lints(goal, policy, &mut out);
        splits::check_goal(model, goal, &mut out);
    }
    out
}

/// The checks on funnels, deals and progress.
pub fn check_pipeline(
    model: &Model,
    policy: &Policy,
    progress: &crate::progress::Progress,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    pipeline::check(model, policy, progress, &mut out);
    out
}

/// The checks on allocated values: `over-capacity`.
pub fn check_allocation(
    model: &Model,
    policy: &Policy,
    allocation: &Allocation,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Goals share periods: each rep's capacity over a period is computed once.
    let mut capacities = crate::hash::Map::default();
    for (goal, alloc) in model.goals.iter().zip(&allocation.goals) {
        if let Some(alloc) = alloc {
            rules::over_capacity::check(model, policy, goal, alloc, &mut capacities, &mut out);
        }
    }
    out
}

/// Push a lint unless the goal allows it.
pub(crate) fn lint(goal: &Goal, out: &mut Vec<Diagnostic>, diagnostic: Diagnostic) {
    if !goal.allows(diagnostic.code) {
        out.push(diagnostic);
    }
}

fn goal_lints(goal: &Goal, policy: &Policy, out: &mut Vec<Diagnostic>) {
    rules::missing_target::check(goal, out);
    rules::missing_owner::check(goal, out);
    rules::missing_label::check(goal, out);
    rules::missing_baseline::check(goal, out);
    rules::orphan_goal::check(goal, out);
    rules::growth_exceeds_policy::check(goal, policy, out);
}
