//! `low-coverage`: the rule's documentation and metadata, and its check, run by the
//! pipeline checks (`src/check/pipeline.rs`) on each goal's progress.

use super::Rule;
use crate::check::lint;
use crate::check::pipeline::Standing;
use crate::config::Policy;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fmt_num::amount;

pub const RULE: Rule = Rule {
    code: Code::LowCoverage,
    level: Severity::Warning,
    lint: true,
    smart: None,
    what: "Weighted pipeline closing in the rest of the period, divided by the target not yet reached, is below `policy.min_coverage` (default 3.0).",
    why: "Without enough pipeline, the rest of the target will not be reached whatever the effort.",
    example: r#"plan "FY2026" { period 2026  currency CNY  as_of 2026-06-30 }
funnel b2b { deal_size 500k CNY  inflow 100 per month
  stage proposal { convert 50% }  stage won }
goal revenue { target 4M CNY  funnel b2b }
actuals revenue {
  2026-H1 2M
}
deal acme { stage proposal  amount 2M CNY  close 2026-09-30 }
# 1M of weighted pipeline for the 2M still to reach: coverage 0.5"#,
    fix: "Build pipeline (more leads, more qualified opportunities), or revise the target.",
};

/// A goal with a funnel whose weighted pipeline covers what is still to reach less than
/// the policy asks, before the end of its period.
pub(crate) fn check(standing: &Standing, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Standing {
        goal,
        numbers,
        target,
        period,
        as_of,
        actual,
        pipeline,
    } = *standing;
    if goal.funnel.is_none() || as_of >= period.end {
        return;
    }
    let Some(coverage) = numbers.coverage(target) else {
        return;
    };
    if coverage >= policy.min_coverage {
        return;
    }
    let Some(remaining) = target.checked_sub(actual) else {
        return;
    };
    // Coverage is below the policy, so the pipeline still to build is positive.
    // When remaining × policy is beyond a decimal, remaining × (policy − coverage)
    // may not be; if that is beyond too, so is the pipeline to build.
    let to_build = remaining
        .checked_mul(policy.min_coverage)
        .and_then(|asked| asked.checked_sub(pipeline))
        .or_else(|| remaining.checked_mul(policy.min_coverage.checked_sub(coverage)?));
    let help = match to_build {
        Some(to_build) => format!(
            "build {} more weighted pipeline closing by {}, or revise the target",
            amount(to_build.round_dp(2)),
            period.end
        ),
        None => format!(
            "the weighted pipeline a coverage of {} asks for is {}: check `min_coverage` in planck.toml, or revise the target",
            policy.min_coverage.normalize(),
            crate::check::pipeline::beyond()
        ),
    };
    lint(
        goal,
        out,
        Diagnostic::new(
            Code::LowCoverage,
            goal.funnel_span.unwrap_or(goal.name_span),
            format!(
                "goal `{}` has {} of weighted pipeline for the {} still to reach: coverage {} (policy: {})",
                goal.name,
                amount(pipeline.round_dp(2)),
                amount(remaining),
                coverage.round_dp(2).normalize(),
                policy.min_coverage.normalize()
            ),
        )
        .with_label("thin pipeline")
        .with_help(help),
    );
}
