//! `zero-weight`: the rule's documentation and metadata.
//!
//! Emitted by the split walker (`src/check/splits.rs`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::ZeroWeight,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A proportional split (`even`, `by ATTRIBUTE`, `by capacity`) with nothing to weigh: no members or reps, members lacking the attribute, or weights that total zero.",
    why: "Proportions of nothing cannot be computed; the target would vanish.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east { potential 30M CNY }  north }
goal revenue { target 1M CNY  split region by potential }"#,
    fix: "Give every member the attribute, give the team reps with capacity, or split with explicit shares.",
};
