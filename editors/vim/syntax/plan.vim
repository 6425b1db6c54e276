" Vim syntax file
" Language: planck sales plans (.plan)

if exists('b:current_syntax')
  finish
endif

syntax case match

syntax match planComment "#.*$" contains=planTodo
syntax keyword planTodo TODO FIXME XXX contained
syntax region planString start=+"+ skip=+\\\\\|\\"+ end=+"\|$+ contains=planEscape oneline
syntax match planEscape +\\[\"\\nt]+ contained

" A keyword that defines a name, then the name.
syntax keyword planDefine strategy dimension team rep goal funnel stage lost deal nextgroup=planName skipwhite
syntax match planName "\%(\k\|[^\x00-\x7f]\)\+" contained

syntax keyword planItem plan include grades actuals deals from
syntax keyword planKeyword period currency as_of lead capacity start ramp owner target baseline in
syntax keyword planKeyword supports parent split allow by deal_size inflow per buyer convert dwell
syntax keyword planKeyword milestone actions tools grade amount close opened dates missing where cycle skip footer
syntax keyword planConstant even rest

syntax match planNumber "-\=\<\d\+\%(_\d\+\)*\%(\.\d\+\%(_\d\+\)*\)\=\%(%\|[kMB]\>\|万\|亿\|\%(mo\|d\|w\)\>\)\="
" After numbers, so that a period wins where both match.
syntax match planPeriod "\<\d\{4}\%(-\%(H\d\+\|Q\d\+\|W\d\+\|\d\d\%(-\d\d\)\=\)\)\=\>"
syntax match planCurrency "\<[A-Z]\{3}\>"
syntax match planRange "\.\."

highlight default link planComment Comment
highlight default link planTodo Todo
highlight default link planString String
highlight default link planEscape SpecialChar
highlight default link planDefine Keyword
highlight default link planName Function
highlight default link planItem Keyword
highlight default link planKeyword Statement
highlight default link planConstant Constant
highlight default link planPeriod Number
highlight default link planNumber Number
highlight default link planCurrency Type
highlight default link planRange Operator

let b:current_syntax = 'plan'
