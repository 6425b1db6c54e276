; The outline: every item, and the reps, stages and members inside them.
(plan "plan" @context label: (string)? @name) @item
(strategy "strategy" @context name: (identifier) @name) @item
(dimension "dimension" @context name: (identifier) @name) @item
(member name: (identifier) @name) @item
(team "team" @context name: (identifier) @name) @item
(rep "rep" @context name: (identifier) @name) @item
(goal "goal" @context name: (identifier) @name) @item
(funnel "funnel" @context name: (identifier) @name) @item
(stage "stage" @context name: (identifier) @name) @item
(grades "grades" @name) @item
(deal "deal" @context name: (identifier) @name) @item
(actuals "actuals" @context name: (identifier) @name) @item
