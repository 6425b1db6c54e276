//! `missing-period`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::MissingPeriod,
    level: Severity::Error,
    lint: false,
    smart: Some('T'),
    what: "A plan without a `period` (or a root file without a `plan` block).",
    why: "Time-bound goals need a frame: goal periods, time splits and capacities are all measured against the plan period.",
    example: r#"plan "FY2026" { currency CNY }"#,
    fix: "Add `period 2026`, or a range such as `period 2026-04-01..2027-03-31` for a fiscal year.",
};
