//! `syntax`: the rule's documentation and metadata.
//!
//! Emitted by the parser (`src/syntax/`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::Syntax,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "Text that does not follow the grammar of a `.plan` file: a misspelt keyword, a missing value, an unclosed `{`, a file that is not UTF-8.",
    why: "planck cannot know what a broken item means, so nothing in it is checked. Items around it are still parsed and checked.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" {
  target CNY        # the amount is missing
}"#,
    fix: "Write the statement in the form the help line shows, e.g. `target 12M CNY`.",
};
