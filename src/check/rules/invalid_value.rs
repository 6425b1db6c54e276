//! `invalid-value`: the rule's documentation and metadata, and the checks of the model's
//! shape: parent goals that form a cycle, and funnels left without a terminal stage.
//!
//! Also emitted by the parser and the resolver for values out of range, by the split
//! walker (`src/check/splits.rs`), and by the pipeline checks (`src/check/pipeline.rs`)
//! and the allocation (`src/alloc/`) for numbers beyond a decimal.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::percent;
use crate::model::{GoalId, Model};

pub const RULE: Rule = Rule {
    code: Code::InvalidValue,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A value out of its range: a negative target or amount, a conversion rate outside (0 %, 100 %], an impossible date (2026-02-30), a number too large or arithmetic that overflows, a ramp step over 100 %, a target finer than its rounding unit, an actual row naming two members of one dimension or a second period, a CSV amount whose commas are not thousands separators (`1,5`).",
    why: "An impossible value gives impossible numbers everywhere it flows.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
funnel b2b { stage lead { convert 120% }  stage won }"#,
    fix: "Write a value within the range the message gives.",
};

/// Report each cycle of `parent` links once, on the goal where the walk found it closed.
/// Linear: every goal is walked once.
pub(crate) fn parent_cycles(model: &Model, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let name = |g: usize| model.goals.get(g).map_or("", |goal| goal.name.as_str());
    let mut state = vec![State::New; model.goals.len()];
    for start in 0..model.goals.len() {
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(g) = current {
            match state.get(g).copied() {
                None | Some(State::Done) => break,
                Some(State::OnPath) => {
                    // The cycle is the part of the path from `g` on.
                    let from = path.iter().position(|&x| x == g).unwrap_or(0);
                    let chain: Vec<String> = path
                        .get(from..)
                        .unwrap_or_default()
                        .iter()
                        .chain(std::iter::once(&g))
                        .map(|&x| format!("`{}`", name(x)))
                        .collect();
                    if let Some(goal) = model.goals.get(g) {
                        out.push(
                            Diagnostic::new(
                                Code::InvalidValue,
                                goal.name_span,
                                format!("goals form a parent cycle: {}", chain.join(" → ")),
                            )
                            .with_label("invalid value")
                            .with_help("a goal's parent must be a larger goal: break the cycle"),
                        );
                    }
                    break;
                }
                Some(State::New) => {
                    if let Some(s) = state.get_mut(g) {
                        *s = State::OnPath;
                    }
                    path.push(g);
                    current = model
                        .goals
                        .get(g)
                        .and_then(|goal| goal.parent)
                        .map(GoalId::index);
                }
            }
        }
        for g in path {
            if let Some(s) = state.get_mut(g) {
                *s = State::Done;
            }
        }
    }
}

/// A funnel whose last written stage repeats an earlier one: the repetition is reported
/// as a duplicate and dropped, so the funnel ends at the stage before it. When that stage
/// converts, the funnel has no terminal stage; say so where it now ends. A `convert`
/// written on the last stage itself is reported when the funnel is resolved.
pub(crate) fn no_terminal_stage(model: &Model, out: &mut Vec<Diagnostic>) {
    for funnel in &model.funnels {
        let Some((earlier, repeated)) = funnel.repeated_last_stage else {
            continue;
        };
        let Some(repeated_name) = funnel.stages.get(earlier).map(|s| &s.name) else {
            continue;
        };
        let Some(last) = funnel.stages.last() else {
            continue;
        };
        let Some(convert) = last.convert else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::InvalidValue,
                last.span,
                format!(
                    "funnel `{}` has no terminal stage: it ends at `{}`, which converts {}",
                    funnel.name,
                    last.name,
                    percent(convert)
                ),
            )
            .with_label("converts, but ends the funnel")
            .with_secondary(repeated, "the last stage repeats an earlier one")
            .with_help(format!(
                "the last stage of a funnel is its won stage, without `convert`: rename the repeated `{}`, or remove it and the `convert` of `{}`",
                repeated_name, last.name
            )),
        );
    }
}
