" Vim filetype plugin
" Language: planck sales plans (.plan)

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:# commentstring=#\ %s
setlocal shiftwidth=2 softtabstop=2 expandtab
setlocal formatoptions-=t formatoptions+=croql
" A name may hold Chinese characters, and `_`.
setlocal iskeyword=@,48-57,_,192-255

let b:undo_ftplugin = 'setlocal comments< commentstring< shiftwidth< softtabstop< expandtab< formatoptions< iskeyword<'
