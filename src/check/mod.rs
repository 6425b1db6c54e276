//! Checks on the semantic model: decompositions that do not add up, and goals that are
//! not SMART.
//!
//! Invariant: nothing under `src/check/` reads files or prints; checks are functions from
//! the model and the policy to diagnostics.

mod capacity;
mod pipeline;
pub mod rules;
mod splits;

use crate::alloc::Allocation;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Goal, Model};
use crate::resolve::load::LoadedFile;
use rust_decimal::Decimal;

/// The checks that need only the model (and, where the model cannot tell what was
/// written, the syntax trees it was resolved from).
pub fn check(model: &Model, files: &[LoadedFile], policy: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::invalid_value::parent_cycles(model, &mut out);
    rules::invalid_value::no_terminal_stage(model, files, &mut out);
    for goal in &model.goals {
        goal_lints(goal, policy, &mut out);
        splits::check_goal(model, goal, &mut out);
    }
    out
}

/// The checks on funnels, deals and progress.
pub fn check_pipeline(
    model: &Model,
    files: &[LoadedFile],
    policy: &Policy,
    progress: &crate::progress::Progress,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    pipeline::check(model, files, policy, progress, &mut out);
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
    let mut capacities = std::collections::HashMap::new();
    for (goal, alloc) in model.goals.iter().zip(&allocation.goals) {
        if let Some(alloc) = alloc {
            capacity::over_capacity(model, policy, goal, alloc, &mut capacities, &mut out);
        }
    }
    out
}

/// Push a lint unless the goal allows it.
fn lint(goal: &Goal, out: &mut Vec<Diagnostic>, diagnostic: Diagnostic) {
    if !goal.allows(diagnostic.code) {
        out.push(diagnostic);
    }
}

fn goal_lints(goal: &Goal, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let name = &goal.name;
    let at = goal.name_span;
    if goal.target.is_none() && !goal.target_invalid {
        out.push(
            Diagnostic::new(Code::MissingTarget, at, format!("goal `{name}` has no target"))
                .with_label("no `target` in this goal")
                .with_help("a goal is measurable: add `target AMOUNT UNIT`, e.g. `target 12M CNY` or `target 40 customers`"),
        );
    }
    if goal.owner.is_none() && !goal.owner_invalid {
        lint(
            goal,
            out,
            Diagnostic::new(
                Code::MissingOwner,
                at,
                format!("goal `{name}` has no owner"),
            )
            .with_label("nobody owns this goal")
            .with_help("add `owner REP_OR_TEAM` or `owner \"name\"`, or `allow missing-owner`"),
        );
    }
    if goal.label.is_none() {
        lint(
            goal,
            out,
            Diagnostic::new(
                Code::MissingLabel,
                at,
                format!("goal `{name}` has no label"),
            )
            .with_label("no label after the name")
            .with_help(format!(
                "say what the goal is: `goal {name} \"2026 全年销售额\" {{ … }}`"
            )),
        );
    }
    if goal.baseline.is_none() && !goal.baseline_invalid {
        lint(
            goal,
            out,
            Diagnostic::new(Code::MissingBaseline, at, format!("goal `{name}` has no baseline"))
                .with_label("no `baseline` to judge the target against")
                .with_help("add last period's result, e.g. `baseline 10M CNY in 2025`, or `allow missing-baseline`"),
        );
    }
    if goal.supports.is_empty() && goal.parent.is_none() && !goal.links_invalid {
        lint(
            goal,
            out,
            Diagnostic::new(
                Code::OrphanGoal,
                at,
                format!("goal `{name}` supports no strategy and has no parent"),
            )
            .with_label("relevant to what?")
            .with_help("add `supports STRATEGY` or `parent GOAL`"),
        );
    }
    if let (Some(target), Some((baseline, _))) = (&goal.target, &goal.baseline)
        && target.unit == baseline.unit
    {
        growth(
            goal,
            target.value,
            baseline.value,
            baseline.span,
            policy,
            out,
        );
    }
}

fn growth(
    goal: &Goal,
    target: Decimal,
    baseline: Decimal,
    baseline_span: crate::source::Span,
    policy: &Policy,
    out: &mut Vec<Diagnostic>,
) {
    let limit = crate::fmt_num::percent(policy.max_growth);
    let (message, label, help) = if baseline.is_zero() {
        if target.is_zero() {
            return;
        }
        (
            format!("growth from a zero baseline is unbounded (policy: at most {limit})"),
            "zero baseline".to_string(),
            "check the baseline, or `allow growth-exceeds-policy` for a new business line",
        )
    } else {
        let Some(growth) = target
            .checked_div(baseline)
            .map(|ratio| ratio - Decimal::ONE)
        else {
            return;
        };
        if growth <= policy.max_growth {
            return;
        }
        let shown = crate::fmt_num::percent(growth.round_dp(4));
        (
            format!(
                "goal `{}` grows {shown} over its baseline, above the policy's {limit}",
                goal.name
            ),
            format!("+{shown} from here"),
            "lower the target, explain the jump with `allow growth-exceeds-policy`, or raise `max_growth` in planck.toml",
        )
    };
    lint(
        goal,
        out,
        Diagnostic::new(Code::GrowthExceedsPolicy, baseline_span, message)
            .with_label(label)
            .with_help(help),
    );
}
