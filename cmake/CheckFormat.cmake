# Fails when a C++ file of the repository is not formatted as .clang-format says (docs/architecture.md,
# "Formatting"). Run as a test (tests/CMakeLists.txt, "format") or by hand:
#   cmake -DSOURCE_DIR=. -DCLANG_FORMAT=clang-format -P cmake/CheckFormat.cmake
# Fix with: clang-format -i <the files it names>
cmake_minimum_required(VERSION 3.25)
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
file(GLOB_RECURSE files ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.hpp ${SOURCE_DIR}/include/*.hpp
     ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.hpp ${SOURCE_DIR}/fuzz/*.cpp ${SOURCE_DIR}/bench/*.cpp
     ${SOURCE_DIR}/bench/*.hpp ${SOURCE_DIR}/examples/*.cpp ${SOURCE_DIR}/python/*.cpp)
list(LENGTH files count)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${files} RESULT_VARIABLE rc ERROR_VARIABLE errors)
if(NOT rc EQUAL 0)
  string(REGEX MATCHALL "[^\n]*: error: code should be clang-formatted[^\n]*" lines "${errors}")
  list(JOIN lines "\n  " text)
  message(FATAL_ERROR "format check: not formatted as .clang-format says (clang-format -i FILE):\n  ${text}")
endif()
message(STATUS "format check: ${count} files formatted")
