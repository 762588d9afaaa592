# SimGrid 3.32 from Debian ships pkg-config but no CMake config file: wrap it in an imported target.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SimGrid REQUIRED IMPORTED_TARGET simgrid>=3.32)
if(NOT TARGET SimGrid::SimGrid)
  add_library(SimGrid::SimGrid ALIAS PkgConfig::SimGrid)
endif()
