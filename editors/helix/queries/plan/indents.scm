; Indentation of `.plan` files for Helix: a line inside braces is one level deeper than
; the line that opens them, and the closing brace goes back to that line's level.

[
  (plan)
  (dimension)
  (member_blocks)
  (team)
  (rep)
  (attributes)
  (goal)
  (split_block)
  (nested_splits)
  (funnel)
  (stage)
  (grades)
  (deal)
  (actuals)
  (mapping)
] @indent

"}" @outdent
