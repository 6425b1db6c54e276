//! `over-capacity`: the rule's documentation and metadata, and its check.

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::OverCapacity,
    level: Severity::Error,
    lint: true,
    smart: Some('A'),
    what: "Reps allocated more than their effective capacity over the goal's period.",
    why: "An achievable plan does not ask people for more than they can deliver; the gap must be closed by hiring, moving targets, or lifting capacity.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
dimension region { east  north }
team east_team { region east  rep alice { capacity 1.2M CNY } }
goal revenue { target 12M CNY     # east gets 4.8M, all of it alice's
  split region { east 40% { split rep by capacity }  north rest } }"#,
    fix: "Add reps, raise capacities where justified, or move target to regions with spare capacity.",
};
