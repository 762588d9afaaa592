# libcsv (Debian libcsv-dev) ships neither a CMake config nor a pkg-config file: find its header and library
# and expose them as LibCsv::csv.
find_path(LIBCSV_INCLUDE_DIR csv.h)
find_library(LIBCSV_LIBRARY NAMES csv)
if(NOT LIBCSV_INCLUDE_DIR OR NOT LIBCSV_LIBRARY)
  message(FATAL_ERROR "libcsv not found (install the Debian package libcsv-dev; scripts/install-deps.sh does)")
endif()
add_library(LibCsv::csv UNKNOWN IMPORTED)
set_target_properties(LibCsv::csv PROPERTIES IMPORTED_LOCATION "${LIBCSV_LIBRARY}"
                                             INTERFACE_INCLUDE_DIRECTORIES "${LIBCSV_INCLUDE_DIR}")
