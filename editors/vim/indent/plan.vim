" Vim indent file
" Language: planck sales plans (.plan)
" One level per open brace; a line starting with `}` goes back one level.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetPlanIndent(v:lnum)
setlocal indentkeys=0},0{,!^F,o,O
setlocal autoindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent<'

if exists('*GetPlanIndent')
  finish
endif

" The braces of a line that count: those outside strings and comments.
function! s:Braces(line) abort
  let text = substitute(a:line, '"\%([^"\\]\|\\.\)*"', '', 'g')
  let text = substitute(text, '#.*$', '', '')
  let opens = len(substitute(text, '[^{]', '', 'g'))
  let closes = len(substitute(text, '[^}]', '', 'g'))
  " A line starting with `}` was already indented back for that brace.
  if text =~# '^\s*}'
    let closes -= 1
  endif
  return opens - closes
endfunction

function! GetPlanIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let ind = indent(prev) + shiftwidth() * s:Braces(getline(prev))
  if getline(a:lnum) =~# '^\s*}'
    let ind -= shiftwidth()
  endif
  return max([ind, 0])
endfunction
