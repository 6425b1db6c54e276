//! How each rule of the grammar is laid out: the formatter's one view of the grammar.
//!
//! The match is exhaustive, so a rule added to `grammar/plan.pest` does not compile until
//! it is given a shape here.

use crate::syntax::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Printed exactly as written: a name, a string, a number, a keyword, a date.
    Token,
    /// Its parts on one line, one space apart: `target 5M USD`, `split rep by capacity`.
    Phrase,
    /// A period: its two ends joined by `..` without spaces.
    Range,
    /// A statement whose own braces follow its leading tokens and hold its statements:
    /// `goal revenue "Revenue" { … }`.
    Item,
    /// A pair that spans a pair of braces and the statements between them:
    /// the `{ … }` of a split, a rep, a stage, a member's attributes, a nested split.
    Block,
    /// Not part of a parsed tree (silent rules, or the end of input).
    Absent,
}

pub(super) fn shape(rule: Rule) -> Shape {
    use Rule::*;
    match rule {
        ident | name_ref | string | str_body | decimal | scale | minus | number | percent
        | unit | currency | duration | duration_unit | lint_code | date | p_half | p_quarter
        | p_week | p_month | p_year => Shape::Token,
        k_plan | k_include | k_strategy | k_dimension | k_team | k_goal | k_funnel | k_grades
        | k_deal | k_actuals | k_period | k_currency | k_as_of | k_lead | k_rep | k_capacity
        | k_start | k_ramp | k_owner | k_target | k_baseline | k_in | k_supports | k_parent
        | k_split | k_allow | k_by | k_even | k_rest | k_deal_size | k_inflow | k_per | k_stage
        | k_buyer | k_convert | k_dwell | k_milestone | k_actions | k_tools | k_grade
        | k_amount | k_close | k_from | k_each | k_lost | k_opened | k_deals | k_dates
        | k_missing | k_cycle | k_where | k_skip | k_footer | where_op => Shape::Token,
        // A statement that did not parse: `fmt` refuses a file holding one.
        bad_stmt => Shape::Token,
        period => Shape::Range,
        plan | dimension | team | goal | funnel | grades | deal => Shape::Item,
        attrs | rep_body | split_block | nested | member_blocks | stage_body | actuals_block
        | mapping => Shape::Block,
        quantity | money | rate | period_stmt | currency_stmt | as_of_stmt | include | strategy
        | member | attr | lead_stmt | rep | capacity_stmt | start_stmt | ramp_stmt | coord
        | owner_stmt | target_stmt | baseline_stmt | supports_stmt | parent_stmt | funnel_ref
        | allow_stmt | split | even | by | split_entry | member_block | rest | deal_size_stmt
        | inflow_stmt | stage | buyer_stmt | convert_stmt | dwell_stmt | milestone_stmt
        | actions_stmt | tools_stmt | grade | stage_ref | grade_ref | amount_stmt | close_stmt
        | actuals | actuals_from | actual_row | outcome | opened_stmt | deals | dates_stmt
        | missing_stmt | where_stmt | skip_stmt | map_field => Shape::Phrase,
        EOI | file | WHITESPACE | comment_char | str_char | item | digits | year | period_atom
        | plan_stmt | attr_value | team_stmt | rep_stmt | goal_stmt | funnel_stmt | stage_stmt
        | deal_stmt | bad_block | bad_text | bad_string | bad_comment | keyword | mapping_stmt
        | column => Shape::Absent,
    }
}

/// Whether statements of this kind, one after another, are laid out as a table, their
/// leading parts aligned in columns: members, reps, stages, grades, a team's or deal's
/// coordinates, the entries of a split, rows of actuals.
pub(super) fn is_row(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::member
            | Rule::rep
            | Rule::stage
            | Rule::grade
            | Rule::coord
            | Rule::split_entry
            | Rule::actual_row
            | Rule::map_field
    )
}
