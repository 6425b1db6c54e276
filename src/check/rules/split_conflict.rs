//! `split-conflict`: the rule's documentation and metadata.
//!
//! Emitted by the split walker (`src/check/splits.rs`).

use super::Rule;
use crate::diagnostic::{Code, Severity};

pub const RULE: Rule = Rule {
    code: Code::SplitConflict,
    level: Severity::Error,
    lint: false,
    smart: None,
    what: "Two splits on one dimension at one level, a dimension split again inside itself, time dimensions that do not nest (weeks beside months), or side-by-side time splits whose shares disagree.",
    why: "The plan would say two different things about the same cells.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue { target 12M CNY
  split quarter { Q1 25%  Q2 25%  Q3 25%  Q4 25% }
  split month { Jan 10%  Feb 10%  Mar 10%  Apr 8%  May 8%  Jun 9%     # Q1: 30%
                Jul 8%  Aug 8%  Sep 9%  Oct 8%  Nov 7%  Dec 5% }   # Q4: 20%
}"#,
    fix: "Keep one split per dimension per level; make finer time shares add up to their coarser slice, or use `split month even` beside the quarter split.",
};
