//! `include-outside-root`: the rule's documentation and metadata.
//!
//! Emitted by the loader (`src/resolve/load.rs`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::IncludeOutsideRoot,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "An `include` that reaches outside the project root (the folder of `planck.toml`, or of the root plan when there is none).",
    why: "A plan checked in CI must be complete in its repository; a path outside it works on one machine only.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
include "../shared/teams.plan"
# file: ../shared/teams.plan
team east_team { rep alice }"#,
    fix: "Copy the file into the project, or move `planck.toml` up so the project root contains it.",
};
