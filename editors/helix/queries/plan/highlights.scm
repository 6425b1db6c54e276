; Highlighting of `.plan` files for Helix: the query of editors/tree-sitter-plan with the
; capture names of Helix's themes where they differ (`constant.numeric` for `number`,
; `variable.other.member` for `property`, `constant.character.escape` for `string.escape`).
; No two patterns capture the same node.

(comment) @comment

[
  "plan"
  "include"
  "strategy"
  "dimension"
  "team"
  "goal"
  "funnel"
  "grades"
  "deal"
  "actuals"
  "period"
  "currency"
  "as_of"
  "lead"
  "rep"
  "capacity"
  "start"
  "ramp"
  "owner"
  "target"
  "baseline"
  "in"
  "supports"
  "parent"
  "split"
  "allow"
  "by"
  "deal_size"
  "inflow"
  "per"
  "stage"
  "buyer"
  "convert"
  "dwell"
  "milestone"
  "actions"
  "tools"
  "grade"
  "amount"
  "close"
  "from"
  "lost"
  "opened"
  "deals"
  "dates"
  "missing"
  "where"
  "cycle"
  "skip"
  "footer"
] @keyword

[
  (even)
  (rest)
  (each)
] @constant.builtin

; The name each item defines.
(strategy name: (identifier) @function)
(dimension name: (identifier) @type)
(team name: (identifier) @type)
(rep name: (identifier) @function)
(goal name: (identifier) @function)
(funnel name: (identifier) @type)
(stage name: (identifier) @function)
(deal name: (identifier) @function)
(actuals name: (identifier) @function)
(member name: (identifier) @constant)
(grade name: (identifier) @constant)
(attribute key: (identifier) @variable.other.member)

; Names used: dimensions as types, members as constants, the rest as variables.
(split dimension: (name_ref) @type)
(coordinate dimension: (identifier) @type)
(coordinate (name_ref) @constant)
(split_entry member: (name_ref) @constant)
(member_block member: (name_ref) @constant)
(actual_row (name_ref) @constant)
(attribute (name_ref) @constant)
(split by: (name_ref) @variable)
(owner_statement (name_ref) @variable)
(lead_statement (name_ref) @variable)
(supports_statement (name_ref) @variable)
(parent_statement (name_ref) @variable)
(funnel_statement (name_ref) @variable)
(deal (name_ref) @variable)
(inflow_statement (identifier) @type)

(string) @string
(escape_sequence) @constant.character.escape

(number) @constant.numeric
(percent) @constant.numeric
(duration) @constant.numeric
(unit) @type.builtin
(period) @string.special
(lint_code) @constant

["{" "}"] @punctuation.bracket
".." @operator
