//! `stale-deal`: the rule's documentation and metadata, and its check, run on every deal.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Model;

pub const RULE: Rule = Rule {
    code: Code::StaleDeal,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "An open deal whose close date is before `as_of`.",
    why: "A deal past its close date distorts the forecast: it is either lost or needs a new date.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
funnel b2b { stage proposal { convert 50% }  stage won }
deal acme { stage proposal  close 2026-05-31 }"#,
    fix: "Update the close date, move the deal to its real stage, or remove it.",
};

/// An open deal whose close date is before `as_of`. A deal whose stage was written but
/// did not resolve was reported; whether it is still open is not known.
pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let Some(as_of) = model.plan.as_of else {
        return;
    };
    for deal in model.deals.iter().filter(|d| !d.stage_invalid) {
        if let (Some(close), true) = (deal.close, crate::pipeline::is_open(model, &deal))
            && close < as_of
        {
            out.push(
                Diagnostic::new(
                    Code::StaleDeal,
                    deal.close_span.unwrap_or(deal.span),
                    format!(
                        "deal `{}` was due to close on {close}, before {as_of}, and is still open",
                        deal.name
                    ),
                )
                .with_label("in the past")
                .with_help("update the close date, move the deal to its real stage, or remove it"),
            );
        }
    }
}
