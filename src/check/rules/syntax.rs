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
    what: "Text that does not follow the grammar of a `.plan` file: a misspelt keyword, a missing value or unit, an unclosed `{`, a file that is not UTF-8.",
    why: "planck cannot know what broken text means. A broken statement inside a block costs only that statement: the block's other statements are still checked, and checks that need what it would have said are skipped. A block left open costs its whole item; the items around it are still parsed and checked.",
    example: r#"plan "FY2026" { period 2026  currency CNY }
goal revenue "全年销售额" {
  target CNY        # the amount is missing
}"#,
    fix: "Write the statement in the form the help line shows, e.g. `target 12M CNY`.",
};

/// The forms of every item and statement, for `planck explain syntax`: what a user with
/// only the binary needs to write a plan. Each snippet parses (tested).
pub const REFERENCE: &[(&str, &str)] = &[
    (
        "Comments start with `#`. Names are letters, digits and `_` (`华东`, `key_accounts`); a string after a name is its label. Commas count as spaces. Numbers take a scale: `12k`, `1.5M`, `2B`, `1.5万`, `3亿`; quantities a unit: `12M CNY`, `40 customers`. Periods: `2026`, `2026-H1`, `2026-Q3`, `2026-03`, `2026-W05`, `2026-04-01..2027-03-31`.",
        r#"plan "FY2026" {
  period 2026                 # required
  currency CNY
  as_of 2026-06-30            # "today" for progress
}
include "org.plan"            # relative to this file, inside the project
strategy key_accounts "深耕大客户""#,
    ),
    (
        "Dimensions, teams and reps: members may carry attributes; a team's `DIMENSION MEMBER` pairs tie its reps to a member.",
        r#"dimension region "区域" {
  east "华东" { potential 30M CNY }
  north "华北" { potential 20M CNY }
}
team east_team "华东团队" {
  region east
  lead "李经理"
  rep alice "陈爱丽" { capacity 1.2M CNY }
  rep carol "张可" { capacity 1.2M CNY  start 2026-07  ramp 50% 75% }
}"#,
    ),
    (
        "A goal: `target` is required; the others make it SMART. Splits take shares, amounts in the goal's unit, `rest`, `even` or `by ATTRIBUTE`; a member's block splits its part further, and `even` and `by` take blocks for named members or `each` member. Time splits: `half`, `quarter`, `month` (`Jan`…), `week` (`W01`…).",
        r#"goal revenue "2026 全年销售额" {
  owner "销售总监"
  target 12M CNY
  baseline 10M CNY in 2025
  period 2026
  supports key_accounts
  parent company_revenue
  funnel b2b
  split region { east 40% { split rep by capacity }  north 4.2M  south rest }
  split product by weight { svc { split rep even }  each { split channel even } }
  split quarter { Q1 20%  Q2 25%  Q3 25%  Q4 30% }
  split month even
  allow missing-baseline
}"#,
    ),
    (
        "Funnels, grades and deals: every stage but the last has `convert`; the last stage is the won one.",
        r#"funnel b2b "大客户漏斗" {
  deal_size 200k CNY
  inflow 150 per month
  stage lead "线索" { convert 40%  dwell 10d  buyer "识别需求"  milestone "需求确认"  actions "首次拜访"  tools "需求调研表" }
  stage proposal "方案" { convert 50%  dwell 2w }
  stage won "成交"
}
grades { A "本季度可成交" 80%  B "半年内" 50% }
deal acme "Acme 集团" {
  owner alice  region east
  stage proposal  grade A  amount 600k CNY  close 2026-09-15
}"#,
    ),
    (
        "Actuals: a period, the members, then the amount in the goal's unit; or a CSV file with a header `period,DIMENSION…,amount`.",
        r#"actuals revenue {
  2026-Q1 east alice 260k
  2026-Q1 region.north 900k
  2026-09 east -15k
}
actuals revenue from "actuals.csv""#,
    ),
];
