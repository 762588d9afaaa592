# ccsim_target_warnings(tgt): the project's warning set; -Werror when CCSIM_WERROR is ON (CI).
function(ccsim_target_warnings tgt)
  target_compile_options(${tgt} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                        -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
                                        -Wimplicit-fallthrough)
  if(CCSIM_WERROR)
    target_compile_options(${tgt} PRIVATE -Werror)
  endif()
endfunction()
