// include/ccsim/core/process.hpp
#pragma once

#include <cstdint>

namespace ccsim {
//! Peak resident set size of this process so far, in bytes (getrusage ru_maxrss).
std::uint64_t peak_rss_bytes();
} // namespace ccsim
