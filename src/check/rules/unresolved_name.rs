//! `unresolved-name`: the rule's documentation and metadata.
//!
//! Emitted by the resolver (`src/resolve/`), and by the split walker
//! (`src/check/splits.rs`) for a rep attribute other than `capacity`.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::UnresolvedName,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "A reference to a goal, dimension, member, rep, team, funnel, stage, grade, strategy or diagnostic code that does not exist.",
    why: "A reference to nothing means a part of the plan is silently missing, for instance a share that goes nowhere.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north }
goal revenue { target 12M CNY  split region { east 50%  nroth 50% } }"#,
    fix: "Correct the name (the help line suggests the closest existing one) or define it.",
};
