// src/core/process.cpp
#include "ccsim/core/process.hpp"

#include <sys/resource.h>

namespace ccsim {

std::uint64_t peak_rss_bytes()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024U; // Linux reports KiB
}

} // namespace ccsim
