//! `unplaced-deal`: the rule's documentation and metadata, and its check, run by the
//! pipeline checks (`src/check/pipeline.rs`) on each goal's progress, which places the
//! open deals in the goal's cells and keeps those that fit none for want of a member.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{DealId, DimRef, Model};
use crate::progress::Progress;

pub const RULE: Rule = Rule {
    code: Code::UnplacedDeal,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "An open deal counted in a goal's pipeline that names no member of a dimension the goal is split on (neither itself nor through its owner's team), so it fits no cell of the goal.",
    why: "The deal counts for the goal's forecast but for no region, rep or product: the pipeline of every group looks thinner than it is, and nobody sees why.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
dimension region { east  north }
funnel b2b { stage proposal { convert 50% }  stage won }
goal revenue { target 12M CNY  funnel b2b  split region { east 60%  north rest } }
deal acme { stage proposal  amount 600k CNY  close 2026-09-30 }   # in which region?"#,
    fix: "Give the deal the member it lacks (`region east`), or an owner whose team is tied to one.",
};

/// One warning per open deal that some goal's progress could not place for want of a
/// member: it names the first such goal (that does not allow the code) and the
/// dimensions the deal lacks there, and how many other goals it is unplaced in.
pub(crate) fn check(model: &Model, progress: &Progress, out: &mut Vec<Diagnostic>) {
    // By deal: the goals it is unplaced in, in goal order, with the dimensions it lacks.
    let mut by_deal: Vec<(DealId, usize, &[DimRef])> = Vec::new();
    for (g, p) in progress.goals.iter().enumerate() {
        let Some(p) = p else { continue };
        let Some(goal) = model.goals.get(g) else {
            continue;
        };
        if goal.allows(Code::UnplacedDeal) {
            continue;
        }
        by_deal.extend(
            p.unplaced_deals
                .iter()
                .map(|(d, dims)| (*d, g, dims.as_slice())),
        );
    }
    // Stable: each deal's goals stay in goal order.
    by_deal.sort_by_key(|(d, _, _)| *d);
    for group in by_deal.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(deal_id, g, dims)) = group.first() else {
            continue;
        };
        let (Some(deal), Some(goal)) = (model.deals.get(deal_id.index()), model.goals.get(g))
        else {
            continue;
        };
        let names: Vec<String> = dims
            .iter()
            .map(|d| match d {
                DimRef::Rep => "an owner (`rep`)".to_string(),
                _ => format!("a `{}` member", dim_name(model, *d)),
            })
            .collect();
        let short: Vec<String> = dims
            .iter()
            .map(|d| match d {
                DimRef::Rep => "no owner".to_string(),
                _ => format!("no `{}`", dim_name(model, *d)),
            })
            .collect();
        let others = match group.len() - 1 {
            0 => String::new(),
            1 => " (and of 1 other goal)".to_string(),
            n => format!(" (and of {n} other goals)"),
        };
        let example = dims
            .iter()
            .find_map(|d| match d {
                DimRef::User(id) => {
                    let dim = model.dimension(*id)?;
                    Some(format!("`{} {}`", dim.name, dim.members.first()?.name))
                }
                _ => None,
            })
            .or_else(|| {
                let rep = model.rep(*model.rep_order.first()?)?;
                Some(format!("`owner {}`", rep.name))
            })
            .unwrap_or_else(|| "`owner REP`".to_string());
        out.push(
            Diagnostic::new(
                Code::UnplacedDeal,
                deal.span,
                format!(
                    "deal `{}` lacks {}, which goal `{}` is split on: it counts in the goal's pipeline{others} but in none of its cells",
                    deal.name,
                    names.join(" and "),
                    goal.name
                ),
            )
            .with_label(short.join(", "))
            .with_help(format!(
                "give the deal its member (e.g. {example}; in an import, map a column to it) or an owner whose team is tied to one"
            )),
        );
    }
}

fn dim_name(model: &Model, d: DimRef) -> &str {
    match d {
        DimRef::User(id) => model.dimension(id).map_or("", |d| d.name.as_str()),
        DimRef::Rep => "rep",
        DimRef::Time(t) => t.name(),
    }
}
