# CCSIM_SANITIZE: a ;-list of sanitizers (address, undefined, ...) applied to every target of the project.
set(CCSIM_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address;undefined")
if(CCSIM_SANITIZE)
  list(JOIN CCSIM_SANITIZE "," _ccsim_sanitizers)
  add_compile_options(-fsanitize=${_ccsim_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # GCC 12's flow analysis reports false -Wmaybe-uninitialized inside libstdc++ (std::function in <regex>)
  # once code is instrumented; the regular builds keep the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(-fsanitize=${_ccsim_sanitizers})
endif()
