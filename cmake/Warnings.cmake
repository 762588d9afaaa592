# ccsim_target_warnings(tgt): the project's warning set; -Werror when CCSIM_WERROR is ON (CI).
# Not enabled: -Wnull-dereference (GCC 12 reports it inside libstdc++'s basic_string when CLI11's
# split() is inlined). Silenced on GCC 12: -Wrestrict, a known false positive on std::string
# concatenation at -O2/-O3 (GCC bug 105329).
function(ccsim_target_warnings tgt)
  target_compile_options(${tgt} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                        -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                        -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${tgt} PRIVATE -Wno-restrict)
  endif()
  if(CCSIM_WERROR)
    target_compile_options(${tgt} PRIVATE -Werror)
  endif()
endfunction()
