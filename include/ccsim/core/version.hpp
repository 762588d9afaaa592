// include/ccsim/core/version.hpp
#pragma once

#include <string_view>

namespace ccsim {
//! ccsim's version, "MAJOR.MINOR.PATCH" (from the CMake project version).
std::string_view version();
//! SimGrid's version string as compiled in, e.g. "3.32". Empty in builds without SimGrid.
std::string_view simgrid_version();
} // namespace ccsim
