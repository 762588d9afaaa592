# Checks ccsim's architecture rules (docs/architecture.md) on every source and public header:
#   1. a stage includes only stages before it and core/ ("ccsim/<stage>/..." includes, by CCSIM_STAGES's order);
#   2. private headers stay private to their module: a relative include may not leave the file's own module
#      (one exception, the SimGrid boundary: src/engine/simulation.cpp uses src/platform/sg_platform.hpp);
#   3. SimGrid stays in src/platform/ and src/engine/simulation.cpp, and no public header includes it.
# Run as a test (tests/CMakeLists.txt, "layers") or by hand: cmake -DSOURCE_DIR=. -P cmake/CheckLayers.cmake
cmake_minimum_required(VERSION 3.25)

# The data path, in order. app/ is the command line: it may include every stage.
set(CCSIM_STAGES core cooling workload scenario network cluster perf fill policy power attribution prepare platform engine metrics
                 tco output app)
set(ALLOWED_PRIVATE "src/engine/simulation.cpp:../platform/sg_platform.hpp")
set(SIMGRID_FILES "src/platform/sg_platform.cpp;src/platform/sg_platform.hpp;src/engine/simulation.cpp")

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repository> -P CheckLayers.cmake")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.hpp
     ${SOURCE_DIR}/src/*.in ${SOURCE_DIR}/include/ccsim/*.hpp)

set(problems "")
set(checked 0)
foreach(f IN LISTS files)
  # The file's module: src/<module>/... or include/ccsim/<module>/...
  if(f MATCHES "^src/([^/]+)/")
    set(module ${CMAKE_MATCH_1})
  elseif(f MATCHES "^include/ccsim/([^/]+)/")
    set(module ${CMAKE_MATCH_1})
  else()
    list(APPEND problems "${f}: not inside a module folder (expected src/<stage>/ or include/ccsim/<stage>/)")
    continue()
  endif()
  list(FIND CCSIM_STAGES ${module} rank)
  if(rank LESS 0)
    list(APPEND problems "${f}: module \"${module}\" is not a stage of CCSIM_STAGES (cmake/CheckLayers.cmake)")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  file(STRINGS ${SOURCE_DIR}/${f} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line IN LISTS includes)
    if(line MATCHES "#[ \t]*include[ \t]*\"ccsim/([^/]+)/")
      set(target ${CMAKE_MATCH_1})
      list(FIND CCSIM_STAGES ${target} target_rank)
      if(target_rank GREATER rank)
        list(APPEND problems "${f}: a ${module}/ file includes ccsim/${target}/, a later stage")
      endif()
    elseif(line MATCHES "#[ \t]*include[ \t]*\"(\\.\\./[^\"]+)\"")
      set(rel ${CMAKE_MATCH_1})
      if(NOT "${f}:${rel}" IN_LIST ALLOWED_PRIVATE)
        list(APPEND problems "${f}: includes ${rel}, a private header of another module (expected a public header)")
      endif()
    elseif(line MATCHES "#[ \t]*include[ \t]*<simgrid/")
      if(NOT f IN_LIST SIMGRID_FILES)
        list(APPEND problems "${f}: includes SimGrid (expected only src/platform/ and src/engine/simulation.cpp)")
      endif()
    endif()
  endforeach()
endforeach()

list(LENGTH problems count)
if(count GREATER 0)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "architecture check: ${count} problem(s):\n  ${text}")
endif()
if(checked LESS 50)
  message(FATAL_ERROR "architecture check: only ${checked} files found under ${SOURCE_DIR} (wrong SOURCE_DIR?)")
endif()
message(STATUS "architecture check: ${checked} files, every include follows the stage order ${CCSIM_STAGES}")
