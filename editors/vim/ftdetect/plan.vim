" planck sales plans
autocmd BufNewFile,BufRead *.plan setfiletype plan
