//! `include-not-found`: the rule's documentation and metadata.
//!
//! Emitted by the loader (`src/resolve/load.rs`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::IncludeNotFound,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "An `include` whose file cannot be read.",
    why: "The items of that file (teams, dimensions, goals) are missing, so every reference to them fails too.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
include "teams.plan"     # but the file is called team.plan
# file: team.plan
team east_team { rep alice }"#,
    fix: "Correct the path. It is relative to the folder of the file that has the `include`.",
};
