//! `over-capacity`: the rule's documentation and metadata, and its check, run on each
//! goal's allocation.

use super::Rule;
use crate::alloc::{self, Detail, GoalAllocation};
use crate::capacity;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::amount;
use crate::hash::Map;
use crate::model::{Goal, Model, RepId};
use crate::period::Period;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: Code::OverCapacity,
    level: Severity::Error,
    lint: true,
    smart: Some('A'),
    what: "Reps allocated more than their effective capacity over the goal's period.",
    why: "An achievable plan does not ask people for more than they can deliver; the gap must be closed by hiring, moving targets, or lifting capacity.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north }
team east_team { region east  rep alice { capacity 1.2M CNY } }
goal revenue { target 12M CNY     # east gets 4.8M, all of it alice's
  split region { east 40% { split rep by capacity }  north rest } }"#,
    fix: "Add reps, raise capacities where justified, or move target to regions with spare capacity.",
};

/// Compare each rep's total allocation in a goal with the rep's effective capacity over
/// the goal's period; report once per team, naming each rep over capacity.
pub(crate) fn check(
    model: &Model,
    policy: &Policy,
    goal: &Goal,
    allocation: &GoalAllocation,
    capacities: &mut Map<(RepId, Period), Option<capacity::Exact>>,
    out: &mut Vec<Diagnostic>,
) {
    if goal.allows(Code::OverCapacity) {
        return;
    }
    let (Some(target), Some(period)) = (&goal.target, goal.period) else {
        return;
    };
    let allocated: BTreeMap<RepId, Decimal> = allocation
        .rep_totals
        .iter()
        .map(|(r, v)| (*r, *v))
        .collect();
    // Group by team, in team order.
    let mut by_team: BTreeMap<u32, Vec<(RepId, Decimal, capacity::Exact)>> = BTreeMap::new();
    for (&rep_id, &given) in &allocated {
        let Some(rep) = model.rep(rep_id) else {
            continue;
        };
        let Some(cap) = &rep.capacity else { continue };
        if cap.unit != target.unit {
            continue;
        }
        let Some(effective) = capacities
            .entry((rep_id, period))
            .or_insert_with(|| capacity::exact(model, rep, &period))
        else {
            continue;
        };
        by_team
            .entry(rep.team.0)
            .or_default()
            .push((rep_id, given, effective.clone()));
    }
    if allocation.detail == Detail::ExactRepTotals {
        // Exact totals decide every rep farther than its rounding slack from its
        // capacity: each rounded value is less than a unit from its exact value. The
        // exact totals themselves carry noise in their 28th digit, so one more unit of
        // slack is allowed. If any rep might be over, redo the goal with rounding, so the
        // verdict and the numbers shown are those of `planck compile`.
        let maybe_over = by_team.values().flatten().any(|(r, given, cap)| {
            let values = allocation.rep_counts.get(r).copied().unwrap_or(0);
            allocation
                .unit
                .checked_mul(Decimal::from(values) + Decimal::ONE)
                .and_then(|slack| given.checked_add(slack))
                .is_none_or(|most| cap.cmp_value(most) == Ordering::Greater)
        });
        if maybe_over
            && let Some(precise) = alloc::allocate_one(model, policy, Detail::RepTotals, goal)
        {
            check(model, policy, goal, &precise, capacities, out);
        }
        return;
    }
    for (team_index, reps) in by_team {
        let over: Vec<&(RepId, Decimal, capacity::Exact)> = reps
            .iter()
            .filter(|(_, given, cap)| cap.cmp_value(*given) == Ordering::Greater)
            .collect();
        if over.is_empty() {
            continue;
        }
        let Some(team) = model.teams.get(team_index as usize) else {
            continue;
        };
        let Some(&at) = allocation.rep_splits.get(&over[0].0) else {
            continue;
        };
        let team_given = reps
            .iter()
            .fold(Decimal::ZERO, |t, (_, g, _)| t.saturating_add(*g));
        // The reps' capacities may add up to more than a decimal holds: say so rather
        // than print a capped number.
        let team_cap = reps
            .iter()
            .try_fold(Decimal::ZERO, |t, (_, _, c)| t.checked_add(c.approx()))
            .map_or_else(
                || format!("more than {}", amount(Decimal::MAX)),
                |c| amount(c.round_dp(2)),
            );
        let names: Vec<String> = over
            .iter()
            .map(|(r, given, cap)| {
                let name = model.rep(*r).map_or("?", |r| r.name.as_str());
                let cap = cap.approx();
                format!(
                    "`{name}` {} against {} ({} over)",
                    amount(*given),
                    amount(cap.round_dp(2)),
                    amount(given.saturating_sub(cap).round_dp(2))
                )
            })
            .collect();
        out.push(
            Diagnostic::new(
                Code::OverCapacity,
                at,
                format!(
                    "goal `{}` gives team `{}` {} in {period}, but its reps' effective capacity is {}",
                    goal.name,
                    team.name,
                    amount(team_given),
                    team_cap,
                ),
            )
            .with_label(format!("{} rep{} over capacity", over.len(), if over.len() == 1 { "" } else { "s" }))
            .with_secondary(team.span, "the team")
            .with_help(format!(
                "over capacity: {}; add reps, raise capacities where justified, or move target elsewhere",
                names.join(", ")
            )),
        );
    }
}
