//! The rules: one file per diagnostic code, holding the code's documentation (what it
//! finds, why it matters, an example, the fix), its metadata (default level, whether it
//! is a lint, the SMART property it guards) and, for the checks on the model, the check
//! itself. Codes emitted while parsing or resolving have a file too, for their
//! documentation; it names where they are emitted.
//!
//! The registry below names every rule once. `planck explain`, `docs/checks.md`, the
//! SARIF rules, the `[lints]` validation and the UI fixtures all read it, so adding a
//! code means its `Code` variant, its file, its line here and its fixture.

use crate::diagnostic::{Code, Severity};

/// One rule: a diagnostic code and what users are told about it.
#[derive(Debug)]
pub struct Rule {
    pub code: Code,
    /// The severity its diagnostics have unless configured otherwise.
    pub level: Severity,
    /// Whether its level may be changed (`[lints]`, `allow CODE`).
    pub lint: bool,
    /// The SMART property it guards, if any.
    pub smart: Option<char>,
    /// What the check finds.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A small plan that reports this code and no other error (and, lints aside, no
    /// other code). Lines from `# file: PATH` on show another file of the project.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

macro_rules! registry {
    ($($code:ident => $module:ident,)*) => {
        $(pub mod $module;)*

        /// Every rule, in the order of [`Code::ALL`].
        pub const RULES: &[&Rule] = &[$(&$module::RULE,)*];

        /// The rule of a code. The match is exhaustive, so a code without a rule does
        /// not compile.
        pub fn rule(code: Code) -> &'static Rule {
            match code {
                $(Code::$code => &$module::RULE,)*
            }
        }
    };
}

registry! {
    Syntax => syntax,
    IncludeNotFound => include_not_found,
    IncludeCycle => include_cycle,
    IncludeOutsideRoot => include_outside_root,
    DuplicateName => duplicate_name,
    UnresolvedName => unresolved_name,
    AmbiguousMember => ambiguous_member,
    UnitMismatch => unit_mismatch,
    InvalidValue => invalid_value,
    MissingPeriod => missing_period,
    OutsidePlanPeriod => outside_plan_period,
    MissingTarget => missing_target,
    SharesSum => shares_sum,
    AmountsSum => amounts_sum,
    NegativeRemainder => negative_remainder,
    SplitCoverage => split_coverage,
    SplitConflict => split_conflict,
    ZeroWeight => zero_weight,
    OverCapacity => over_capacity,
    MissingOwner => missing_owner,
    MissingLabel => missing_label,
    MissingBaseline => missing_baseline,
    GrowthExceedsPolicy => growth_exceeds_policy,
    FunnelCannotReach => funnel_cannot_reach,
    CycleExceedsPeriod => cycle_exceeds_period,
    OrphanGoal => orphan_goal,
    LowCoverage => low_coverage,
    StaleDeal => stale_deal,
    BehindPace => behind_pace,
    UnmatchedActual => unmatched_actual,
    UnplacedDeal => unplaced_deal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_follows_the_codes() {
        let codes: Vec<Code> = RULES.iter().map(|r| r.code).collect();
        assert_eq!(codes, Code::ALL);
        for &code in Code::ALL {
            assert_eq!(rule(code).code, code);
        }
    }

    #[test]
    fn every_warning_is_a_lint() {
        for rule in RULES {
            assert!(rule.lint || rule.level == Severity::Error, "{}", rule.code);
        }
    }
}
