/**
 * Tree-sitter grammar of planck's `.plan` files, for editors that highlight with
 * tree-sitter (Zed, Helix, Neovim). It follows `grammar/plan.pest`, the grammar planck
 * itself parses with; planck's own messages remain the judge of what is valid.
 *
 * Keywords are recognised only where a statement may start (`word` below), so every
 * keyword is also a name elsewhere (`stage lead`, `split rep by capacity`), as in planck.
 */

const ident = /[\p{XID_Start}_][\p{XID_Continue}]*/;

module.exports = grammar({
  name: "plan",

  // White space and commas separate tokens; `#` starts a comment to the end of the line.
  extras: ($) => [/[\s,\uFEFF]/, $.comment],

  word: ($) => $.identifier,

  rules: {
    source_file: ($) => repeat($._item),

    _item: ($) =>
      choice(
        $.plan,
        $.include,
        $.strategy,
        $.dimension,
        $.team,
        $.goal,
        $.funnel,
        $.grades,
        $.deal,
        $.actuals,
        $.deals,
      ),

    // ------------------------------------------------------------ lexical

    comment: (_) => token(seq("#", /[^\n]*/)),
    identifier: (_) => ident,
    name_ref: ($) =>
      seq(
        field("name", $.identifier),
        optional(seq(token.immediate("."), field("member", $.identifier))),
      ),
    string: ($) =>
      seq('"', repeat(choice($.string_content, $.escape_sequence)), token.immediate('"')),
    string_content: (_) => token.immediate(prec(1, /[^"\\\n\r]+/)),
    escape_sequence: (_) => token.immediate(/\\["\\nt]/),

    // `12M`, `1.5万`, `-3`, `1_000`: digits, then a scale written against them.
    number: ($) =>
      seq(
        alias(/-?[0-9]+(_[0-9]+)*(\.[0-9]+(_[0-9]+)*)?/, $.decimal),
        optional($.scale),
      ),
    // `k`, `M` and `B` are scales only when no letter follows (`50kg` is 50 of a unit
    // `kg`); `万` and `亿` always are.
    scale: (_) =>
      choice(
        token.immediate("k"),
        token.immediate("M"),
        token.immediate("B"),
        token.immediate(prec(2, /[万亿]/)),
      ),
    percent: (_) => /[0-9]+(_[0-9]+)*(\.[0-9]+(_[0-9]+)*)?%/,
    duration: (_) => /[0-9]+(_[0-9]+)*(\.[0-9]+(_[0-9]+)*)?(mo|d|w)/,
    // A currency (`CNY`) or another unit (`deals`, `台`).
    unit: ($) => $.identifier,
    quantity: ($) => seq($.number, $.unit),
    lint_code: (_) => /[a-z][a-z0-9-]*/,

    // `2026`, `2026-04`, `2026-Q1`, `2026-H2`, `2026-W05`, `2026-04-01`, and ranges.
    period: ($) => seq($._period_atom, optional(seq("..", $._period_atom))),
    _period_atom: ($) => alias(/[0-9]{4}(-([0-9]{2}(-[0-9]{2})?|[QHW][0-9]+))?/, $.date),

    _label: ($) => field("label", $.string),

    // -------------------------------------------------------------- items

    plan: ($) =>
      seq("plan", optional($._label), "{", repeat($._plan_statement), "}"),
    _plan_statement: ($) => choice($.period_statement, $.currency_statement, $.as_of_statement),
    period_statement: ($) => seq("period", $.period),
    currency_statement: ($) => seq("currency", alias($.identifier, $.unit)),
    as_of_statement: ($) => seq("as_of", $.period),

    include: ($) => seq("include", field("path", $.string)),
    strategy: ($) => seq("strategy", field("name", $.identifier), optional($._label)),

    dimension: ($) =>
      seq(
        "dimension",
        field("name", $.identifier),
        optional($._label),
        "{",
        repeat($.member),
        "}",
      ),
    member: ($) =>
      seq(field("name", $.identifier), optional($._label), optional($.attributes)),
    attributes: ($) => seq("{", repeat($.attribute), "}"),
    attribute: ($) =>
      seq(
        field("key", $.identifier),
        choice(
          seq($.number, optional(alias($._currency, $.unit))),
          $.percent,
          $.string,
          $.name_ref,
        ),
      ),
    // After an attribute's number, only a currency (three capitals) is its unit: another
    // name starts the next attribute.
    _currency: (_) => token(prec(1, /[A-Z]{3}/)),

    team: ($) =>
      seq(
        "team",
        field("name", $.identifier),
        optional($._label),
        "{",
        repeat(choice($.lead_statement, $.rep, $.coordinate)),
        "}",
      ),
    lead_statement: ($) => seq("lead", choice($.string, $.name_ref)),
    rep: ($) =>
      seq(
        "rep",
        field("name", $.identifier),
        optional($._label),
        optional(
          seq(
            "{",
            repeat(
              choice(
                $.capacity_statement,
                $.start_statement,
                $.ramp_statement,
                $.coordinate,
              ),
            ),
            "}",
          ),
        ),
      ),
    capacity_statement: ($) => seq("capacity", $.quantity),
    start_statement: ($) => seq("start", $.period),
    ramp_statement: ($) => seq("ramp", repeat1($.percent)),
    // `region east`: a dimension and one of its members.
    coordinate: ($) => seq(field("dimension", $.identifier), $.name_ref),

    goal: ($) =>
      seq(
        "goal",
        field("name", $.identifier),
        optional($._label),
        "{",
        repeat($._goal_statement),
        "}",
      ),
    _goal_statement: ($) =>
      choice(
        $.owner_statement,
        $.target_statement,
        $.baseline_statement,
        $.period_statement,
        $.supports_statement,
        $.parent_statement,
        $.funnel_statement,
        $.split,
        $.allow_statement,
      ),
    owner_statement: ($) => seq("owner", choice($.string, $.name_ref)),
    target_statement: ($) => seq("target", $.quantity),
    baseline_statement: ($) => seq("baseline", $.quantity, "in", $.period),
    supports_statement: ($) => seq("supports", $.name_ref),
    parent_statement: ($) => seq("parent", $.name_ref),
    funnel_statement: ($) => seq("funnel", $.name_ref),
    allow_statement: ($) => seq("allow", $.lint_code),

    split: ($) =>
      seq(
        "split",
        field("dimension", $.name_ref),
        choice(
          seq(choice($.even, seq("by", field("by", $.name_ref))), optional($.member_blocks)),
          $.split_block,
        ),
      ),
    even: (_) => "even",
    rest: (_) => "rest",
    each: (_) => "each",
    split_block: ($) => seq("{", repeat($.split_entry), "}"),
    split_entry: ($) =>
      seq(
        field("member", $.name_ref),
        choice($.percent, $.number, $.rest),
        optional($.nested_splits),
      ),
    nested_splits: ($) => seq("{", repeat($.split), "}"),
    member_blocks: ($) => seq("{", repeat($.member_block), "}"),
    member_block: ($) => seq(choice($.each, field("member", $.name_ref)), $.nested_splits),

    funnel: ($) =>
      seq(
        "funnel",
        field("name", $.identifier),
        optional($._label),
        "{",
        repeat(choice($.deal_size_statement, $.inflow_statement, $.stage, $.outcome)),
        "}",
      ),
    deal_size_statement: ($) => seq("deal_size", $.quantity),
    inflow_statement: ($) => seq("inflow", $.number, "per", $.identifier),
    stage: ($) =>
      seq(
        "stage",
        field("name", $.identifier),
        optional($._label),
        optional(seq("{", repeat($._stage_statement), "}")),
      ),
    // `lost NAME "label"`: a closed-lost outcome.
    outcome: ($) => seq("lost", field("name", $.identifier), optional($._label)),
    _stage_statement: ($) =>
      choice(
        seq("buyer", $.string),
        seq("convert", $.percent),
        seq("dwell", $.duration),
        seq("milestone", $.string),
        seq("actions", repeat1($.string)),
        seq("tools", repeat1($.string)),
      ),

    grades: ($) => seq("grades", "{", repeat($.grade), "}"),
    grade: ($) => seq(field("name", $.identifier), optional($._label), $.percent),

    deal: ($) =>
      seq(
        "deal",
        field("name", $.identifier),
        optional($._label),
        "{",
        repeat($._deal_statement),
        "}",
      ),
    _deal_statement: ($) =>
      choice(
        $.owner_statement,
        seq("stage", $.name_ref),
        seq("grade", $.name_ref),
        seq("amount", $.quantity),
        seq("close", $.period),
        seq("opened", $.period),
        $.funnel_statement,
        $.coordinate,
      ),

    actuals: ($) =>
      seq(
        "actuals",
        field("name", $.identifier),
        choice(
          seq("from", field("path", $.string), optional($.mapping)),
          seq("{", repeat($.actual_row), "}"),
        ),
      ),
    actual_row: ($) => seq($.period, repeat($.name_ref), $.number),

    // Deals and actuals read from an export: which column holds what.
    deals: ($) => seq("deals", "from", field("path", $.string), $.mapping),
    mapping: ($) => seq("{", repeat($._mapping_statement), "}"),
    _mapping_statement: ($) =>
      choice(
        $.funnel_statement,
        $.dates_statement,
        $.missing_statement,
        $.where_statement,
        $.skip_statement,
        $.map_field,
      ),
    dates_statement: ($) => seq("dates", $.string),
    missing_statement: (_) =>
      seq("missing", choice(seq("amount", "deal_size"), seq("close", "cycle"))),
    // A cell compared with text, a date or an amount.
    where_statement: ($) =>
      seq(
        "where",
        field("column", $._column),
        choice("=", "!=", "<", "<=", ">", ">="),
        choice($.string, alias(token(/[0-9]{4}-[0-9]{2}-[0-9]{2}/), $.date), $.number),
      ),
    skip_statement: (_) => seq("skip", "footer"),
    // A field is a deal statement's word, `period`, `rep` or a dimension's name.
    map_field: ($) => seq(field("field", $._field_word), field("column", $._column)),
    _field_word: ($) =>
      choice(
        $.identifier,
        alias(
          choice("owner", "stage", "amount", "close", "opened", "grade", "period", "rep"),
          $.identifier,
        ),
      ),
    _column: ($) => choice($.string, $._field_word),
  },
});
